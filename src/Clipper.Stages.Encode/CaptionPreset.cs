namespace Clipper.Stages.Encode;

/// <summary>How the spoken word shows in a preset's burned-in captions.</summary>
public enum CaptionMotion
{
    /// <summary>The line is up while its words are spoken; the spoken word changes colour (and only colour).</summary>
    Highlight,

    /// <summary>Karaoke: each word fills from left to right with the highlight colour as it is spoken (ASS <c>\kf</c>).</summary>
    Karaoke,

    /// <summary>One or two words at a time that pop in (scaled up from 70 % in 90 ms), the spoken word coloured.</summary>
    Pop,

    /// <summary>The line only, no highlight.</summary>
    Still,
}

/// <summary>
/// A named caption look: the font (and the Debian package that installs it), sizes, colours, outline and position.
/// Sizes are fractions of the output frame so one preset suits every output size: <see cref="FontSize"/> of the
/// frame's shorter side, <see cref="BottomMargin"/> of its height (the bottom of the text sits that far above the
/// bottom edge, clear of the buttons short-video players draw over the lowest 20–25 %), <see cref="SideMargin"/> of
/// its width (the safe area's sides: lines are fitted inside them, and a word too long for them is drawn smaller);
/// <see cref="Outline"/> and <see cref="Shadow"/> are fractions of the font size. Colours are <c>#RRGGBB</c>.
/// <see cref="Alignment"/> is ASS's numpad position (2 bottom centre, 1 bottom left). With <see cref="Box"/> the
/// outline becomes an opaque box of <see cref="OutlineColour"/> behind the line (<see cref="Outline"/> its padding).
/// Lines hold <see cref="MinWordsPerLine"/>–<see cref="MaxWordsPerLine"/> words. The presets are
/// <see cref="CaptionPresets"/>.
/// </summary>
public sealed record CaptionPreset(
    string Name,
    string Description,
    string FontName,
    string FontPackage,
    string? FontsDir,
    double FontSize,
    int Alignment,
    double BottomMargin,
    double SideMargin,
    string TextColour,
    string HighlightColour,
    string OutlineColour,
    double Outline,
    double Shadow,
    bool Box,
    bool Uppercase,
    int MinWordsPerLine,
    int MaxWordsPerLine,
    CaptionMotion Motion)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public CaptionPreset Validate()
    {
        static void Require(bool ok, string message) => EncodeOptions.Require(ok, message);
        Require(!string.IsNullOrWhiteSpace(FontName) && !FontName.Contains(','), $"{Name}: FontName must be a font name without commas, got {FontName}");
        Require(FontSize > 0 && FontSize <= 0.5, $"{Name}: FontSize must be in (0, 0.5], got {FontSize}");
        Require(Alignment is >= 1 and <= 9, $"{Name}: Alignment must be 1..9, got {Alignment}");
        Require(BottomMargin is >= 0 and <= 0.9, $"{Name}: BottomMargin must be 0..0.9, got {BottomMargin}");
        Require(SideMargin is >= 0 and <= 0.4, $"{Name}: SideMargin must be 0..0.4, got {SideMargin}");
        Require(Outline >= 0 && Shadow >= 0, $"{Name}: Outline and Shadow must not be negative");
        // with max >= 2*min-1 every run of at least min words splits into lines of min..max words
        Require(MinWordsPerLine >= 1 && MaxWordsPerLine >= MinWordsPerLine && MaxWordsPerLine >= 2 * MinWordsPerLine - 1,
            $"{Name}: MinWordsPerLine..MaxWordsPerLine must be at least 1 and allow any run to split (max >= 2·min - 1), got {MinWordsPerLine}..{MaxWordsPerLine}");
        AssColour.Parse(TextColour);
        AssColour.Parse(HighlightColour);
        AssColour.Parse(OutlineColour);
        return this;
    }
}

