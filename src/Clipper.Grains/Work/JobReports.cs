using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Work;

namespace Clipper.Grains.Work;

/// <summary>
/// What a unit's report does to a job's state: a result is recorded once; a transient failure with attempts left
/// backs the unit off until a time; any other failure fails the job with the unit's error. Pure, like
/// <see cref="JobPlan"/>: the retry policy lives here and nowhere else.
/// </summary>
public static class JobReports
{
    /// <summary>Records the failed attempt. Returns the time the unit may run again, or null when the job failed.</summary>
    /// <param name="delay">The wait after n failed attempts.</param>
    /// <param name="cpuSeconds">What the failed attempt used (0 when it never reported, e.g. timed out).</param>
    public static DateTimeOffset? Failed(JobState s, WorkId u, JobError error, bool transient, int maxAttempts,
        Func<int, TimeSpan> delay, DateTimeOffset now, double cpuSeconds = 0)
    {
        var unit = s.UnitFor(u);
        unit.Attempts++;
        unit.CpuSeconds += cpuSeconds;
        unit.LastError = error;
        if (transient && unit.Attempts < maxAttempts)
        {
            unit.RetryAt = now + delay(unit.Attempts);
            return unit.RetryAt;
        }

        var message = transient ? $"{error.Message} (gave up after {unit.Attempts} attempts)" : error.Message;
        s.Error = error with { Message = message };
        foreach (var other in s.Units)
        {
            other.RetryAt = null;
        }

        JobStatuses.Enter(s, JobStatus.Failed, now);
        return null;
    }

    /// <summary>
    /// Records a unit's result, where it was made, its wall seconds and its CPU seconds (added to its failed attempts');
    /// false when it had one already (nothing changes: a repeated answer is not counted twice).
    /// </summary>
    public static bool Succeeded(JobState s, WorkId u, StageOutput output, string silo, double seconds, double cpuSeconds = 0)
    {
        if (!JobPlan.Apply(s, u, output))
        {
            return false;
        }

        var unit = s.UnitFor(u);
        unit.Silo = silo;
        unit.Seconds = seconds;
        unit.CpuSeconds += cpuSeconds;
        unit.RetryAt = null;
        return true;
    }
}
