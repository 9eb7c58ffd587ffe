namespace Clipper.Core.Media;

/// <summary>
/// What ffprobe says about a media file. Width and height are as displayed (rotation applied);
/// <see cref="Fps"/> is 0 when there is no video stream.
/// </summary>
public sealed record MediaInfo(
    double DurationSeconds,
    bool HasVideo,
    bool HasAudio,
    int Width,
    int Height,
    double Fps,
    string? VideoCodec,
    string? AudioCodec,
    string FormatName,
    long SizeBytes)
{
    /// <summary>The source's own time base and frame facts (start time, rotation, field order, frame rates, audio layout).</summary>
    public SourceTiming Timing { get; init; } = SourceTiming.Unknown;
}
