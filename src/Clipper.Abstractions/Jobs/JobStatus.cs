namespace Clipper.Abstractions.Jobs;

/// <summary>The job's life: Submitted → Fetching → Transcribing → Scoring → Tracking → Encoding → Completed, or Failed / Cancelled.</summary>
[GenerateSerializer, Alias("clipper.JobStatus")]
public enum JobStatus
{
    None = 0,
    Submitted,
    Fetching,
    Transcribing,
    Scoring,
    Tracking,
    Encoding,
    Completed,
    Failed,
    Cancelled,
}

public static class JobStatuses
{
    public static bool IsTerminal(this JobStatus s) => s is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;

    /// <summary>The stage that follows this one while working; None for terminal states and Encoding.</summary>
    public static JobStatus Next(this JobStatus s) => s switch
    {
        JobStatus.Submitted => JobStatus.Fetching,
        JobStatus.Fetching => JobStatus.Transcribing,
        JobStatus.Transcribing => JobStatus.Scoring,
        JobStatus.Scoring => JobStatus.Tracking,
        JobStatus.Tracking => JobStatus.Encoding,
        _ => JobStatus.None,
    };

    /// <summary>"Fetching", "Completed"…, as people read it.</summary>
    public static string Label(this JobStatus s) => s.ToString();

    /// <summary>The key of <see cref="JobState.StageStartedAt"/> for a status ("fetching").</summary>
    public static string Key(this JobStatus s) => s.ToString().ToLowerInvariant();

    /// <summary>
    /// Moves the job to <paramref name="status"/> at <paramref name="now"/>, stamping when it began; a working status
    /// reached past others (a job whose scoring chose no clip) stamps those too, so the timeline has every stage.
    /// </summary>
    public static void Enter(JobState state, JobStatus status, DateTimeOffset now)
    {
        if (state.Status == status)
        {
            return;
        }

        if (!status.IsTerminal() || status == JobStatus.Completed)
        {
            for (var skipped = state.Status.Next(); skipped != JobStatus.None && skipped < status; skipped = skipped.Next())
            {
                state.StageStartedAt.TryAdd(skipped.Key(), now);
            }
        }

        state.Status = status;
        state.StageStartedAt[status.Key()] = now;
        if (status.IsTerminal())
        {
            state.FinishedAt = now;
        }
    }
}

/// <summary>
/// The pipeline stages. <see cref="Split"/> (the audio cut in its pauses into chunks, which the transcribe stage's
/// units recognise apart) came last and keeps the last number, so stored states keep theirs; pipeline order is
/// <see cref="Work.StageInfo.All"/>'s. <see cref="FetchAudio"/> (a link's audio stream fetched ahead of its video) came
/// after it.
/// </summary>
[GenerateSerializer, Alias("clipper.Stage")]
public enum Stage
{
    Fetch,
    Transcribe,
    Score,
    Track,
    Encode,
    Split,
    FetchAudio,
}
