using Clipper.Abstractions.Jobs;

namespace Clipper.Abstractions.Work;

/// <summary>
/// A pipeline stage described once: the job status users see while it runs, whether it runs once per job or once
/// per clip (and then spreads over the silos), its share of the job's progress, the type of its result and the
/// configuration section of its limits (concurrency per silo, timeout, units in flight per job).
/// </summary>
public sealed record StageInfo(Stage Stage, JobStatus Status, bool PerClip, double Weight, Type Output)
{
    public string LimitsSection => $"Clipper:Job:{Stage}";

    /// <summary>
    /// Every stage, in pipeline order. Weights add up to 100; fetch-audio, which only links to pages have and which
    /// runs beside the fetch, weighs nothing (its fraction shows among the running units).
    /// </summary>
    public static readonly IReadOnlyList<StageInfo> All =
    [
        new(Stage.FetchAudio, JobStatus.Fetching, PerClip: false, Weight: 0, typeof(AudioFetched)),
        new(Stage.Fetch, JobStatus.Fetching, PerClip: false, Weight: 5, typeof(SourceFetched)),
        new(Stage.Split, JobStatus.Transcribing, PerClip: false, Weight: 2, typeof(SpeechSplit)),
        new(Stage.Transcribe, JobStatus.Transcribing, PerClip: false, Weight: 23, typeof(Transcribed)),
        new(Stage.Score, JobStatus.Scoring, PerClip: false, Weight: 2, typeof(Scored)),
        new(Stage.Track, JobStatus.Tracking, PerClip: true, Weight: 18, typeof(Tracked)),
        new(Stage.Encode, JobStatus.Encoding, PerClip: true, Weight: 50, typeof(Encoded)),
    ];

    private static readonly Dictionary<Stage, StageInfo> ByStage = All.ToDictionary(i => i.Stage);

    public static StageInfo Of(Stage stage) => ByStage[stage];

    /// <summary>
    /// The type of the unit's result: a transcribe unit with an index is one chunk of the audio
    /// (<see cref="ChunkTranscribed"/>); the others give their stage's <see cref="Output"/>.
    /// </summary>
    public static Type OutputOf(WorkId unit) => unit.IsChunk ? typeof(ChunkTranscribed) : Of(unit.Stage).Output;
}
