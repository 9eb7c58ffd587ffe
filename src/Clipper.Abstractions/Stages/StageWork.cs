using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Work;

namespace Clipper.Abstractions.Stages;

/// <summary>
/// One unit of stage work. Everything a stage needs travels in it or sits in blob storage under the keys it
/// names, so any silo can run it. <see cref="Unit"/> identifies it within its job; retries keep it.
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.StageWork.v2")]
public sealed record StageWork(
    string JobId,
    WorkId Unit,
    JobSpec Spec,
    SourceResult? Source,
    TranscriptResult? Transcript,
    ClipPlan? Clip,
    TrackResult? Crop,
    SpeechPlan? Speech = null,
    IReadOnlyList<ChunkResult>? Chunks = null,
    AudioResult? Audio = null)
{
    public Stage Stage => Unit.Stage;

    /// <summary>The chunk a chunk unit recognises (null for every other unit).</summary>
    public SpeechChunk? Chunk => Unit.IsChunk ? Speech?.Chunks.FirstOrDefault(c => c.Index == Unit.Index) : null;
}

/// <summary>
/// The audio cut in its pauses into chunks recognised apart (the split unit's result): each chunk's core, the
/// seconds of audio decoded on either side of it (<paramref name="Overlap"/>: a word cut by a seam is heard whole by
/// both neighbours and kept by the one its middle falls in), the audio's noise floor in dB (where every chunk finds
/// its pauses) and the cache name of the engine's transcripts. <paramref name="AudioKey"/> is the blob of the audio as the
/// recogniser hears it (16 kHz mono FLAC), which chunk units read instead of copying the whole source to their silo
/// (null in plans stored before it existed: they read the source). <paramref name="Sha256"/> is the content hash the chunks
/// are cached under: the audio stream's when the plan was made from a link's audio fetched ahead of its video, else
/// the source's (null in plans stored before it existed: the source's).
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.SpeechPlan")]
public sealed record SpeechPlan(IReadOnlyList<SpeechChunk> Chunks, double Overlap, double NoiseFloorDb, string Variant, string? AudioKey = null,
    string? Sha256 = null);

/// <summary>
/// A link's audio stream fetched ahead of its video and stored as it came under <paramref name="AudioKey"/>, named by its
/// own content hash <paramref name="Sha256"/>; its size, and what the site said of the video.
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.AudioResult")]
public sealed record AudioResult(string AudioKey, string Sha256, long SizeBytes, SourceSite Site);

/// <summary>One chunk of the audio: [Start, End) in seconds of the source; index from 1.</summary>
[GenerateSerializer, Immutable, Alias("clipper.SpeechChunk")]
public sealed record SpeechChunk(int Index, double Start, double End);

/// <summary>A recognised chunk: its words stored under <paramref name="Key"/>, how many.</summary>
[GenerateSerializer, Immutable, Alias("clipper.ChunkResult")]
public sealed record ChunkResult(int Index, string Key, int Words);

/// <summary>
/// The source, stored under its content hash, and what ffprobe said of it; <paramref name="Site"/> what the site said
/// of it when it came from a link to a page (added last and nullable, so stored states without it still load).
/// <paramref name="AudioDelay"/> is how many seconds after the source's start its audio's first sample comes (a site's
/// audio stream that starts after its video; 0 when the audio starts first, and in states stored before it was kept):
/// words recognised from the audio stream alone, which count from that sample, are moved by it.
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.SourceResult")]
public sealed record SourceResult(string SourceKey, string Sha256, string DisplayName, double Duration, int Width,
    int Height, double Fps, long SizeBytes, string? CaptionsKey, SourceSite? Site = null, double AudioDelay = 0);

/// <summary>
/// A site's facts about a video taken from a link to its page (yt-dlp's extractor, id, title, …); the spoken language it
/// gives (ISO 639-1) added last and nullable.
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.SourceSite")]
public sealed record SourceSite(string Extractor, string VideoId, string Title, string? Uploader, double? Duration, string PageUrl,
    string? Language = null);

