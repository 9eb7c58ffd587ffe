using Clipper.Abstractions.Stages;

namespace Clipper.Abstractions.Jobs;

/// <summary>
/// The persisted state of one video job (IPersistentState). Written before the next stage starts, so a
/// reactivated job never redoes finished work. Status None means nothing was submitted under this id.
/// </summary>
[GenerateSerializer, Alias("clipper.JobState")]
public sealed class JobState
{
    [Id(0)] public JobSpec? Spec { get; set; }
    [Id(1)] public JobStatus Status { get; set; }
    [Id(2)] public SourceResult? Source { get; set; }
    [Id(3)] public TranscriptResult? Transcript { get; set; }
    [Id(4)] public List<ClipPlan>? Clips { get; set; }
    [Id(5)] public Dictionary<int, TrackResult> Tracked { get; set; } = [];
    [Id(6)] public Dictionary<int, EncodeResult> Encoded { get; set; } = [];
    /// <summary>Which silo ran each unit of work ("track-3" → silo address).</summary>
    [Id(7)] public Dictionary<string, string> WorkedOn { get; set; } = [];
    /// <summary>Failed attempts so far per unit of work.</summary>
    [Id(8)] public Dictionary<string, int> Attempts { get; set; } = [];
    /// <summary>When a failed unit of work may run again.</summary>
    [Id(9)] public Dictionary<string, DateTimeOffset> RetryAt { get; set; } = [];
    [Id(10)] public JobError? Error { get; set; }
    [Id(11)] public DateTimeOffset SubmittedAt { get; set; }
    [Id(12)] public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>When each status began ("fetching" → time).</summary>
    [Id(13)] public Dictionary<string, DateTimeOffset> StageStartedAt { get; set; } = [];
    /// <summary>Seconds each finished unit of work took on its silo.</summary>
    [Id(14)] public Dictionary<string, double> WorkSeconds { get; set; } = [];
    /// <summary>The last error of each unit of work that failed an attempt (for the timeline).</summary>
    [Id(15)] public Dictionary<string, JobError> LastErrors { get; set; } = [];

    public bool IsSubmitted => Status != JobStatus.None;

    public bool IsTerminal => Status.IsTerminal();
}

/// <summary>
/// What a caller sees of a job: its persisted state plus live progress, which is not persisted.
/// StagePercent is the current stage's progress, Percent the whole job's (stages weighted by their usual share).
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.JobView")]
public sealed record JobView(
    string JobId,
    JobStatus Status,
    JobSpec? Spec,
    double StagePercent,
    double Percent,
    SourceResult? Source,
    TranscriptResult? Transcript,
    IReadOnlyList<ClipPlan> Clips,
    IReadOnlyDictionary<int, TrackResult> Tracked,
    IReadOnlyDictionary<int, EncodeResult> Encoded,
    IReadOnlyDictionary<string, string> WorkedOn,
    IReadOnlyDictionary<string, int> Attempts,
    JobError? Error,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyDictionary<string, DateTimeOffset> StageStartedAt,
    IReadOnlyDictionary<string, double> WorkSeconds,
    IReadOnlyDictionary<string, JobError>? LastErrors = null);
