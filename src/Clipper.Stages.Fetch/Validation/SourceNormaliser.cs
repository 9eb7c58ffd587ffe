using Clipper.Core.Errors;
using Clipper.Core.Media;
using Clipper.Core.Processes;

namespace Clipper.Stages.Fetch;

/// <summary>
/// Normalises only what must be: a source in a container without a seek index (an MPEG transport or program
/// stream, as broadcast captures, cameras and some screen recorders write) is rewrapped, streams copied, into
/// Matroska. ffmpeg seeks such a file by guessing a byte position and starts at the next keyframe after it, often
/// seconds past the asked time, so every later stage's seek (track's frames, encode's <c>-ss</c>) would land
/// somewhere else; a Matroska file has an index and seeks exactly. The rewrap keeps every timestamp relative to the
/// container's start (ffmpeg takes the start time off), so presentation time 0 is the same moment in both files
/// and the transcript, the clip windows and the crop paths mean the same frames. Nothing is re-encoded; any other
/// container is kept as it came, its own start time, rotation and frame timing honoured by the later stages.
/// </summary>
internal sealed class SourceNormaliser(FetchOptions options)
{
    /// <summary>ffprobe's names of containers that ffmpeg cannot seek exactly.</summary>
    private static readonly string[] Unindexed = ["mpegts", "mpeg", "mpegvideo"];

    /// <summary>Whether the container must be rewrapped before the source is stored.</summary>
    public static bool NeedsRewrap(MediaInfo media) =>
        media.FormatName.Split(',').Any(f => Unindexed.Contains(f.Trim(), StringComparer.OrdinalIgnoreCase));

    /// <summary>The file to store and what ffprobe says of it: the given one, or its rewrap into <paramref name="workDir"/>.</summary>
    public async Task<(string File, MediaInfo Media)> SeekableAsync(string file, MediaInfo media, string workDir, CancellationToken cancel)
    {
        if (!NeedsRewrap(media))
        {
            return (file, media);
        }

        Directory.CreateDirectory(workDir);
        var mkv = Path.Combine(workDir, $"rewrap-{Guid.NewGuid():N}.mkv");
        string[] cmd =
        [
            "ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y", "-fflags", "+genpts", "-i", file,
            "-map", "0:V:0", "-map", "0:a:0", "-c", "copy", "-map_metadata", "0", "-f", "matroska", mkv,
        ];
        var r = await ProcessRunner.RunAsync(cmd, options.CheckTimeout, cancel).ConfigureAwait(false);
        if (r.ExitCode != 0)
        {
            throw new ClipperException(ErrorCode.NotAVideo,
                $"the {media.FormatName} file cannot be rewrapped for exact seeking: ffmpeg failed with exit code {r.ExitCode}", r.StderrTail);
        }

        var rewrapped = await Probe.ProbeAsync(mkv, cancel).ConfigureAwait(false);
        return (mkv, rewrapped with { DurationSeconds = rewrapped.DurationSeconds > 0 ? rewrapped.DurationSeconds : media.DurationSeconds });
    }
}
