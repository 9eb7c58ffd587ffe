using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Grains.Cost;

namespace Clipper.Grains.Work;

/// <summary>
/// What callers see of a job: its persisted state, copied (so later changes to the state do not show through), and
/// live progress. Progress is the stages' weighted share of done units plus the running units' own fractions; the
/// job's percent never goes back while it runs (a unit tried again starts from 0, and may have been counted under an
/// earlier status), the stage's only while its status stays.
/// </summary>
public static class JobViews
{
    /// <summary>A copy of the persisted state with no progress yet (see <see cref="WithProgress"/>).</summary>
    private static JobView Of(string jobId, JobState s, PriceOptions prices)
    {
        var units = s.Units;
        return new JobView(jobId, s.Status, s.Spec, 0, 0, s.Source, s.Transcript,
            (IReadOnlyList<ClipPlan>?)s.Clips?.ToList() ?? [], new Dictionary<int, TrackResult>(s.Tracked),
            new Dictionary<int, EncodeResult>(s.Encoded),
            units.Where(u => u.Silo is not null).ToDictionary(u => u.Id.ToString(), u => u.Silo!),
            units.Where(u => u.Attempts > 0).ToDictionary(u => u.Id.ToString(), u => u.Attempts),
            s.Error, s.SubmittedAt, s.FinishedAt, new Dictionary<string, DateTimeOffset>(s.StageStartedAt),
            units.Where(u => u.Seconds is not null).ToDictionary(u => u.Id.ToString(), u => u.Seconds!.Value),
            units.Where(u => u.LastError is not null).ToDictionary(u => u.Id.ToString(), u => u.LastError!), s.Ranking,
            JobCosts.Of(s, prices), AudioFirst: s.AudioFirst);
    }

    /// <summary>The job's view of <paramref name="s"/> with its stage and job percent from the running units' fractions, the stage's never below <paramref name="shown"/> in the same status, the job's never below it at all while it runs.</summary>
    /// <param name="prices">The price table of the view's cost (the defaults when not given).</param>
    /// <param name="now">The time the estimate of the time left counts to (none without it).</param>
    public static JobView WithProgress(string jobId, JobState s, IReadOnlyDictionary<WorkId, double> running, JobView? shown,
        PriceOptions? prices = null, DateTimeOffset? now = null)
    {
        var v = Of(jobId, s, prices ?? new PriceOptions()) with
        {
            Running = running.ToDictionary(r => r.Key.ToString(), r => Math.Round(r.Value, 3)),
        };
        if (v.Status == JobStatus.Completed)
        {
            return v with { StagePercent = 100, Percent = 100 };
        }

        if (v.Status is not (JobStatus.Fetching or JobStatus.Transcribing or JobStatus.Scoring or JobStatus.Tracking or JobStatus.Encoding))
        {
            // submitted, failed or cancelled: as far as it got
            return shown is null ? v : v with { StagePercent = shown.StagePercent, Percent = shown.Percent };
        }

        // a status several stages share (split and transcribe: Transcribing) shows their weighted share
        double percent = 0, stageDone = 0, stageWeight = 0;
        foreach (var info in StageInfo.All)
        {
            var fraction = Fraction(s, info, running);
            percent += info.Weight * fraction;
            if (info.Status == v.Status)
            {
                stageDone += info.Weight * fraction;
                stageWeight += info.Weight;
            }
        }

        double stage = stageWeight > 0 ? 100 * stageDone / stageWeight : 0;

        if (shown is not null && shown.Status == v.Status)
        {
            stage = Math.Max(stage, shown.StagePercent);
        }

        if (shown is not null && shown.Status <= v.Status)
        {
            // the job's percent holds across a status change too: an encode that ran while the job was still
            // tracking, then failed and starts again from 0, must not pull the job back when tracking ends
            percent = Math.Max(percent, shown.Percent);
        }

        percent = Math.Min(100, percent);
        var current = JobPlan.Units(s).Where(u => StageInfo.Of(u.Stage).Status == v.Status).ToList();
        double elapsed = now is { } t ? (t - s.SubmittedAt).TotalSeconds : 0;
        double? left = now is not null && percent >= 5 && elapsed > 0 ? Math.Round(elapsed * (100 - percent) / percent) : null;
        return v with
        {
            StagePercent = Math.Min(100, stage),
            Percent = percent,
            Work = new WorkProgress(current.Count(u => JobPlan.IsDone(s, u)), current.Count, left),
        };
    }

    /// <summary>The stage's share done: its units done (as the plan counts them) plus the running ones' fractions.</summary>
    private static double Fraction(JobState s, StageInfo info, IReadOnlyDictionary<WorkId, double> running)
    {
        var units = JobPlan.Units(s).Where(u => u.Stage == info.Stage).ToList();
        if (units.Count == 0)
        {
            return 0; // per-clip units before the clips are chosen
        }

        double inFlight = running.Where(r => r.Key.Stage == info.Stage).Sum(r => r.Value);
        return Math.Min(1, (units.Count(u => JobPlan.IsDone(s, u)) + inFlight) / units.Count);
    }
}
