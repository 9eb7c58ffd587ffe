using System.Globalization;

namespace Clipper.Stages.Encode.Tests;

/// <summary>
/// The check that a frame's captions lie inside the safe area of its size: the ink (every pixel that is not the plain
/// background) between the default preset's side margins and above its bottom margin, one line of it in the lower
/// half. Shared with the gateway's job test of extra renditions (linked there).
/// </summary>
internal static class CaptionSafeArea
{
    /// <summary>
    /// The ink's box (left, top, right, bottom; inclusive) in a packed RGB24 frame over a plain
    /// <paramref name="background"/>, or null when there is none.
    /// </summary>
    public static (int Left, int Top, int Right, int Bottom)? Ink(byte[] rgb, int width, int height, int background)
    {
        int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (!Frames.Near(rgb, y * width + x, background, 24))
                {
                    (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
                }
            }
        }

        return right < 0 ? null : (left, top, right, bottom);
    }

    /// <summary>Asserts the ink lies inside the safe area of a <paramref name="width"/>×<paramref name="height"/> frame; returns what was seen.</summary>
    public static string Check((int Left, int Top, int Right, int Bottom) ink, int width, int height, string name)
    {
        var p = CaptionPresets.Bold;
        int fontPx = (int)Math.Round(Math.Min(width, height) * p.FontSize, MidpointRounding.AwayFromZero);
        int side = (int)Math.Round(width * p.SideMargin, MidpointRounding.AwayFromZero);
        int bottom = (int)Math.Round(height * p.BottomMargin, MidpointRounding.AwayFromZero);
        // the half-transparent shadow falls a few pixels right of and below the text; chroma subsampling blurs a pixel more
        int slack = (int)Math.Round(fontPx * p.Shadow, MidpointRounding.AwayFromZero) + 2;
        var (left, top, right, low) = ink;
        string seen = string.Create(CultureInfo.InvariantCulture, $"{name}: ink {left}..{right} x {top}..{low} in {width}x{height}");
        Assert.True(left >= side && right <= width - 1 - side + slack, $"{seen}; sides {side} px");
        Assert.True(low <= height - bottom + (int)Math.Round(fontPx * p.Outline) + slack, $"{seen}; bottom margin {bottom} px");
        Assert.True(top >= height / 2 && right - left > width / 5 && low - top >= fontPx / 2, $"{seen}: not one line of captions in the lower half");
        return string.Create(CultureInfo.InvariantCulture, $"{seen}, safe area x {side}..{width - 1 - side}, bottom {height - bottom}");
    }
}
