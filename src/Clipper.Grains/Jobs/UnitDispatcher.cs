using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Work;
using Clipper.Grains.Stages;
using Clipper.Grains.Work;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Clipper.Grains.Jobs;

/// <summary>What a liveness check found of a unit in flight.</summary>
public enum UnitCheck
{
    Alive,
    /// <summary>Past its stage's timeout: stopped where it ran, and counts as a failed attempt.</summary>
    TimedOut,
    /// <summary>Its silo is gone (or cannot be asked, several times running): to be dispatched again.</summary>
    Lost,
}

/// <summary>
/// Hands a job's units to the stage grains and watches them: each dispatch gets a fresh token its report must carry;
/// a check asks each stage grain whether it still runs the unit under that token (a fresh activation, after its silo
/// was declared dead, does not know it).
/// </summary>
public sealed class UnitDispatcher(IGrainFactory grains, JobOptions options, ILogger log)
{
    /// <summary>Where this job's order of the silos starts: jobs differ, so ties do not all go to the same silo first.</summary>
    private readonly int _start = Random.Shared.Next();

    public InFlightUnits InFlight { get; } = new();

    /// <summary>Hands the unit over; false when the silo chosen for it went away meanwhile (the next step tries again).</summary>
    /// <param name="silos">the active silos, for a unit that spreads (chunks, track, encode): it is placed on the one with
    /// the fewest of this job's units of its stage in flight (<see cref="InFlightUnits.LeastBusy"/>), through Orleans'
    /// placement hint, which the stage grains' <see cref="RoundRobinPlacementDirector"/> follows; a unit whose activation
    /// is still alive somewhere stays there</param>
    public async Task<bool> DispatchAsync(string jobId, JobState s, WorkId unit, DateTimeOffset now, IReadOnlyList<SiloAddress>? silos = null)
    {
        var token = Guid.NewGuid().ToString("N");
        var target = unit.Spreads ? LeastBusy(unit.Stage, silos ?? []) : null;
        InFlight.Dispatched(unit, token, now, target?.ToParsableString());
        try
        {
            if (target is not null)
            {
                RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
            }

            var ranOn = await StageUnits.Grain(grains, jobId, unit).Start(JobPlan.WorkFor(jobId, s, unit), token);
            string? placed = target?.ToParsableString();
            if (placed is not null && ranOn != placed)
            {
                // the unit's activation outlived its last run there (a unit tried again after a failure): it runs where
                // it was, whatever the hint said, and counts there, or that silo would be handed more than its slots
                InFlight.RanOn(unit, token, ranOn);
            }

            log.LogInformation("job {Job}: {Work} dispatched (token {Token}){Where}", jobId, unit, token[..8],
                placed is null ? "" : ranOn == placed ? $" to {placed}" : $" to {ranOn} (where it ran before; {placed} was chosen)");
            return true;
        }
        catch (Exception e)
        {
            log.LogWarning(e, "job {Job}: could not hand {Work} over", jobId, unit);
            InFlight.Remove(unit);
            return false;
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    /// <summary>
    /// The silo for a unit of <paramref name="stage"/>: <see cref="InFlightUnits.LeastBusy"/> over the silos in a fixed
    /// order (by address) rotated to this job's start; null without silos.
    /// </summary>
    private SiloAddress? LeastBusy(Stage stage, IReadOnlyList<SiloAddress> silos)
    {
        if (silos.Count == 0)
        {
            return null;
        }

        var byName = silos.ToDictionary(a => a.ToParsableString());
        var names = byName.Keys.Order(StringComparer.Ordinal).ToList();
        int k = (int)((uint)_start % (uint)names.Count);
        return byName[InFlight.LeastBusy(stage, [.. names.Skip(k), .. names.Take(k)])!];
    }

    /// <summary>Checks every unit in flight; timed-out and lost units are no longer in flight when this returns them.</summary>
    public async Task<IReadOnlyList<(WorkId Unit, UnitCheck Check)>> CheckAsync(string jobId, DateTimeOffset now)
    {
        var found = new List<(WorkId, UnitCheck)>();
        foreach (var (unit, token, since) in InFlight.Snapshot())
        {
            if (now - since > options.For(unit.Stage).Timeout)
            {
                InFlight.Remove(unit);
                await StopAsync(jobId, unit);
                found.Add((unit, UnitCheck.TimedOut));
                continue;
            }

            bool alive;
            try
            {
                alive = await StageUnits.Grain(grains, jobId, unit).IsRunning(token);
                InFlight.Answered(unit);
            }
            catch (Exception e)
            {
                // a unit that cannot be asked several times running is taken for lost: running it twice costs
                // time, while waiting for its stage timeout could cost an hour (a late answer is still accepted)
                var times = InFlight.Unanswered(unit);
                log.LogWarning("job {Job}: liveness of {Work} unknown ({Times} time(s)): {Message}", jobId, unit, times, e.Message);
                alive = times < options.LivenessUnknownLimit;
            }

            if (!alive && InFlight.IsCurrent(unit, token))
            {
                log.LogWarning("job {Job}: {Work} was lost with its silo after {Seconds:0.0} s; dispatching it again",
                    jobId, unit, (now - since).TotalSeconds);
                InFlight.Remove(unit);
                found.Add((unit, UnitCheck.Lost));
            }
        }

        return found;
    }

    /// <summary>Stops every unit in flight where it runs (the job ended).</summary>
    public async Task StopAllAsync(string jobId)
    {
        foreach (var (unit, _, _) in InFlight.Snapshot())
        {
            await StopAsync(jobId, unit);
        }

        InFlight.Clear();
    }

    private async Task StopAsync(string jobId, WorkId unit)
    {
        try
        {
            await StageUnits.Grain(grains, jobId, unit).Stop();
        }
        catch (Exception e)
        {
            // a silo that is gone has stopped it already
            log.LogDebug("job {Job}: could not stop {Work}: {Message}", jobId, unit, e.Message);
        }
    }
}
