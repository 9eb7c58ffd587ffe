using System.Globalization;
using System.Text.RegularExpressions;
using Clipper.Core.Errors;
using Clipper.Core.Processes;

namespace Clipper.Stages.Track;

/// <summary>
/// Puts each cut on its own frame. Sampling at a few frames a second only says that a cut lies between two samples
/// (up to 0.2 s apart); the window jumping halfway between them shows the wrong place, or the old one, for a few
/// frames. For each cut, ffmpeg decodes just that stretch of the clip at the source's own frame rate (small, rgb24,
/// each frame's presentation time read from showinfo), and the cut is the frame that differs most from the one
/// before it: in colour (histogram) for a cut the sampler saw, in pixels for a cut found by the face jumping (the
/// backdrop stays, so the colours hardly change). A stretch whose change is not concentrated on one frame (a
/// dissolve, a flash, a cut missed by the stretch) keeps the midpoint. Never fails the clip: a decode that fails
/// keeps the midpoint too; only cancellation throws.
/// </summary>
internal static partial class CutFrames
{
    /// <summary>Longer side of the decoded frames: enough for a colour histogram and a coarse pixel difference.</summary>
    private const int Size = 160;

    /// <summary>The winning frame's change must be at least this share of the change across the whole stretch ...</summary>
    private const double MinShare = 0.5;

    /// <summary>... and this many times the typical (median) change between the stretch's other frames.</summary>
    private const double MinContrast = 3.0;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// The clip time (seconds from <paramref name="clipStart"/>) at which the window should jump for each cut in
    /// <paramref name="cutBefore"/> whose frame was found, by the index of the shot's first sample. The time lies
    /// after the last frame of the old shot and at or before the first frame of the new one, so the crop (moved by
    /// sendcmd on the first frame whose time is at or past it) changes on exactly that frame.
    /// </summary>
    public static async Task<IReadOnlyDictionary<int, double>> FindAsync(string source, double clipStart, double duration,
        IReadOnlyList<Sample> samples, bool[] cutBefore, int sourceWidth, int sourceHeight, bool interlaced,
        TrackOptions options, CancellationToken cancel)
    {
        var found = new Dictionary<int, double>();
        double margin = 0.5 / options.SampleFps;
        double scale = Math.Min(1, (double)Size / Math.Max(sourceWidth, sourceHeight));
        int w = Math.Max(2, (int)Math.Round(sourceWidth * scale) & ~1);
        int h = Math.Max(2, (int)Math.Round(sourceHeight * scale) & ~1);
        for (int i = 1; i < samples.Count; i++)
        {
            if (!cutBefore[i])
            {
                continue;
            }

            // the sampler's frames lie within half a sample interval of their nominal times (its fps filter takes the
            // nearest frame, fewer with B-frames skipped): search a little beyond both samples
            double from = Math.Max(0, samples[i - 1].T - margin);
            double to = Math.Min(duration, samples[i].T + margin);
            var frames = await DecodeAsync(source, clipStart, from, to - from, w, h, interlaced, options, cancel).ConfigureAwait(false);
            if (frames is null)
            {
                continue;
            }

            bool colour = samples[i].CutBefore;
            int k = CutIndex(frames.Select(f => f.Frame).ToList(), colour);
            if (k > 0)
            {
                found[i] = JumpTime(frames[k - 1].T, frames[k].T);
            }
        }

        return found;
    }

    /// <summary>
    /// The index (≥ 1) of the frame that begins the new shot: the one differing most from its predecessor, if that
    /// change is concentrated on it (<see cref="MinShare"/>, <see cref="MinContrast"/>); else -1.
    /// <paramref name="colour"/> compares colour histograms, otherwise grey pixels.
    /// </summary>
    internal static int CutIndex(IReadOnlyList<RgbFrame> frames, bool colour)
    {
        if (frames.Count < 2)
        {
            return -1;
        }

        var d = new double[frames.Count];
        if (colour)
        {
            var histograms = frames.Select(SceneHistogram.Of).ToList();
            for (int k = 1; k < frames.Count; k++)
            {
                d[k] = SceneHistogram.Distance(histograms[k - 1], histograms[k]);
            }

            return Pick(d, SceneHistogram.Distance(histograms[0], histograms[^1]));
        }

        for (int k = 1; k < frames.Count; k++)
        {
            d[k] = PixelDifference(frames[k - 1], frames[k]);
        }

        return Pick(d, PixelDifference(frames[0], frames[^1]));
    }

