using System.Globalization;
using Clipper.Core.Errors;
using Clipper.Core.Processes;

namespace Clipper.Stages.Track;

/// <summary>
/// How loud the clip's sound is around each sampled frame: ffmpeg decodes the clip's audio as mono 8 kHz PCM (cheap:
/// about a hundredth of the video decode), and each sample gets the RMS of the span half a sample interval either side,
/// relative to the clip's loud level (the 95th percentile), clamped to 0..1.
/// </summary>
internal static class VoiceLevel
{
    private const int Rate = 8000;

    /// <summary>The level at each of <paramref name="times"/> (seconds from the clip's start), or null when the sound cannot be decoded.</summary>
    public static async Task<double[]?> MeasureAsync(string source, double start, double duration, double[] times, TrackOptions options,
        CancellationToken cancel)
    {
        var inv = CultureInfo.InvariantCulture;
        var timeout = TimeSpan.FromSeconds(Math.Max(options.MinDecodeTimeout.TotalSeconds, duration * options.DecodeTimeoutFactor));
        ProcessResult r;
        try
        {
            r = await ProcessRunner.RunAsync(
            [
                "ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-ss", start.ToString("0.###", inv), "-t", duration.ToString("0.###", inv),
                "-i", source, "-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", Rate.ToString(inv), "-f", "s16le", "pipe:1",
            ], timeout, cancel).ConfigureAwait(false);
        }
        catch (ClipperException e) when (e.Code != ErrorCode.Cancelled)
        {
            return null;
        }

        if (r.ExitCode != 0 || r.Stdout.Length < 2)
        {
            return null;
        }

        var pcm = new short[r.Stdout.Length / 2];
        Buffer.BlockCopy(r.Stdout, 0, pcm, 0, pcm.Length * 2);
        return Levels(pcm, times, options.SampleFps);
    }

    /// <summary>The relative RMS level of 8 kHz <paramref name="pcm"/> around each time.</summary>
    internal static double[] Levels(short[] pcm, double[] times, double sampleFps)
    {
        int half = Math.Max(1, (int)(Rate / sampleFps / 2));
        var rms = new double[times.Length];
        for (int k = 0; k < times.Length; k++)
        {
            int c = (int)(times[k] * Rate);
            int a = Math.Clamp(c - half, 0, pcm.Length), b = Math.Clamp(c + half, 0, pcm.Length);
            double sum = 0;
            for (int i = a; i < b; i++)
            {
                sum += (double)pcm[i] * pcm[i];
            }

            rms[k] = b > a ? Math.Sqrt(sum / (b - a)) : 0;
        }

        var sorted = rms.Order().ToArray();
        double loud = sorted.Length == 0 ? 0 : sorted[(int)(0.95 * (sorted.Length - 1))];
        return loud <= 0 ? new double[times.Length] : rms.Select(v => Math.Min(1, v / loud)).ToArray();
    }
}
