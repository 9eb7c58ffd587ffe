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

}

/// <summary>The five pipeline stages.</summary>
[GenerateSerializer, Alias("clipper.Stage")]
public enum Stage
{
    Fetch,
    Transcribe,
    Score,
    Track,
    Encode,
}
