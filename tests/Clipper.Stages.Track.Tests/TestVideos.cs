using System.Globalization;
using Clipper.Core.Crop;
using Clipper.Core.Processes;
using Clipper.Samples;

namespace Clipper.Stages.Track.Tests;

/// <summary>Test media built from the real photos, and the truth about where the faces in them are.</summary>
internal static class TestVideos
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A still shot: the photo scaled to ScaledWidth, cropped to width×height at (X, Y), for some seconds.</summary>
    public sealed record Still(string Photo, int ScaledWidth, int X, int Y, double Seconds);

    /// <summary>Video only (H.264), the stills one after another with hard cuts between them.</summary>
    public static async Task ShotsAsync(IReadOnlyList<Still> stills, int width, int height, int fps, string output)
    {
        var cmd = new List<string> { "ffmpeg", "-nostdin", "-v", "error", "-y" };
        var filter = new System.Text.StringBuilder();
        for (int i = 0; i < stills.Count; i++)
        {
            var s = stills[i];
            cmd.AddRange(["-loop", "1", "-framerate", fps.ToString(Inv), "-t", s.Seconds.ToString(Inv), "-i", s.Photo]);
            filter.Append(Inv, $"[{i}:v]scale={s.ScaledWidth}:-2,crop={width}:{height}:{s.X}:{s.Y},setsar=1,format=yuv420p[v{i}];");
        }

        for (int i = 0; i < stills.Count; i++)
        {
            filter.Append(Inv, $"[v{i}]");
        }

        filter.Append(Inv, $"concat=n={stills.Count}:v=1:a=0[v]");
        cmd.AddRange(["-filter_complex", filter.ToString(), "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "26", output]);
        await ProcessRunner.RunCheckedAsync(cmd, TimeSpan.FromMinutes(2));
    }

    /// <summary>
    /// The photo scaled to photoHeight pixels high on a plain dark wall, at left edge firstX until cutAt seconds,
    /// then at secondX: one camera on one set, reframed by a hard cut. Video only.
    /// </summary>
    public static async Task ReframedAsync(string photo, int width, int height, int photoHeight, int firstX, int secondX,
        double cutAt, double seconds, string output)
    {
        int top = (height - photoHeight) / 2;
        await ProcessRunner.RunCheckedAsync(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", $"color=c=0x283038:s={width}x{height}:r=25:d={seconds.ToString(Inv)}",
            "-loop", "1", "-framerate", "25", "-i", photo,
            "-filter_complex",
            $"[1:v]scale=-2:{photoHeight}[p];[0:v][p]overlay=x='if(lt(t,{cutAt.ToString(Inv)}),{firstX},{secondX})':y={top}:shortest=1,format=yuv420p[v]",
            "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "26", output,
        ], TimeSpan.FromMinutes(2));
    }

    /// <summary>Re-encodes a video with temporal noise of the given strength (ffmpeg's noise filter, 0..100).</summary>
    public static async Task AddNoiseAsync(string input, int strength, string output) =>
        await ProcessRunner.RunCheckedAsync(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y", "-i", input, "-vf", $"noise=alls={strength}:allf=t",
            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "26", "-c:a", "copy", output,
        ], TimeSpan.FromMinutes(2));

    /// <summary>The window's top-left at time t: the last keyframe at or before t holds.</summary>
    public static Keyframe At(CropPath path, double t)
    {
        var current = path.Keyframes[0];
        foreach (var k in path.Keyframes)
        {
            if (k.T <= t)
            {
                current = k;
            }
        }

        return current;
    }

    /// <summary>Whether x lies inside the window's horizontal span at time t.</summary>
    /// <summary>The frame at t (the first at or after t - 10 ms) as grey, through the filter vf.</summary>
    public static async Task<byte[]> GrayAsync(string video, double t, string vf, CancellationToken cancel) =>
        (await ProcessRunner.RunCheckedAsync(
            ["ffmpeg", "-nostdin", "-v", "error", "-ss", (t - 0.01).ToString("0.000", Inv), "-i", video, "-frames:v", "1",
             "-vf", vf, "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"], TimeSpan.FromMinutes(1), cancel)).Stdout;

    /// <summary>The mean absolute difference of two grey pictures of the same size.</summary>
    public static double Difference(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return (double)sum / a.Length;
    }

    public static bool Inside(CropPath path, double t, double x)
    {
        var k = At(path, t);
        return x >= k.X && x <= k.X + path.Width;
    }
}

/// <summary>Where a face of a photo is at time t in a talking video made with a look.</summary>
internal sealed record PannedFace(double PhotoX, double PhotoY, int PhotoWidth, int PhotoHeight, Look Look)
{
    public static PannedFace Of(Face faceInPhoto, int photoWidth, int photoHeight, Look look) =>
        new(faceInPhoto.CentreX, faceInPhoto.CentreY, photoWidth, photoHeight, look);

    public double X(double t) => SampleVideo.FramePosition(Look, PhotoWidth, PhotoHeight, PhotoX, PhotoY, t).X;

    public double Y => SampleVideo.FramePosition(Look, PhotoWidth, PhotoHeight, PhotoX, PhotoY, 0).Y;
}

/// <summary>Records every progress report synchronously, in order (Progress&lt;T&gt; would post them).</summary>
internal sealed class ProgressLog : IProgress<double>
{
    private readonly List<double> _values = [];

    public IReadOnlyList<double> Values
    {
        get
        {
            lock (_values)
            {
                return [.. _values];
            }
        }
    }

    public void Report(double value)
    {
        lock (_values)
        {
            _values.Add(value);
        }
    }
}