/// <summary>
/// The caption presets, each a documented look (the README shows a frame of each, made by
/// <c>./clipper samples captions</c>). A job names one (<c>--captions</c>); the operator's default is
/// <c>Clipper:Encode:Captions:Preset</c>.
/// </summary>
public static class CaptionPresets
{
    /// <summary>
    /// Today's look: League Spartan Black capitals, white with a thick black outline, two to four words a line at the
    /// bottom centre above the players' buttons, the spoken word yellow.
    /// </summary>
    public static readonly CaptionPreset Bold = new("bold",
        "League Spartan Black capitals, white, thick black outline, the spoken word yellow; 2–4 words a line, bottom centre",
        "League Spartan Black", "fonts-league-spartan", "/usr/share/fonts/opentype/league-spartan",
        FontSize: 0.1, Alignment: 2, BottomMargin: 0.28, SideMargin: 0.06, TextColour: "#FFFFFF", HighlightColour: "#FFE135",
        OutlineColour: "#000000", Outline: 0.085, Shadow: 0.03, Box: false, Uppercase: true, MinWordsPerLine: 2,
        MaxWordsPerLine: 4, Motion: CaptionMotion.Highlight);

    /// <summary>Inter Black in sentence case, white words filling with green as they are spoken (karaoke), black outline.</summary>
    public static readonly CaptionPreset Karaoke = new("karaoke",
        "Inter Black, sentence case, white words that fill with green from left to right as they are spoken; 3–5 words a line, bottom centre",
        "Inter Black", "fonts-inter", "/usr/share/fonts/opentype/inter",
        FontSize: 0.075, Alignment: 2, BottomMargin: 0.28, SideMargin: 0.06, TextColour: "#FFFFFF", HighlightColour: "#2BE36B",
        OutlineColour: "#101010", Outline: 0.08, Shadow: 0, Box: false, Uppercase: false, MinWordsPerLine: 3,
        MaxWordsPerLine: 5, Motion: CaptionMotion.Karaoke);

    /// <summary>Bebas Neue Bold, big, one or two words at a time popping in above the lower quarter, the spoken word cyan.</summary>
    public static readonly CaptionPreset Pop = new("pop",
        "Bebas Neue Bold capitals, big, one or two words at a time that pop in, the spoken word cyan, black outline; centred above the lower quarter",
        "Bebas Neue Bold", "fonts-bebas-neue", "/usr/share/fonts/opentype/bebas-neue",
        FontSize: 0.16, Alignment: 2, BottomMargin: 0.32, SideMargin: 0.08, TextColour: "#FFFFFF", HighlightColour: "#22D3EE",
        OutlineColour: "#000000", Outline: 0.06, Shadow: 0.04, Box: false, Uppercase: true, MinWordsPerLine: 1,
        MaxWordsPerLine: 2, Motion: CaptionMotion.Pop);

    /// <summary>Noto Sans Bold, small, sentence case, white on a dark box at the bottom left; no highlight.</summary>
    public static readonly CaptionPreset LowerThird = new("lower-third",
        "Noto Sans Bold, small, sentence case, white on a dark box at the bottom left (a minimal lower third); no highlight; 3–6 words a line",
        "Noto Sans", "fonts-noto-core", null,
        FontSize: 0.045, Alignment: 1, BottomMargin: 0.27, SideMargin: 0.07, TextColour: "#FFFFFF", HighlightColour: "#FFFFFF",
        OutlineColour: "#14161C", Outline: 0.35, Shadow: 0, Box: true, Uppercase: false, MinWordsPerLine: 3,
        MaxWordsPerLine: 6, Motion: CaptionMotion.Still);

    /// <summary>Every preset, the default first.</summary>
    public static readonly IReadOnlyList<CaptionPreset> All = [Bold, Karaoke, Pop, LowerThird];

    /// <summary>The presets' names, as jobs give them.</summary>
    public static IReadOnlyList<string> Names => [.. All.Select(p => p.Name)];

    /// <summary>The preset of that name (case-insensitive), or null.</summary>
    public static CaptionPreset? Find(string? name) =>
        name is null ? null : All.FirstOrDefault(p => string.Equals(p.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The preset of that name; <see cref="ArgumentException"/> naming the presets otherwise.</summary>
    public static CaptionPreset Get(string name) =>
        Find(name) ?? throw new ArgumentException($"caption preset must be one of {string.Join(", ", Names)}, got '{name}'");
}
