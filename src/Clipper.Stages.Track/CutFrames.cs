using System.Globalization;
using System.Text;
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

    /// <summary>Spans decoded by one ffmpeg (one input each).</summary>
    private const int MaxInputs = 16;

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
        // the sampler's frames lie up to half a sample interval from their nominal times (its fps filter takes the
        // nearest frame, or a neighbour when B-frames are skipped): search that far beyond both samples
        var spans = Enumerable.Range(1, Math.Max(0, samples.Count - 1)).Where(i => cutBefore[i])
            .Select(i => new Span(i, Math.Max(0, samples[i - 1].T - margin), Math.Min(duration, samples[i].T + margin)))
            .Where(s => s.To > s.From)
            .ToList();
        foreach (var batch in spans.Chunk(MaxInputs))
        {
            var decoded = await DecodeAsync(source, clipStart, batch, w, h, interlaced, options, cancel).ConfigureAwait(false);
            if (decoded is null)
            {
                continue;
            }

            for (int b = 0; b < batch.Length; b++)
            {
                var frames = decoded[b];
                int k = CutIndex(frames.Select(f => f.Frame).ToList(), colour: samples[batch[b].Sample].CutBefore);
                if (k > 0)
                {
                    found[batch[b].Sample] = JumpTime(frames[k - 1].T, frames[k].T);
                }
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
    /// (at <paramref name="at"/>): on the millisecond grid keyframes are written with, one to two milliseconds before
    /// the cut's frame, so neither rounding nor showinfo's six printed digits can push it past that frame; halfway for
    /// frames closer than that.
    /// </summary>
    internal static double JumpTime(double before, double at)
    {
        double t = (Math.Floor(at * 1000 + 1e-6) - 1) / 1000;
        return t > before ? t : Math.Round((before + at) / 2, 6);
    }

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
    /// The frames of each span with their clip times, or null when ffmpeg fails or frames and times do not pair up.
    /// One ffmpeg for all spans (one input each, seeking on its own; their frames concatenated): starting ffmpeg costs
    /// more than decoding a span.
    /// </summary>
    private static async Task<List<(double T, RgbFrame Frame)>[]?> DecodeAsync(string source, double clipStart, Span[] spans,
        int width, int height, bool interlaced, TrackOptions options, CancellationToken cancel)
    {
        var cmd = new List<string> { "ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-v", "info" };
        var graph = new StringBuilder();
        // the encoder and the sampler seek to the clip's start written to the millisecond: times relative to that
        double clipSeek = double.Parse(Seconds(clipStart), Inv);
        var offsets = new double[spans.Length];
        for (int k = 0; k < spans.Length; k++)
        {
            if (options.DecodeThreads > 0)
            {
                cmd.AddRange(["-threads", options.DecodeThreads.ToString(Inv)]);
            }

            string seek = Seconds(clipStart + spans[k].From);
            offsets[k] = double.Parse(seek, Inv) - clipSeek;
            cmd.AddRange(["-ss", seek, "-t", Seconds(spans[k].To - spans[k].From), "-i", source]);
            graph.Append(Inv, $"[{k}:v:0]{(interlaced ? "yadif=mode=send_frame," : "")}scale={width}:{height}:flags=area,setsar=1,showinfo@c{k}[c{k}];");
        }

        for (int k = 0; k < spans.Length; k++)
        {
            graph.Append(Inv, $"[c{k}]");
        }

        graph.Append(Inv, $"concat=n={spans.Length}:v=1:a=0[v]");
        cmd.AddRange(["-filter_complex", graph.ToString(), "-map", "[v]", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        var times = Enumerable.Range(0, spans.Length).Select(_ => new List<double>()).ToArray();
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
                if (m.Success && double.TryParse(m.Groups[2].Value, NumberStyles.Float, Inv, out double t))
                {
                    lock (times)
                    {
                        times[int.Parse(m.Groups[1].Value, Inv)].Add(t);
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
            if (result.ExitCode != 0 || frames.Count != times.Sum(t => t.Count))
            {
                return null;
            }

            var split = new List<(double T, RgbFrame Frame)>[spans.Length];
            int next = 0;
            for (int k = 0; k < spans.Length; k++)
            {
                split[k] = times[k].Select(t => (t + offsets[k], frames[next++])).ToList();
            }

            return split;
        }
    }

    private static string Seconds(double v) => v.ToString("0.###", Inv);

    /// <summary>A frame of span k's showinfo: "[showinfo@c3 @ 0x…] n:   3 pts:   1536 pts_time:0.1 …".</summary>
    [GeneratedRegex(@"^\[showinfo@c(\d+) @ [^\]]*\] n:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[0-9.eE+-]+)")]
    private static partial Regex ShowInfo();

    /// <summary>The stretch [From, To) of the clip (seconds from its start) searched for the cut before sample <see cref="Sample"/>.</summary>
    private sealed record Span(int Sample, double From, double To);
}
