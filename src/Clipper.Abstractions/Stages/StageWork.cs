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
    TrackResult? Crop)
{
    public Stage Stage => Unit.Stage;
}

/// <summary>
/// The source, stored under its content hash, and what ffprobe said of it; <paramref name="Site"/> what the site said
/// of it when it came from a link to a page (added last and nullable, so stored states without it still load).
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.SourceResult")]
public sealed record SourceResult(string SourceKey, string Sha256, string DisplayName, double Duration, int Width,
    int Height, double Fps, long SizeBytes, string? CaptionsKey, SourceSite? Site = null);

/// <summary>A site's facts about a video taken from a link to its page (yt-dlp's extractor, id, title, …).</summary>
[GenerateSerializer, Immutable, Alias("clipper.SourceSite")]
public sealed record SourceSite(string Extractor, string VideoId, string Title, string? Uploader, double? Duration, string PageUrl);

[GenerateSerializer, Immutable, Alias("clipper.TranscriptResult")]
public sealed record TranscriptResult(string TranscriptKey, int Words, string Provider);

/// <summary>Method is "face" or "centre"; Reason says why a centre crop was used.</summary>
[GenerateSerializer, Immutable, Alias("clipper.TrackResult")]
public sealed record TrackResult(int ClipIndex, string CropKey, string Method, string? Reason);

[GenerateSerializer, Immutable, Alias("clipper.EncodeResult")]
public sealed record EncodeResult(int ClipIndex, string VideoKey, string SrtKey, string VttKey, string ThumbnailKey,
    double Duration);

/// <summary>How a unit of work ended: its output, or a failure with a stable code.</summary>
[GenerateSerializer, Immutable, Alias("clipper.StageReport.v2")]
public sealed record StageReport(
    WorkId Unit,
    string Token,
    string Silo,
    StageOutput? Output,
    JobError? Error,
    bool Transient,
    double Seconds);
