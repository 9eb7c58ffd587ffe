using System.Globalization;
using Clipper.Core.Processes;

namespace Clipper.Stages.Encode.Tests;

/// <summary>Decoded frames as raw pixels, through ffmpeg, for comparing pictures in tests.</summary>
internal static class Frames
{
    /// <summary>One frame at <paramref name="t"/> seconds as 8-bit grey, after the optional filter chain <paramref name="vf"/>.</summary>
    public static Task<byte[]> GrayAsync(string video, double t, string? vf = null) => GrabAsync(video, t, vf, "gray");

    /// <summary>One frame at <paramref name="t"/> seconds as packed RGB24.</summary>
    public static Task<byte[]> RgbAsync(string video, double t) => GrabAsync(video, t, null, "rgb24");

    private static async Task<byte[]> GrabAsync(string video, double t, string? vf, string pixFmt)
    {
        var cmd = new List<string> { "ffmpeg", "-nostdin", "-v", "error" };
        // a still image yields nothing when "seeked" to 0, so only seek into real videos
        if (t > 0)
        {
            cmd.AddRange(["-ss", t.ToString("0.000", CultureInfo.InvariantCulture)]);
        }

        cmd.AddRange(["-i", video, "-frames:v", "1"]);
        if (vf is not null)
        {
            cmd.AddRange(["-vf", vf]);
        }

        cmd.AddRange(["-f", "rawvideo", "-pix_fmt", pixFmt, "-"]);
        return (await ProcessRunner.RunCheckedAsync(cmd, TimeSpan.FromSeconds(60))).Stdout;
    }

    /// <summary>Mean absolute difference of two grey frames of the given width over rows [fromRow, toRow).</summary>
    public static double MeanAbsDiff(byte[] a, byte[] b, int width, int fromRow, int toRow)
    {
        Assert.Equal(a.Length, b.Length);
        long sum = 0;
        for (int i = fromRow * width; i < toRow * width; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return (double)sum / ((long)(toRow - fromRow) * width);
    }

    /// <summary>How many pixels in rows [fromRow, toRow) of an RGB frame are close to the colour 0xRRGGBB.</summary>
    public static int PixelsNear(byte[] rgb, int width, int fromRow, int toRow, int colour, int tolerance)
    {
        int n = 0;
        for (int i = fromRow * width; i < toRow * width; i++)
        {
            if (Near(rgb, i, colour, tolerance))
            {
                n++;
            }
        }

        return n;
    }

    public static bool Near(byte[] rgb, int pixel, int colour, int tolerance) =>
        Math.Abs(rgb[3 * pixel] - (colour >> 16 & 0xFF)) <= tolerance
        && Math.Abs(rgb[3 * pixel + 1] - (colour >> 8 & 0xFF)) <= tolerance
        && Math.Abs(rgb[3 * pixel + 2] - (colour & 0xFF)) <= tolerance;

    /// <summary>What <c>ffmpeg -v error -i video -f null -</c> prints: empty when the file decodes cleanly.</summary>
    public static async Task<string> DecodeErrorsAsync(string video)
    {
        var r = await ProcessRunner.RunAsync(["ffmpeg", "-nostdin", "-v", "error", "-i", video, "-f", "null", "-"],
            TimeSpan.FromMinutes(2));
        return (r.ExitCode == 0 ? "" : $"exit {r.ExitCode}\n") + r.StderrTail;
    }
}
