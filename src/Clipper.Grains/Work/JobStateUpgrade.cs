using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Work;

namespace Clipper.Grains.Work;

/// <summary>
/// Moves what builds before the typed work graph wrote (five dictionaries keyed "fetch", "track-3") into
/// <see cref="JobState.Units"/>, so a job persisted by an older build resumes where it was. Keys that name no unit
/// are dropped.
/// </summary>
public static class JobStateUpgrade
{
    /// <summary>True when anything was moved (the caller writes the state).</summary>
    public static bool Upgrade(JobState s)
    {
        var keys = s.WorkedOn.Keys.Concat(s.Attempts.Keys).Concat(s.RetryAt.Keys).Concat(s.WorkSeconds.Keys)
            .Concat(s.LastErrors.Keys).Distinct().ToList();
        if (keys.Count == 0)
        {
            return false;
        }

        foreach (var key in keys)
        {
            if (!WorkId.TryParse(key, out var id))
            {
                continue;
            }

            var unit = s.UnitFor(id);
            if (s.WorkedOn.TryGetValue(key, out var silo))
            {
                unit.Silo = silo;
            }

            if (s.Attempts.TryGetValue(key, out var attempts))
            {
                unit.Attempts = attempts;
            }

            if (s.RetryAt.TryGetValue(key, out var due))
            {
                unit.RetryAt = due;
            }

            if (s.WorkSeconds.TryGetValue(key, out var seconds))
            {
                unit.Seconds = seconds;
            }

            if (s.LastErrors.TryGetValue(key, out var error))
            {
                unit.LastError = error;
            }
        }

        s.WorkedOn.Clear();
        s.Attempts.Clear();
        s.RetryAt.Clear();
        s.WorkSeconds.Clear();
        s.LastErrors.Clear();
        return true;
    }
}
