namespace Clipper.Stages.Encode;

/// <summary>
/// The font the captions will actually be drawn with. libass silently substitutes a font it cannot find, so the
/// encoder checks up front: the configured font is used when a font file in its directory (or in the system font
/// directories, which libass reaches through fontconfig) carries that name; otherwise the fallback (DejaVu Sans,
/// drawn bold) is used and <see cref="Fallback"/> says so. <see cref="File"/> is the file that will be drawn, read
/// for its glyph advances so lines are fitted to the frame by real widths.
/// </summary>
/// <param name="Name">the family name to put in the ASS style</param>
/// <param name="Dir">the directory to hand to ffmpeg as <c>fontsdir</c>, or null when fontconfig suffices</param>
/// <param name="Fallback">true when the configured font was not found</param>
public sealed record CaptionFont(string Name, string? Dir, bool Fallback)
{
    private static readonly string[] SystemFontDirs = ["/usr/share/fonts", "/usr/local/share/fonts"];

    /// <summary>The font file that will be drawn (for metrics); null when none could be read.</summary>
    internal FontFile? File { get; init; }

    /// <summary>
    /// A generous average advance of a capital letter (spaces included), in em: the estimate used only when the
    /// font file cannot be measured. League Spartan Black capitals measure about 0.4 em, DejaVu Sans Bold's more.
    /// </summary>
    internal double CharWidthEm => Fallback ? 0.62 : 0.45;

    /// <summary>The advance width of <paramref name="text"/> in pixels at ASS font size <paramref name="fontSize"/>.</summary>
    public double Width(string text, double fontSize) =>
        File is { HasMetrics: true } f ? f.Width(text, fontSize) : text.Length * fontSize * CharWidthEm;

    public static CaptionFont Resolve(EncodeOptions options) =>
        Resolve(options.FontName, options.FontsDir, options.Captions.FallbackFontName);

    public static CaptionFont Resolve(string fontName, string? fontsDir, string fallbackName)
    {
        var wanted = fontName.ToLowerInvariant();
        if (fontsDir is not null && Directory.Exists(fontsDir) && FindFont(fontsDir, wanted) is { } local)
        {
            return new CaptionFont(fontName, fontsDir, false) { File = local };
        }

        foreach (var system in SystemFontDirs)
        {
            if (Directory.Exists(system) && FindFont(system, wanted) is { } found)
            {
                return new CaptionFont(fontName, null, false) { File = found };
            }
        }

        // the style asks for bold, so fontconfig hands libass the family's bold face when there is one
        var fallback = fallbackName.ToLowerInvariant();
        FontFile? face = null;
        foreach (var system in SystemFontDirs)
        {
            if (Directory.Exists(system))
            {
                face ??= FindFont(system, fallback + " bold") ?? FindFont(system, fallback);
            }
        }

        return new CaptionFont(fallbackName, null, true) { File = face };
    }

    private static FontFile? FindFont(string dir, string lowerName)
    {
        try
        {
            var files = Directory.EnumerateFiles(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4 })
                .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".otf" or ".ttf" or ".ttc" or ".otc")
                .Order(StringComparer.Ordinal);
            foreach (var f in files)
            {
                if (FontFile.NamesOf(f).Contains(lowerName) && FontFile.TryRead(f) is { } font)
                {
                    return font;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // an unreadable directory holds no usable font
        }

        return null;
    }
}
