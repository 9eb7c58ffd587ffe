using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Clipper.Core.Errors;
using Clipper.Core.Media;
using Clipper.Core.Processes;

namespace Clipper.Stages.Fetch;

/// <summary>
/// Decides whether a file is a usable source: a readable, complete video with an audible audio track, of a
/// length the job can use. Every check is cheap: ffprobe reads headers, the completeness check decodes two short
/// pieces, and the silence check listens to the whole track only when it is short, otherwise to windows spread
/// over it.
/// </summary>
internal sealed class SourceValidator(FetchOptions options)
{
    /// <summary>Each piece decoded by the completeness check, in seconds.</summary>
    private const double Piece = 0.8;

    /// <summary>Sources up to this long have their whole audio track measured for silence.</summary>
    private const double WholeTrackSeconds = 600;

    private const int SilenceWindows = 8;
    private const double SilenceWindowSeconds = 20;

    private static readonly string[] Mp4Boxes = ["ftyp", "mdat", "moov", "free", "skip", "wide", "pnot", "styp"];

    /// <summary>Returns what ffprobe says of a usable source, or throws a permanent <see cref="ClipperException"/>.</summary>
    public async Task<MediaInfo> ValidateAsync(string file, double minSeconds, Action<double> progress, CancellationToken cancel)
    {
        long size = SizeOf(file);
        if (size == 0)
        {
            throw NotAVideo("the file is empty");
        }

        if (size > options.MaxSourceBytes)
        {
            throw new ClipperException(ErrorCode.SourceTooLarge, $"the file is {size} bytes; the limit is {options.MaxSourceBytes} bytes");
        }

        var info = await ProbeAsync(file, cancel).ConfigureAwait(false);
        progress(0.2);
        if (IsStillImage(info))
        {
            throw NotAVideo($"the file is a still image ({info.FormatName}), not a video");
        }

        if (!info.HasVideo)
        {
            throw NotAVideo(info.HasAudio
                ? "the file has only audio (no video stream; a cover picture does not count), Clipper needs a video"
                : "the file has neither a video nor an audio stream");
        }

        if (!info.HasAudio)
        {
            throw new ClipperException(ErrorCode.NoAudio, "the video has no audio track; Clipper cuts clips from speech, so it needs one");
        }

        if (info.DurationSeconds <= 0)
        {
            info = info with { DurationSeconds = await MeasureDurationAsync(file, cancel).ConfigureAwait(false) };
        }

        double max = options.MaxDuration.TotalSeconds;
        if (info.DurationSeconds > max)
        {
            throw new ClipperException(ErrorCode.SourceTooLong,
                $"the video is {Durations.Clock(info.DurationSeconds)} long; the limit is {Durations.Clock(max)}");
        }

        if (info.DurationSeconds < minSeconds)
        {
            throw new ClipperException(ErrorCode.SourceTooShort, string.Format(CultureInfo.InvariantCulture,
                "the video is {0:0.0} s long, shorter than the minimum clip length of {1:0.0} s", info.DurationSeconds, minSeconds));
        }

        await RequireCompleteAsync(file, info.DurationSeconds, cancel).ConfigureAwait(false);
        progress(0.6);
        await RequireAudibleAsync(file, info.DurationSeconds, cancel).ConfigureAwait(false);
        progress(1.0);
        return info;
    }

