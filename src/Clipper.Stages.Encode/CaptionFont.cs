using System.Text;
using Clipper.Core.Errors;

namespace Clipper.Stages.Encode;

/// <summary>
/// The font the captions will actually be drawn with. libass silently substitutes a font it cannot find, so the
/// encoder checks up front (<see cref="Of"/>): a preset's font is used when a font file in its directory (or in the
/// system font directories, which libass reaches through fontconfig) carries that name, and is otherwise an error
/// naming it (<see cref="ErrorCode.CaptionFontMissing"/>), never a quiet substitute. <see cref="Resolve(string, string?, string)"/>
/// finds a font or its fallback (DejaVu Sans, drawn bold; <see cref="Fallback"/> says so), for the captions whose
/// characters a preset's font has no glyphs for. <see cref="File"/> is the file that will be drawn, read for its glyph
/// advances so lines are fitted to the frame by real widths.
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

    /// <summary>
    /// The preset's font, or <see cref="ErrorCode.CaptionFontMissing"/> naming the font, the preset and the Debian
    /// package that installs it.
    /// </summary>
    public static CaptionFont Of(CaptionPreset preset)
    {
        var font = Resolve(preset.FontName, preset.FontsDir, preset.FontName);
        if (font.File is null)
        {
            throw new ClipperException(ErrorCode.CaptionFontMissing,
                $"the caption font '{preset.FontName}' of the preset '{preset.Name}' is not installed (looked in "
                + $"{(preset.FontsDir is null ? "" : preset.FontsDir + ", ")}{string.Join(", ", SystemFontDirs)}): install the Debian package "
                + $"{preset.FontPackage} (scripts/setup.sh does)");
        }

        return font with { Fallback = false };
    }

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

    /// <summary>
    /// The installed fonts among <paramref name="names"/>, in their order, each by the face libass will draw (the bold one
    /// when the family has it, since the style asks for bold); a name with no font file is left out. One pass over the
    /// system font directories.
    /// </summary>
    public static IReadOnlyList<CaptionFont> Installed(IReadOnlyList<string> names)
    {
        var wanted = names.ToDictionary(n => n.ToLowerInvariant(), n => n);
        var bold = new Dictionary<string, string>();
        var regular = new Dictionary<string, string>();
        foreach (var file in SystemFontDirs.Where(Directory.Exists).SelectMany(FontFiles))
        {
            var fileNames = FontFile.NamesOf(file);
            foreach (var lower in wanted.Keys)
            {
                if (fileNames.Contains(lower + " bold"))
                {
                    bold.TryAdd(lower, file);
                }
                else if (fileNames.Contains(lower))
                {
                    regular.TryAdd(lower, file);
                }
            }
        }

        var output = new List<CaptionFont>();
        foreach (var (lower, name) in wanted)
        {
            var path = bold.GetValueOrDefault(lower) ?? regular.GetValueOrDefault(lower);
            if (path is not null && FontFile.TryRead(path) is { } face)
            {
                output.Add(new CaptionFont(name, null, true) { File = face });
            }
        }

        return output;
    }

    /// <summary>
    /// The characters of <paramref name="text"/> this font has no glyph for, in order, each once. Only letters, marks,
    /// digits and punctuation count (a symbol or emoji the font lacks is drawn by libass from another font or left
    /// out); a font whose file could not be read is taken at its word.
    /// </summary>
    public IReadOnlyList<string> Missing(string text)
    {
        if (File is null)
        {
            return [];
        }

        var missing = new List<string>();
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            bool needed = category is >= System.Globalization.UnicodeCategory.UppercaseLetter and <= System.Globalization.UnicodeCategory.OtherNumber
                or >= System.Globalization.UnicodeCategory.ConnectorPunctuation and <= System.Globalization.UnicodeCategory.OtherPunctuation;
            // the escaping's zero-width characters are format characters (Cf), never needed
            if (needed && !File.Has(rune.Value) && !missing.Contains(rune.ToString()))
            {
                missing.Add(rune.ToString());
            }
        }

        return missing;
    }

    private static IEnumerable<string> FontFiles(string dir)
    {
        try
        {
            return Directory.EnumerateFiles(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4 })
                .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".otf" or ".ttf" or ".ttc" or ".otc")
                .Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return []; // an unreadable directory holds no usable font
        }
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