/// <summary>
/// The stored transcript's key and size; for a remote engine (added last and nullable, so stored states without them
/// still load) where each piece of the audio got its words and what the remote service was sent; then (also added last) the
/// transcript's language (ISO 639-1, null when unknown) and warnings about it for the report (pocketsphinx on a
/// non-English source, say). <paramref name="Speakers"/> (added last; 0 in states stored before it) is how many speaker labels
/// the captions gave its words (<c>SpeakerRun</c>): the track units read the transcript for speaker turns only when there
/// are two or more.
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.TranscriptResult")]
public sealed record TranscriptResult(string TranscriptKey, int Words, string Provider, TranscriptPiece[]? Pieces = null,
    RemoteAsrUsage? Remote = null, string? Language = null, string[]? Warnings = null, int Speakers = 0)
{
    /// <summary>The result for a transcript stored under <paramref name="key"/>.</summary>
    public static TranscriptResult Of(string key, Clipper.Core.Transcripts.Transcript t, string[]? warnings = null) => new(key, t.Words.Count,
        t.Provider, t.Chunks?.Select(c => new TranscriptPiece(c.Start, c.End, c.Source, c.Words, c.Requests, c.Reason)).ToArray(),
        t.Usage is { } u ? new RemoteAsrUsage(u.Service, u.Model, u.Requests, u.AudioSeconds) : null, t.Language,
        warnings is { Length: > 0 } ? warnings : null, Clipper.Core.Transcripts.SpeakerRun.Labels(t.Words));
}

/// <summary>A piece of the audio a remote engine was sent: its core in seconds, whose words it holds, why it fell back.</summary>
[GenerateSerializer, Immutable, Alias("clipper.TranscriptPiece")]
public sealed record TranscriptPiece(double Start, double End, string Source, int Words, int Requests, string? Reason);

/// <summary>What a remote speech-to-text service was sent for one transcript: requests and billed audio seconds.</summary>
[GenerateSerializer, Immutable, Alias("clipper.RemoteAsrUsage")]
public sealed record RemoteAsrUsage(string Service, string Model, int Requests, double AudioSeconds);

/// <summary>
/// One clip's crop path blob, how it was found (<paramref name="Method"/> "face" or "centre"; <paramref name="Reason"/>
/// says why a centre crop was used), and the layout
/// chosen for it with the reason (<c>ClipLayouts</c>; added last and nullable, so stored states without them still load,
/// as "single"); <paramref name="Shots"/> the layout of each shot (null in states stored before shots had layouts, and
/// where the whole clip has one layout by the job's choice or for lack of faces). <paramref name="Renditions"/> are the
/// crop paths of the job's extra sizes, fitted from the same sampled frames (added last; null without extras).
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.TrackResult")]
public sealed record TrackResult(int ClipIndex, string CropKey, string Method, string? Reason, string? Layout = null,
    string? LayoutReason = null, IReadOnlyList<TrackedShot>? Shots = null, TrackedRendition[]? Renditions = null);

/// <summary>One extra rendition's crop path blob, for output <paramref name="Width"/>×<paramref name="Height"/>, and its layout.</summary>
[GenerateSerializer, Immutable, Alias("clipper.TrackedRendition")]
public sealed record TrackedRendition(int Width, int Height, string CropKey, string Method, string? Reason, string Layout, string? LayoutReason);

/// <summary>One shot's layout: seconds from the clip's start, the layout (<c>ClipLayouts</c>) and why.</summary>
[GenerateSerializer, Immutable, Alias("clipper.TrackedShot")]
public sealed record TrackedShot(double Start, double End, string Layout, string Reason);

/// <summary>
/// One encoded clip's blobs and length; <paramref name="Captions"/> the caption preset it was burned with (added last and
/// nullable, so stored states without it still load); <paramref name="Renditions"/> the extra sizes' videos and
/// thumbnails (the captions files are the main one's; added last, null without extras).
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.EncodeResult")]
public sealed record EncodeResult(int ClipIndex, string VideoKey, string SrtKey, string VttKey, string ThumbnailKey,
    double Duration, string? Captions = null, EncodedRendition[]? Renditions = null);

/// <summary>One extra rendition of an encoded clip: its size, video and thumbnail blobs, and its layout.</summary>
[GenerateSerializer, Immutable, Alias("clipper.EncodedRendition")]
public sealed record EncodedRendition(int Width, int Height, string VideoKey, string ThumbnailKey, string Layout);

/// <summary>
/// How a unit of work ended: its output, or a failure with a stable code; the wall seconds it took and the CPU seconds
/// it used (its child processes' and its in-process work's, added last so reports without it still load).
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.StageReport.v2")]
public sealed record StageReport(
    WorkId Unit,
    string Token,
    string Silo,
    StageOutput? Output,
    JobError? Error,
    bool Transient,
    double Seconds,
    double CpuSeconds = 0);
