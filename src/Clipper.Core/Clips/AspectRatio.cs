using Clipper.Core.Errors;

namespace Clipper.Core.Clips;

/// <summary>
/// A named output shape and its standard size: 9:16 (1080×1920, the default), 1:1 (1080×1080), 4:5 (1080×1350) and
/// 16:9 (1920×1080). A job names one (<c>--ratio</c>, the API's <c>ratio</c>) instead of, or together with, a width and
/// height; <see cref="Size"/> resolves the two and refuses a contradiction.
/// </summary>
public sealed record AspectRatio(string Name, int Width, int Height)
{
    public static readonly AspectRatio Vertical = new("9:16", 1080, 1920);
    public static readonly AspectRatio Square = new("1:1", 1080, 1080);
    public static readonly AspectRatio Portrait = new("4:5", 1080, 1350);
    public static readonly AspectRatio Landscape = new("16:9", 1920, 1080);

    /// <summary>Every named ratio, the default first.</summary>
    public static readonly IReadOnlyList<AspectRatio> All = [Vertical, Square, Portrait, Landscape];

    public static IReadOnlyList<string> Names => [.. All.Select(r => r.Name)];

    /// <summary>The ratio of that name ("9:16"; "9x16" and "9/16" too), or null.</summary>
    public static AspectRatio? Find(string? name) =>
        name is null ? null : All.FirstOrDefault(r => r.Name == name.Trim().Replace('x', ':').Replace('/', ':'));

    /// <summary>True when width×height has this ratio's shape exactly (720×1280 is 9:16).</summary>
    public bool Fits(int width, int height) => (long)width * Height == (long)height * Width;

    /// <summary>
    /// The output size of a job: the named ratio's size; with a width or height given too, that one kept and the other
    /// following from the ratio (rounded to even); without a ratio, the size given (each missing side the default's).
    /// <see cref="ErrorCode.BadOption"/> for a ratio not in <see cref="All"/>, or a width and height of another shape.
    /// </summary>
    /// <param name="width">null or 0 when not given</param>
    /// <param name="height">null or 0 when not given</param>
    public static (int Width, int Height) Size(string? ratio, int? width, int? height)
    {
        int? w = width is null or 0 ? null : width;
        int? h = height is null or 0 ? null : height;
        if (string.IsNullOrWhiteSpace(ratio))
        {
            return (w ?? ClipOptions.Defaults.Width, h ?? ClipOptions.Defaults.Height);
        }

        var r = Find(ratio) ?? throw new ClipperException(ErrorCode.BadOption,
            $"ratio must be one of {string.Join(", ", Names)}, got '{ratio.Trim()}'");
        return (w, h) switch
        {
            ({ } gw, { } gh) when r.Fits(gw, gh) => (gw, gh),
            ({ } gw, { } gh) => throw new ClipperException(ErrorCode.BadOption,
                $"ratio {r.Name} contradicts the size {gw}x{gh} given (a {r.Name} output is {r.Width}x{r.Height}); give one or the other"),
            ({ } gw, null) => (gw, Even((double)gw * r.Height / r.Width)),
            (null, { } gh) => (Even((double)gh * r.Width / r.Height), gh),
            _ => (r.Width, r.Height),
        };
    }

    /// <summary>The most ratios one job may ask for: its main one and three more renditions.</summary>
    public const int MaxRatios = 4;

    /// <summary>
    /// The output sizes of a job that asks for a comma-separated list of ratios ("9:16,1:1"): the first is the clip's
    /// main size (<see cref="Size"/>, the width and height given apply to it), each other one an extra rendition of its
    /// ratio with the main size's shorter side (1080 by default, so 1:1 is 1080×1080 and 16:9 1920×1080: the standard
    /// sizes; a 270×480 main gives a 270×270 1:1). <see cref="ErrorCode.BadOption"/> naming the entry for an empty or unknown one, for a ratio
    /// asked twice (compared by shape once resolved: "9:16,9x16" and a 720x1280 main with "9:16" are the same), and for
    /// more than <see cref="MaxRatios"/>.
    /// </summary>
    public static IReadOnlyList<(int Width, int Height)> Sizes(string? ratios, int? width, int? height)
    {
        if (string.IsNullOrWhiteSpace(ratios) || !ratios.Contains(','))
        {
            return [Size(ratios, width, height)];
        }

        var entries = ratios.Split(',');
        if (entries.Length > MaxRatios)
        {
            throw new ClipperException(ErrorCode.BadOption, $"ratio takes at most {MaxRatios} ratios, got {entries.Length} ('{ratios.Trim()}')");
        }

        var sizes = new List<(int Width, int Height)>();
        foreach (var entry in entries)
        {
            if (string.IsNullOrWhiteSpace(entry))
            {
                throw new ClipperException(ErrorCode.BadOption, $"ratio has an empty entry in '{ratios.Trim()}'");
            }

            var size = sizes.Count == 0 ? Size(entry, width, height) : Rendition(entry, sizes[0]);
            if (sizes.Any(s => NameOf(s.Width, s.Height) == NameOf(size.Width, size.Height)))
            {
                throw new ClipperException(ErrorCode.BadOption, $"ratio {NameOf(size.Width, size.Height)} is asked twice in '{ratios.Trim()}'");
            }

            sizes.Add(size);
        }

        return sizes;
    }

    /// <summary>The size of ratio <paramref name="name"/> whose shorter side is <paramref name="main"/>'s.</summary>
    private static (int Width, int Height) Rendition(string name, (int Width, int Height) main)
    {
        var r = Find(name) ?? throw new ClipperException(ErrorCode.BadOption,
            $"ratio must be one of {string.Join(", ", Names)}, got '{name.Trim()}'");
        int shorter = Math.Min(main.Width, main.Height);
        return r.Width <= r.Height ? Size(r.Name, shorter, null) : Size(r.Name, null, shorter);
    }

    /// <summary>The name of a size's shape: a named ratio's ("9:16" for 1080×1920 or 720×1280), else width:height reduced.</summary>
    public static string NameOf(int width, int height)
    {
        if (All.FirstOrDefault(r => r.Fits(width, height)) is { } named)
        {
            return named.Name;
        }

        int a = Math.Abs(width), b = Math.Abs(height);
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a == 0 ? $"{width}:{height}" : $"{width / a}:{height / a}";
    }

    private static int Even(double v)
    {
        int n = (int)Math.Round(v, MidpointRounding.AwayFromZero);
        return n - n % 2;
    }
}
