using System.ComponentModel;
using Clipper.Core.Errors;
using Clipper.Core.Processes;
using FFMpegCore;

namespace Clipper.Core.Media;

/// <summary>Reads container and stream facts with ffprobe (through FFMpegCore).</summary>
public static class Probe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Probes a file. A file ffprobe cannot read at all is <see cref="ErrorCode.NotAVideo"/>: a media file that
    /// ffprobe rejects is never a transient failure. With <paramref name="timing"/> false the second ffprobe call
    /// (<see cref="TimingAsync"/>) is skipped and <see cref="MediaInfo.Timing"/> is <see cref="SourceTiming.Unknown"/>:
    /// enough for checking a file this project wrote (its size, streams and length), one process fewer.
    /// </summary>
    public static async Task<MediaInfo> ProbeAsync(string file, CancellationToken cancel = default, bool timing = true)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(Timeout);
        IMediaAnalysis analysis;
        try
        {
            analysis = await FFProbe.AnalyseAsync(file, cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new ClipperException(ErrorCode.Cancelled, "probing was cancelled");
        }
        catch (OperationCanceledException e)
        {
            throw new ClipperException(ErrorCode.ToolFailed, $"ffprobe did not finish within {Timeout.TotalSeconds:0} s", inner: e);
        }
        catch (Win32Exception e)
        {
            throw new ClipperException(ErrorCode.ToolFailed, $"ffprobe could not be started: {e.Message}", inner: e);
        }
        catch (Exception e) when (e is not ClipperException)
        {
            throw new ClipperException(ErrorCode.NotAVideo,
                $"the file is not a readable media file ({FirstLine(e.Message)})", e.Message, e);
        }

        var facts = timing ? await TimingAsync(file, cancel).ConfigureAwait(false) : SourceTiming.Unknown;
        double duration = analysis.Format.Duration.TotalSeconds;
        var video = analysis.VideoStreams.FirstOrDefault(v => v.Disposition is null
            || !v.Disposition.TryGetValue("attached_pic", out var pic) || !pic);
        var audio = analysis.AudioStreams.FirstOrDefault();
        int width = 0, height = 0;
        double fps = 0;
        if (video is not null)
        {
            width = video.Width ?? 0;
            height = video.Height ?? 0;
            fps = video.AverageFrameRate > 0 && !double.IsNaN(video.AverageFrameRate) ? video.AverageFrameRate : 0;
            if (double.IsNaN(fps) || double.IsInfinity(fps))
            {
                fps = 0;
            }

            if (Math.Abs(video.Rotation) % 180 == 90 || facts.QuarterTurn)
            {
                (width, height) = (height, width);
            }

            if (duration <= 0)
            {
                duration = video.Duration.TotalSeconds;
            }
        }

        if (duration <= 0 && audio is not null)
        {
            duration = audio.Duration.TotalSeconds;
        }

        duration = facts.Length(duration);
        long size = File.Exists(file) ? new FileInfo(file).Length : 0;
        return new MediaInfo(duration, video is not null, audio is not null, width, height, fps,
            video?.CodecName, audio?.CodecName, analysis.Format.FormatName ?? "", size)
        { Timing = facts };
    }

    /// <summary>
    /// The facts FFMpegCore does not read (start times, field order, display matrix), from a second, small ffprobe call;
    /// <see cref="ErrorCode.NotAVideo"/> when ffprobe cannot read the file.
    /// </summary>
    public static async Task<SourceTiming> TimingAsync(string file, CancellationToken cancel = default)
    {
        var r = await ProcessRunner.RunAsync(["ffprobe", .. SourceTiming.ProbeArguments, file], Timeout, cancel).ConfigureAwait(false);

        if (r.ExitCode != 0)
        {
            throw new ClipperException(ErrorCode.NotAVideo, $"the file is not a readable media file ({FirstLine(r.StderrTail)})", r.StderrTail);
        }

        try
        {
            return SourceTiming.Parse(r.StdoutText);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ClipperException(ErrorCode.ToolFailed, "ffprobe printed unreadable JSON", r.StdoutText, e);
        }
    }

    private static string FirstLine(string text) =>
        string.IsNullOrWhiteSpace(text) ? "no details" : text.Trim().Split('\n')[0].Trim();
}
