using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;

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
    [Id(10)] public JobError? Error { get; set; }
    [Id(11)] public DateTimeOffset SubmittedAt { get; set; }
    [Id(12)] public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>When each status began ("fetching" → time).</summary>
    [Id(13)] public Dictionary<string, DateTimeOffset> StageStartedAt { get; set; } = [];
    /// <summary>What is known of each unit of work that ran or failed: attempts, retry time, silo, seconds, last error.</summary>
    [Id(16)] public List<UnitState> Units { get; set; } = [];
    /// <summary>How the clips were ranked (null before scoring, and for jobs scored before it was kept).</summary>
    [Id(20)] public RankSummary? Ranking { get; set; }
    /// <summary>The split unit's result: null until it ran; a result with no plan when the audio is recognised whole.</summary>
    [Id(21)] public SpeechSplit? Split { get; set; }
    /// <summary>The chunks recognised so far, by chunk index.</summary>
    [Id(22)] public Dictionary<int, ChunkResult> Chunks { get; set; } = [];
    /// <summary>The fetch-audio unit's result (links to pages only): the audio fetched ahead of the video, or why not.</summary>
    [Id(23)] public AudioFetched? AudioFirst { get; set; }

    // Written by builds before the typed work graph (keyed "fetch", "track-3"); read once on activation and moved
    // into Units by JobStateUpgrade, then left empty. Never reuse these ids.
    [Id(7)] public Dictionary<string, string> WorkedOn { get; set; } = [];
    [Id(8)] public Dictionary<string, int> Attempts { get; set; } = [];
    [Id(9)] public Dictionary<string, DateTimeOffset> RetryAt { get; set; } = [];
    [Id(14)] public Dictionary<string, double> WorkSeconds { get; set; } = [];
    [Id(15)] public Dictionary<string, JobError> LastErrors { get; set; } = [];

    public bool IsSubmitted => Status != JobStatus.None;

    public bool IsTerminal => Status.IsTerminal();

    /// <summary>The unit's record, or null when it never ran nor failed.</summary>
    public UnitState? Unit(WorkId id) => Units.Find(u => u.Id == id);

    /// <summary>The unit's record, added when missing.</summary>
    public UnitState UnitFor(WorkId id)
    {
        var u = Unit(id);
        if (u is null)
        {
            u = new UnitState { Id = id };
            Units.Add(u);
        }

        return u;
    }
}

/// <summary>The persisted record of one unit of work.</summary>
[GenerateSerializer, Alias("clipper.UnitState")]
public sealed class UnitState
{
    [Id(0)] public WorkId Id { get; set; } = WorkId.Fetch;
    /// <summary>Failed attempts so far.</summary>
    [Id(1)] public int Attempts { get; set; }
    /// <summary>When a failed unit may run again; null when it is not backing off.</summary>
    [Id(2)] public DateTimeOffset? RetryAt { get; set; }
    /// <summary>The silo that produced its result.</summary>
    [Id(3)] public string? Silo { get; set; }
    /// <summary>Seconds the finished unit took on its silo.</summary>
    [Id(4)] public double? Seconds { get; set; }
    /// <summary>The last error of an attempt that failed (for the timeline).</summary>
    [Id(5)] public JobError? LastError { get; set; }
    /// <summary>CPU seconds the unit used, every attempt that reported counted (a failed attempt's work was paid for too).</summary>
    [Id(6)] public double CpuSeconds { get; set; }
}

/// <summary>
/// What a caller sees of a job: its persisted state plus live progress, which is not persisted.
/// StagePercent is the current stage's progress, Percent the whole job's (stages weighted by their usual share);
/// Running the units in flight with their fraction done ("transcribe-3" → 0.4), Work the current status's units done
/// and in all with an estimate of the job's time left (both added last and nullable: views stored without them load);
/// AudioFirst (added last) whether a link's audio was fetched ahead of its video, or why not.
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
    IReadOnlyDictionary<string, JobError>? LastErrors = null,
    RankSummary? Ranking = null,
    JobCost? Cost = null,
    IReadOnlyDictionary<string, double>? Running = null,
    WorkProgress? Work = null,
    AudioFetched? AudioFirst = null);

/// <summary>
/// The current status's units (a long source's chunks while transcribing, the clips' units while tracking or encoding):
/// how many are done, how many there are, and the job's seconds left as estimated from its pace so far (null until
/// a twentieth of it is done: an estimate from less says nothing).
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.WorkProgress")]
public sealed record WorkProgress(int UnitsDone, int UnitsTotal, double? SecondsLeft);
