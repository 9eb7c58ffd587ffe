using Clipper.Core.Media;

namespace Clipper.Stages.Encode;

/// <summary>
/// The committed outputs of one clip (all final names, all complete) and what ffprobe found in the video (its
/// streams, size and length; not its timing facts, which the check does not need: <see cref="MediaInfo.Timing"/> is
/// <see cref="SourceTiming.Unknown"/>). <see cref="EncodeSeconds"/> is the wall time of the ffmpeg pass;
/// <see cref="CaptionPreset"/> the caption preset used.
/// </summary>
public sealed record EncodedClip(string Video, string Srt, string Vtt, string Thumbnail, MediaInfo Media, double EncodeSeconds)
{
    public string CaptionPreset { get; init; } = CaptionPresets.Bold.Name;

    public IReadOnlyList<string> Files => [Video, Srt, Vtt, Thumbnail];
}
