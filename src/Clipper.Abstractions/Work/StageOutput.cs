using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;

namespace Clipper.Abstractions.Work;

/// <summary>What a unit of work produced: one type per stage.</summary>
[GenerateSerializer, Immutable, Alias("clipper.StageOutput.v2")]
public abstract record StageOutput;

/// <summary>
/// A link's audio stream fetched ahead of its video (<paramref name="Audio"/>), or why the job recognises the merged
/// source's audio instead (<paramref name="Reason"/>: a single progressive format, the site's subtitles, switched off, …).
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.AudioFetched")]
public sealed record AudioFetched([property: Id(0)] AudioResult? Audio, [property: Id(1)] string? Reason) : StageOutput;

[GenerateSerializer, Immutable, Alias("clipper.SourceFetched")]
public sealed record SourceFetched([property: Id(0)] SourceResult Source) : StageOutput;

/// <summary>
/// How the audio is to be recognised: in the chunks of <paramref name="Plan"/>, each its own unit, or (null) whole
/// by the transcribe unit (a transcript already cached, side-car captions, an engine that takes the audio whole, or
/// audio too short to cut).
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.SpeechSplit")]
public sealed record SpeechSplit([property: Id(0)] SpeechPlan? Plan) : StageOutput;

/// <summary>One chunk's words, stored under the result's key.</summary>
[GenerateSerializer, Immutable, Alias("clipper.ChunkTranscribed")]
public sealed record ChunkTranscribed([property: Id(0)] ChunkResult Chunk) : StageOutput;

[GenerateSerializer, Immutable, Alias("clipper.Transcribed")]
public sealed record Transcribed([property: Id(0)] TranscriptResult Transcript) : StageOutput;

/// <summary>The chosen clips (possibly none), and how they were ranked (absent in outputs made before it existed).</summary>
[GenerateSerializer, Immutable, Alias("clipper.Scored")]
public sealed record Scored([property: Id(0)] IReadOnlyList<ClipPlan> Clips, [property: Id(1)] RankSummary? Ranking = null) : StageOutput;

[GenerateSerializer, Immutable, Alias("clipper.Tracked")]
public sealed record Tracked([property: Id(0)] TrackResult Track) : StageOutput;

[GenerateSerializer, Immutable, Alias("clipper.Encoded")]
public sealed record Encoded([property: Id(0)] EncodeResult Clip) : StageOutput;
