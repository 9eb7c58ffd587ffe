using Clipper.Abstractions.Jobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Clipper.Grains.Jobs;

/// <summary>
/// Follows cluster membership on this silo. When a silo is declared dead, every running job is woken at once, so
/// the units that silo was running are dispatched again now rather than at the job's next watch tick. Every
/// surviving silo does this; a job woken twice finds nothing left to do the second time.
/// </summary>
public sealed class DeadSiloWatcher(IClusterMembershipService membership, IGrainFactory grains, ILogger<DeadSiloWatcher> log,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    private static readonly JobStatus[] Running =
        [JobStatus.Submitted, JobStatus.Fetching, JobStatus.Transcribing, JobStatus.Scoring, JobStatus.Tracking, JobStatus.Encoding];

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        await Task.Yield();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var previous = membership.CurrentSnapshot;
                await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stopping))
                {
                    var dead = snapshot.CreateUpdate(previous).Changes
                        .Where(c => c.Status == SiloStatus.Dead && previous.Members.TryGetValue(c.SiloAddress, out var was) && was.Status != SiloStatus.Dead)
                        .Select(c => c.SiloAddress)
                        .ToList();
                    previous = snapshot;
                    if (dead.Count > 0)
                    {
                        await WakeRunningJobsAsync(string.Join(", ", dead), stopping);
                    }
                }
            }
            catch (Exception) when (stopping.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // this silo is stopping
                return;
            }
            catch (Exception e)
            {
                // not a known way for the membership stream to end: keep the stack to find out why
                log.LogWarning(e, "following cluster membership failed; following it again");
                await Task.Delay(TimeSpan.FromSeconds(1), stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task WakeRunningJobsAsync(string silos, CancellationToken stopping)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var index = grains.GetGrain<IJobIndexGrain>(0);
        var woken = 0;
        string? after = null;
        do
        {
            var page = await index.List(200, after, Running);
            await Task.WhenAll(page.Jobs.Select(async j =>
            {
                try
                {
                    await grains.GetGrain<IVideoJobGrain>(j.JobId).Wake($"silo {silos} declared dead");
                    Interlocked.Increment(ref woken);
                }
                catch (Exception e)
                {
                    log.LogWarning("could not wake job {Job} after silo {Silo} died: {Message}", j.JobId, silos, e.Message);
                }
            }));
            after = page.Next;
        }
        while (after is not null && !stopping.IsCancellationRequested);

        log.LogWarning("silo {Silo} declared dead at {Time:O}; woke {Count} running job(s) in {Ms} ms to dispatch its work again",
            silos, DateTimeOffset.UtcNow, woken, clock.ElapsedMilliseconds);
    }
}
