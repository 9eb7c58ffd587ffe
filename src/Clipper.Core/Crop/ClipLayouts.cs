using Clipper.Core.Errors;

namespace Clipper.Core.Crop;

/// <summary>
/// How a clip is composed, shot by shot. A job asks for <see cref="Auto"/> (the tracker chooses per shot, with a reason),
/// <see cref="Single"/> (always the crop window: one face followed, or a centre crop), <see cref="Fit"/> (always the
/// whole frame), <see cref="Split"/> (two faces, stacked or side by side, wherever a shot has two) or <see cref="Screen"/> (the whole
/// frame above, the face below, wherever a shot has a face).
/// </summary>
public static class ClipLayouts
{
    /// <summary>The tracker chooses: <see cref="Fit"/> when the clip has no subject, else <see cref="Single"/>.</summary>
    public const string Auto = "auto";

    /// <summary>The crop window (following one face, or centred) scaled to the output.</summary>
    public const string Single = "single";

    /// <summary>The whole source frame scaled into the output over a blurred, enlarged copy of itself: no bars, nothing cut.</summary>
    public const string Fit = "fit";

    /// <summary>
    /// Two speakers, each in a window following its own face: stacked in the output's upper and lower halves (the left one
    /// on top), or side by side in its left and right columns, by the output's shape (<see cref="SplitSideBySide"/>).
    /// </summary>
    public const string Split = "split";

    /// <summary>
    /// A screen share (a slide or a screen filling the frame, the speaker's webcam small in a corner): the whole source
    /// frame at the output's width in the upper part (<see cref="ScreenHeights"/>), a window following the speaker's face
    /// filling the rest below.
    /// </summary>
    public const string Screen = "screen";

    /// <summary>What a job may ask for.</summary>
    public static readonly IReadOnlyList<string> Choices = [Auto, Single, Fit, Split, Screen];

    /// <summary>The screen layout's face part must be at least this share of the output's height, or the face would be a strip.</summary>
    public const double MinScreenFaceShare = 0.4;

    /// <summary>
    /// The heights of the screen layout's parts in an output of <paramref name="outWidth"/>×<paramref name="outHeight"/>:
    /// the upper the whole source frame at the output's width (even), the lower the rest (the face's window); null when
    /// the output is not taller than wide or the rest would be under <see cref="MinScreenFaceShare"/> of it (a 16:9 or
    /// 1:1 output: the layout then falls back to fit).
    /// </summary>
    public static (int Top, int Bottom)? ScreenHeights(int sourceWidth, int sourceHeight, int outWidth, int outHeight)
    {
        if (outHeight <= outWidth || sourceWidth <= 0 || sourceHeight <= 0)
        {
            return null;
        }

        int top = Math.Min(outHeight, Even((double)outWidth * sourceHeight / sourceWidth));
        int bottom = outHeight - top;
        return bottom >= MinScreenFaceShare * outHeight && bottom % 2 == 0 ? (top, bottom) : null;
    }

    /// <summary>
    /// The shape (width over height) of a head and shoulders: the split layout's two parts are arranged so that each is as
    /// near to it as the output allows (<see cref="SplitSideBySide"/>).
    /// </summary>
    public const double SplitPartShape = 0.75;

    /// <summary>
    /// How the split layout arranges its two faces in an output of <paramref name="outWidth"/>×<paramref name="outHeight"/>:
    /// side by side (two columns, each half the output's width) when a column is nearer a head and shoulders'
    /// shape (<see cref="SplitPartShape"/>, by ratio) than a stacked half (the whole width, half the height). A 9:16 output
    /// stacks (a 1080×960 half against a 540×1920 column); 4:5 (540×1350 against 1080×675), 1:1 and 16:9 go side by side.
    /// </summary>
    public static bool SplitSideBySide(int outWidth, int outHeight)
    {
        double column = outWidth / 2.0 / outHeight;
        double half = outWidth / (outHeight / 2.0);
        return Math.Abs(Math.Log(column / SplitPartShape)) < Math.Abs(Math.Log(half / SplitPartShape));
    }

    /// <summary>How the split layout's arrangement is named in reasons: <c>stacked</c> or <c>side by side</c>.</summary>
    public static string SplitArrangement(bool sideBySide) => sideBySide ? "side by side" : "stacked";

    /// <summary>
    /// The heights of the split layout's halves in an output of <paramref name="outHeight"/>: the upper even, the lower the
    /// rest (a 1350-row output is 676 over 674), so that they stack to the output exactly.
    /// </summary>
    public static (int Top, int Bottom) SplitHeights(int outHeight) => Halves(outHeight);

    /// <summary>The widths of the side-by-side split's columns in an output of <paramref name="outWidth"/>: the left even, the right the rest.</summary>
    public static (int Left, int Right) SplitWidths(int outWidth) => Halves(outWidth);

    /// <summary>
    /// The size of the split layout's first part (the upper half, or the left column when <see cref="SplitSideBySide"/>)
    /// in an output of <paramref name="outWidth"/>×<paramref name="outHeight"/>; the second is within a pixel of it.
    /// </summary>
    public static (int Width, int Height) SplitPart(int outWidth, int outHeight) =>
        SplitParts(outWidth, outHeight, SplitSideBySide(outWidth, outHeight)).First;

    /// <summary>
    /// The sizes of the split layout's two parts in an output of <paramref name="outWidth"/>×<paramref name="outHeight"/>:
    /// the upper and lower halves, or the left and right columns when <paramref name="sideBySide"/>.
    /// </summary>
    public static ((int Width, int Height) First, (int Width, int Height) Second) SplitParts(int outWidth, int outHeight, bool sideBySide)
    {
        if (sideBySide)
        {
            var (left, right) = SplitWidths(outWidth);
            return ((left, outHeight), (right, outHeight));
        }

        var (top, bottom) = SplitHeights(outHeight);
        return ((outWidth, top), (outWidth, bottom));
    }

    private static (int First, int Second) Halves(int size)
    {
        int first = size / 2 + (size / 2 % 2);
        return (first, size - first);
    }

    /// <summary>The choice, lower-cased; null when empty (auto); <see cref="ErrorCode.BadOption"/> when not one of <see cref="Choices"/>.</summary>
    public static string? Check(string? layout)
    {
        if (string.IsNullOrWhiteSpace(layout))
        {
            return null;
        }

        var l = layout.Trim().ToLowerInvariant();
        return Choices.Contains(l) ? l
            : throw new ClipperException(ErrorCode.BadOption, $"layout must be one of {string.Join(", ", Choices)}, got '{layout.Trim()}'");
    }

    /// <summary>
    /// Where the whole source frame goes in the fit layout: the largest even-sized copy with the source's shape that fits
    /// the output (the output's width for a vertical output of a wide source), centred on even offsets (ffmpeg's overlay
    /// puts a 4:2:0 picture on even rows and columns only). The rest of the output is the blurred background.
    /// </summary>
    public static (int Width, int Height, int X, int Y) FitBox(int sourceWidth, int sourceHeight, int outWidth, int outHeight)
    {
        double scale = Math.Min((double)outWidth / sourceWidth, (double)outHeight / sourceHeight);
        int w = Math.Min(outWidth, Even(sourceWidth * scale));
        int h = Math.Min(outHeight, Even(sourceHeight * scale));
        return (w, h, (outWidth - w) / 4 * 2, (outHeight - h) / 4 * 2);
    }

    private static int Even(double v)
    {
        int n = (int)Math.Round(v, MidpointRounding.AwayFromZero);
        return Math.Max(2, n - n % 2);
    }
}