    private static long SizeOf(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw NotAVideo($"the file cannot be read: {e.Message}");
        }
    }

    private static async Task<MediaInfo> ProbeAsync(string file, CancellationToken cancel)
    {
        try
        {
            return await Probe.ProbeAsync(file, cancel).ConfigureAwait(false);
        }
        catch (ClipperException e) when (e.Code == ErrorCode.NotAVideo)
        {
            var head = await HeadAsync(file, 4096, cancel).ConfigureAwait(false);
            if (LooksLikeText(head))
            {
                throw new ClipperException(ErrorCode.NotAVideo, "the file is not a readable media file: it holds text, not video", e.Detail, e);
            }

            if (e.Detail?.Contains("moov atom not found", StringComparison.Ordinal) == true && LooksLikeMp4(head))
            {
                // An MP4 whose index sits at the end and never arrived: a cut-off download or copy.
                throw new ClipperException(ErrorCode.NotAVideo,
                    "the file is truncated or corrupt (its MP4 index, the moov atom, is missing)", e.Detail, e);
            }

            throw;
        }
    }

    private static async Task<byte[]> HeadAsync(string file, int max, CancellationToken cancel)
    {
        try
        {
            await using var input = File.OpenRead(file);
            var buffer = new byte[max];
            int n = await input.ReadAtLeastAsync(buffer, max, throwOnEndOfStream: false, cancel).ConfigureAwait(false);
            return buffer[..n];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw NotAVideo($"the file cannot be read: {e.Message}");
        }
    }

    /// <summary>Printable characters and white space only (UTF-8 multi-byte sequences count as printable).</summary>
    private static bool LooksLikeText(byte[] head) =>
        head.Length > 0 && head.All(c => c != 0x7f && (c >= 0x20 || c is (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'\f'));

    /// <summary>MP4 files are a sequence of boxes; the first one is one of a few known types.</summary>
    private static bool LooksLikeMp4(byte[] head) =>
        head.Length >= 8 && Mp4Boxes.Contains(Encoding.Latin1.GetString(head, 4, 4));

    /// <summary>ffprobe reads a JPEG or PNG as a one-frame video stream; that is a photo, not a talk.</summary>
    private static bool IsStillImage(MediaInfo info) =>
        info.FormatName == "image2" || info.FormatName.EndsWith("_pipe", StringComparison.Ordinal);

    /// <summary>
    /// Catches a file whose header promises more than its data holds (an MP4 with its index in front, cut off):
    /// decodes a short piece from the middle and one from the end. A complete file yields frames in both; a cut
    /// one yields none at the end, or the demuxer reports a "partial file".
    /// </summary>
    private async Task RequireCompleteAsync(string file, double duration, CancellationToken cancel)
    {
        double middle = duration / 2;
        double end = Math.Max(0, duration - 1.0);
        string[] cmd =
        [
            "ffmpeg", "-nostdin", "-hide_banner", "-v", "error",
            "-ss", Seconds(middle), "-t", Seconds(Piece), "-i", file,
            "-ss", Seconds(end), "-t", Seconds(Piece), "-i", file,
            "-map", "0:v:0", "-map", "0:a:0", "-map", "1:v:0", "-map", "1:a:0", "-f", "framecrc", "-",
        ];
        var partial = new ConcurrentQueue<string>();
        var r = await ProcessRunner.RunAsync(cmd, options.CheckTimeout, cancel, stderrLine: line =>
        {
            if (line.Contains("partial file", StringComparison.Ordinal))
            {
                partial.Enqueue(line);
            }
        }).ConfigureAwait(false);
        if (r.ExitCode != 0)
        {
            throw new ClipperException(ErrorCode.NotAVideo,
                $"the file is truncated or corrupt: ffmpeg cannot decode it ({LastLine(r.StderrTail)})", r.StderrTail);
        }

        int middleFrames = 0, endFrames = 0;
        foreach (var line in r.StdoutText.Split('\n'))
        {
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#'))
            {
                continue;
            }

            int comma = line.IndexOf(',');
            var stream = comma < 0 ? "" : line[..comma].Trim();
            if (stream is "0" or "1")
            {
                middleFrames++;
            }
            else if (stream is "2" or "3")
            {
                endFrames++;
            }
        }

        if (!partial.IsEmpty || middleFrames == 0 || endFrames == 0)
        {
            var where = middleFrames == 0 ? "around " + Durations.Clock(middle) : "at " + Durations.Clock(end);
            throw new ClipperException(ErrorCode.NotAVideo,
                $"the file is truncated or corrupt: its header says {Durations.Clock(duration)} but the data stops before the end "
                + $"(nothing decodes {where})",
                partial.IsEmpty ? r.StderrTail : string.Join("\n", partial));
        }
    }

    /// <summary>
    /// Refuses an audio track that is silent throughout (its loudest sample below the threshold). Long sources are
    /// measured in windows spread over the whole length, which costs the same whatever the length.
    /// </summary>
    private async Task RequireAudibleAsync(string file, double duration, CancellationToken cancel)
    {
        var cmd = new List<string> { "ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-v", "info" };
        if (duration <= WholeTrackSeconds)
        {
            cmd.AddRange(["-i", file, "-map", "0:a:0", "-af", "volumedetect"]);
        }
        else
        {
            var graph = new StringBuilder();
            double step = duration / SilenceWindows;
            for (int i = 0; i < SilenceWindows; i++)
            {
                double start = Math.Max(0, step * i + (step - SilenceWindowSeconds) / 2);
                cmd.AddRange(["-ss", Seconds(start), "-t", Seconds(SilenceWindowSeconds), "-i", file]);
                graph.Append(CultureInfo.InvariantCulture, $"[{i}:a:0]");
            }

            graph.Append(CultureInfo.InvariantCulture, $"concat=n={SilenceWindows}:v=0:a=1,volumedetect[out]");
            cmd.AddRange(["-filter_complex", graph.ToString(), "-map", "[out]"]);
        }

        cmd.AddRange(["-vn", "-f", "null", "-"]);
        var found = new ConcurrentQueue<string>();
        var r = await ProcessRunner.RunAsync(cmd, options.CheckTimeout, cancel, stderrLine: line =>
        {
            int at = line.IndexOf("max_volume:", StringComparison.Ordinal);
            if (at >= 0)
            {
                found.Enqueue(line[(at + "max_volume:".Length)..].Replace("dB", "", StringComparison.Ordinal).Trim());
            }
        }).ConfigureAwait(false);
        if (r.ExitCode != 0)
        {
            var tail = r.StderrTail ?? "";
            if (tail.Contains("Invalid data", StringComparison.Ordinal) || tail.Contains("Decoder", StringComparison.Ordinal)
                || tail.Contains("decoding", StringComparison.Ordinal))
            {
                throw new ClipperException(ErrorCode.NotAVideo, $"the audio track cannot be decoded ({LastLine(tail)})", tail);
            }

            ProcessRunner.RequireSuccess(cmd, r);
        }

        // The last report is the one that counts: ffmpeg may configure the graph twice, and a first instance that
        // saw no samples prints none.
        var levels = found.ToArray();
        double maxDb = levels.Length == 0 ? double.NegativeInfinity : ParseDb(levels[^1]);
        if (maxDb < options.SilenceThresholdDb)
        {
            throw new ClipperException(ErrorCode.NoSpeech, levels.Length == 0
                ? "the audio track is silent (it holds no samples)"
                : string.Format(CultureInfo.InvariantCulture, "the audio track is silent (its loudest moment is {0:0.0} dB, below {1:0.0} dB)",
                    maxDb, options.SilenceThresholdDb));
        }
    }

    /// <summary>For the rare container that states no duration: reads it from the packets (no decoding).</summary>
    private async Task<double> MeasureDurationAsync(string file, CancellationToken cancel)
    {
        string[] cmd =
        [
            "ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-i", file, "-map", "0:v:0", "-map", "0:a:0",
            "-c", "copy", "-f", "null", "-progress", "pipe:1", "-nostats", "-",
        ];
        var r = await ProcessRunner.RunAsync(cmd, options.CheckTimeout, cancel).ConfigureAwait(false);
        double seconds = 0;
        foreach (var line in r.StdoutText.Split('\n'))
        {
            // "N/A" before the first packet
            if (line.StartsWith("out_time_us=", StringComparison.Ordinal)
                && long.TryParse(line["out_time_us=".Length..].Trim(), CultureInfo.InvariantCulture, out var us))
            {
                seconds = Math.Max(seconds, us / 1e6);
            }
        }

        if (r.ExitCode != 0 || seconds <= 0)
        {
            throw NotAVideo("the file states no duration and none can be read from its data");
        }

        return seconds;
    }

    private static double ParseDb(string text)
    {
        if (text.StartsWith("-inf", StringComparison.Ordinal))
        {
            return double.NegativeInfinity;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var db)
            ? db
            : throw new ClipperException(ErrorCode.ToolFailed, $"ffmpeg volumedetect printed an unreadable level: {text}");
    }

    private static ClipperException NotAVideo(string message) => new(ErrorCode.NotAVideo, message);

    private static string Seconds(double s) => s.ToString("0.000", CultureInfo.InvariantCulture);

    private static string LastLine(string? text) =>
        string.IsNullOrWhiteSpace(text) ? "no details" : text.Trim().Split('\n')[^1].Trim();
}
