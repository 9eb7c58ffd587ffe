using System.Globalization;
using Clipper.Core.Media;
using Clipper.Core.Processes;

namespace Clipper.Stages.Track;

/// <summary>
/// A packed 8-bit RGB image (rgb24: three bytes per pixel, rows top to bottom, no padding), the layout ffmpeg
/// writes with <c>-f rawvideo -pix_fmt rgb24</c>.
/// </summary>
public sealed class RgbFrame
{
    public RgbFrame(int width, int height, byte[] pixels)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentException($"empty frame {width}x{height}");
        }

        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != (long)width * height * 3)
        {
            throw new ArgumentException($"a {width}x{height} rgb24 frame needs {width * height * 3} bytes, got {pixels.Length}");
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public byte[] Pixels { get; }

    /// <summary>Channel c (0 red, 1 green, 2 blue) of pixel (x, y), 0..255.</summary>
    public int Sample(int x, int y, int c) => Pixels[((y * Width) + x) * 3 + c];

    /// <summary>
    /// Decodes an image file (JPEG, PNG, anything ffmpeg reads) with ffmpeg, optionally scaled to width×height
    /// (bilinear), into an rgb24 frame.
    /// </summary>
    public static async Task<RgbFrame> ReadAsync(string imageFile, CancellationToken cancel = default, int width = 0, int height = 0)
    {
        if (width <= 0 || height <= 0)
        {
            var info = await Probe.ProbeAsync(imageFile, cancel).ConfigureAwait(false);
            (width, height) = (info.Width, info.Height);
        }

        var size = string.Create(CultureInfo.InvariantCulture, $"scale={width}:{height}:flags=bilinear");
        var result = await ProcessRunner.RunAsync(
            ["ffmpeg", "-nostdin", "-v", "error", "-i", imageFile, "-frames:v", "1", "-vf", size,
             "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
            TimeSpan.FromSeconds(60), cancel).ConfigureAwait(false);
        ProcessRunner.RequireSuccess(["ffmpeg"], result);
        return new RgbFrame(width, height, result.Stdout);
    }
}
