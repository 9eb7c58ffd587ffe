using System.Globalization;
using Clipper.Core.Processes;

namespace Clipper.Stages.Encode.Tests;

/// <summary>
/// Renders an ASS script with ffmpeg's libass over a plain background, one RGB frame per asked time, and finds
/// the ink in it: every pixel that is not the background, whatever its colour (fill, outline or shadow).
/// </summary>
internal sealed class CaptionRender
{
    /// <summary>A blue-grey far from the caption's white, yellow and black.</summary>
    public const int Background = 0x285A8C;

    private CaptionRender(byte[] rgb, int width, int height)
    {
        Rgb = rgb;
        Width = width;
        Height = height;
    }

    public byte[] Rgb { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>A frame already rendered: packed RGB24.</summary>
    public static CaptionRender Of(byte[] rgb, int width, int height) => new(rgb, width, height);

    public static async Task<CaptionRender> RenderAsync(string assText, int width, int height, double t, string? fontsDir, string dir)
    {
        var ass = Path.Combine(dir, $"r{Guid.NewGuid():N}.ass");
        await File.WriteAllTextAsync(ass, assText);
        string filter = "ass=filename=" + ClipEncoder.FilterValue(ass)
            + (fontsDir is null ? "" : ":fontsdir=" + ClipEncoder.FilterValue(fontsDir));
        string at = t.ToString("0.000", CultureInfo.InvariantCulture);
        // one RGB frame stamped at t (time base 1/100 s), so libass draws the events showing at t, with no chroma subsampling
        var r = await ProcessRunner.RunCheckedAsync(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi",
            "-i", $"color=c=0x{Background:X6}:s={width}x{height}:r=100:d=0.01,format=rgb24,setpts=PTS+{at}/TB,{filter}",
            "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
        ], TimeSpan.FromSeconds(60));
        Assert.Equal(width * height * 3, r.Stdout.Length);
        return new CaptionRender(r.Stdout, width, height);
    }

    /// <summary>True where the pixel is not the background: the shape of the text, blind to its colour.</summary>
    public bool[] InkMask()
    {
        var mask = new bool[Width * Height];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = !Frames.Near(Rgb, i, Background, 12);
        }

        return mask;
    }

    /// <summary>Bounding box (left, top, right, bottom; inclusive) of the pixels matching, or null when none do.</summary>
    public (int Left, int Top, int Right, int Bottom)? Box(Func<int, bool> pixel)
    {
        int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                if (pixel(y * Width + x))
                {
                    left = Math.Min(left, x);
                    right = Math.Max(right, x);
                    top = Math.Min(top, y);
                    bottom = Math.Max(bottom, y);
                }
            }
        }

        return right < 0 ? null : (left, top, right, bottom);
    }

    public (int Left, int Top, int Right, int Bottom)? InkBox()
    {
        var mask = InkMask();
        return Box(i => mask[i]);
    }

    public (int Left, int Top, int Right, int Bottom)? ColourBox(int colour, int tolerance) =>
        Box(i => Frames.Near(Rgb, i, colour, tolerance));

    /// <summary>Which columns hold any ink: the horizontal positions of the glyphs.</summary>
    public bool[] InkColumns()
    {
        var mask = InkMask();
        var columns = new bool[Width];
        for (int i = 0; i < mask.Length; i++)
        {
            columns[i % Width] |= mask[i];
        }

        return columns;
    }
}