    /// <summary>
    /// Where the jump goes between the old shot's last frame (at <paramref name="before"/>) and the new shot's first
    /// (at <paramref name="at"/>): three quarters of the way, rounded up to the millisecond that keyframes are
    /// written with, so rounding can neither reach the frame before nor pass the cut's own frame.
    /// </summary>
    internal static double JumpTime(double before, double at) =>
        Math.Min(at, Math.Ceiling((before + 3 * (at - before) / 4) * 1000 - 1e-6) / 1000);

    private static int Pick(double[] d, double whole)
    {
        int best = 1;
        for (int k = 2; k < d.Length; k++)
        {
            if (d[k] > d[best])
            {
                best = k;
            }
        }

        var others = d.Skip(1).Where((_, k) => k + 1 != best).Order().ToArray();
        double typical = others.Length == 0 ? 0 : others[others.Length / 2];
        return d[best] > 0 && d[best] >= MinShare * whole && d[best] >= MinContrast * typical ? best : -1;
    }

    /// <summary>Mean absolute difference of the two frames' grey levels (0..255), every other pixel.</summary>
    private static double PixelDifference(RgbFrame a, RgbFrame b)
    {
        var p = a.Pixels;
        var q = b.Pixels;
        long sum = 0;
        int count = 0;
        for (int i = 0; i + 2 < p.Length; i += 6)
        {
            int ga = (p[i] * 77 + p[i + 1] * 150 + p[i + 2] * 29) >> 8;
            int gb = (q[i] * 77 + q[i + 1] * 150 + q[i + 2] * 29) >> 8;
            sum += Math.Abs(ga - gb);
            count++;
        }

        return (double)sum / Math.Max(1, count);
    }

    /// <summary>
    /// The frames of [from, from + length) of the clip (seconds from its start) with their clip times, or null when
    /// ffmpeg fails or the frames and their times do not pair up.
    /// </summary>
    private static async Task<List<(double T, RgbFrame Frame)>?> DecodeAsync(string source, double clipStart, double from,
        double length, int width, int height, bool interlaced, TrackOptions options, CancellationToken cancel)
    {
        // the encoder and the sampler seek to the clip's start written to the millisecond: times relative to that
        string seekText = Seconds(clipStart + from);
        double offset = double.Parse(seekText, Inv) - double.Parse(Seconds(clipStart), Inv);
        var cmd = new List<string> { "ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-v", "info" };
        if (options.DecodeThreads > 0)
        {
            cmd.AddRange(["-threads", options.DecodeThreads.ToString(Inv)]);
        }

        cmd.AddRange(["-ss", seekText, "-t", Seconds(length), "-i", source, "-map", "0:v:0", "-an", "-sn", "-dn",
            "-vf", $"{(interlaced ? "yadif=mode=send_frame," : "")}scale={width}:{height}:flags=area,showinfo",
            "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        var times = new List<double>();
        var frames = new List<RgbFrame>();
        int frameBytes = width * height * 3;
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(cmd, options.MinDecodeTimeout, cancel, async (stdout, token) =>
            {
                while (true)
                {
                    var buffer = new byte[frameBytes];
                    if (await stdout.ReadAtLeastAsync(buffer, frameBytes, throwOnEndOfStream: false, token).ConfigureAwait(false) < frameBytes)
                    {
                        break;
                    }

                    frames.Add(new RgbFrame(width, height, buffer));
                }
            }, line =>
            {
                var m = ShowInfo().Match(line);
                if (m.Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, Inv, out double t))
                {
                    lock (times)
                    {
                        times.Add(t);
                    }
                }
            }).ConfigureAwait(false);
        }
        catch (ClipperException e) when (e.Code != ErrorCode.Cancelled)
        {
            return null;
        }

        lock (times)
        {
            if (result.ExitCode != 0 || frames.Count != times.Count || frames.Count < 2)
            {
                return null;
            }

            return frames.Select((f, k) => (times[k] + offset, f)).ToList();
        }
    }

    private static string Seconds(double v) => v.ToString("0.###", Inv);

    /// <summary>showinfo's line for one frame: "n:   3 pts:   1536 pts_time:0.1 …".</summary>
    [GeneratedRegex(@"\bn:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[0-9.eE+-]+)")]
    private static partial Regex ShowInfo();
}
