namespace Clipper.Stages.Encode;

/// <summary>
/// How captions look and how words are grouped. Sizes are fractions of the output frame so one set of options
/// suits every output size: <see cref="FontSize"/> of the frame's shorter side, <see cref="BottomMargin"/> of its
/// height (the bottom of the text sits that far above the bottom edge, clear of the buttons short-video players
/// draw over the lowest 20–25 %), <see cref="SideMargin"/> of its width; <see cref="Outline"/> and
/// <see cref="Shadow"/> are fractions of the font size. Colours are <c>#RRGGBB</c>. The spoken word changes
/// colour only (<see cref="HighlightColour"/>): it is never scaled, so the line keeps its layout as the highlight
/// moves.
/// <para>
/// Burned-in lines hold <see cref="MinWordsPerLine"/>–<see cref="MaxWordsPerLine"/> words and fit the frame
/// between the side margins, measured with the font's real glyph advances (<see cref="MaxCharsPerLine"/> &gt; 0
/// caps them by characters instead); SRT/VTT cues hold at most <see cref="CueMaxWords"/> words,
/// <see cref="CueMaxChars"/> characters and <see cref="CueMaxSeconds"/>. A pause of
/// <see cref="PauseBreakSeconds"/> or a sentence end starts a new line or cue; a line stays up
/// <see cref="HoldSeconds"/> after its last word unless the next line starts sooner.
/// </para>
/// </summary>
public sealed class CaptionOptions
{
    public string FallbackFontName { get; set; } = "DejaVu Sans";

    /// <summary>
    /// Fonts tried, in order, for captions whose characters neither the configured font nor the fallback has (Arabic,
    /// Hebrew, Devanagari, Thai, CJK), separated by ';'. DejaVu Sans (the fallback) already covers Latin, Greek and
    /// Cyrillic. The Noto fonts come with Debian's fonts-noto-core, which the setup installs; the CJK one with
    /// fonts-noto-cjk (91 MB installed), which it does not: see the README's Languages section.
    /// </summary>
    public string ScriptFontNames { get; set; } = "Noto Sans Arabic;Noto Sans Hebrew;Noto Sans Devanagari;Noto Sans Thai;Noto Sans CJK SC";

    /// <summary>The names in <see cref="ScriptFontNames"/>.</summary>
    public IReadOnlyList<string> ScriptFonts => ScriptFontNames.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public double FontSize { get; set; } = 0.1;

    public double BottomMargin { get; set; } = 0.28;

    public double SideMargin { get; set; } = 0.06;

    public string TextColour { get; set; } = "#FFFFFF";

    public string HighlightColour { get; set; } = "#FFE135";

    public string OutlineColour { get; set; } = "#000000";

    public double Outline { get; set; } = 0.085;

    public double Shadow { get; set; } = 0.03;

    public bool Uppercase { get; set; } = true;

    public int MinWordsPerLine { get; set; } = 2;

    public int MaxWordsPerLine { get; set; } = 4;

    /// <summary>0 = fit lines to the frame width by measured glyph widths.</summary>
    public int MaxCharsPerLine { get; set; }

    public double HoldSeconds { get; set; } = 0.4;

    public double PauseBreakSeconds { get; set; } = 0.8;

    public int CueMaxWords { get; set; } = 7;

    public int CueMaxChars { get; set; } = 42;

    public double CueMaxSeconds { get; set; } = 5.0;

    public CaptionOptions Validate()
    {
        static void Require(bool ok, string message) => EncodeOptions.Require(ok, message);
        Require(!string.IsNullOrWhiteSpace(FallbackFontName) && !FallbackFontName.Contains(','),
            $"FallbackFontName must be a font name without commas, got {FallbackFontName}");
        Require(ScriptFontNames is not null && !ScriptFontNames.Contains(','), $"ScriptFontNames must be font names separated by ';', got {ScriptFontNames}");
        Require(FontSize > 0 && FontSize <= 0.5, $"FontSize must be in (0, 0.5], got {FontSize}");
        Require(BottomMargin is >= 0 and <= 0.9, $"BottomMargin must be 0..0.9, got {BottomMargin}");
        Require(SideMargin is >= 0 and <= 0.4, $"SideMargin must be 0..0.4, got {SideMargin}");
        Require(Outline >= 0 && Shadow >= 0, "Outline and Shadow must not be negative");
        // with max >= 2*min-1 every run of at least min words splits into lines of min..max words
        Require(MinWordsPerLine >= 1 && MaxWordsPerLine >= MinWordsPerLine && MaxWordsPerLine >= 2 * MinWordsPerLine - 1,
            $"MinWordsPerLine..MaxWordsPerLine must be at least 1 and allow any run to split (max >= 2·min - 1), got {MinWordsPerLine}..{MaxWordsPerLine}");
        Require(MaxCharsPerLine >= 0, "MaxCharsPerLine must not be negative");
        Require(HoldSeconds >= 0 && PauseBreakSeconds > 0, "HoldSeconds must not be negative and PauseBreakSeconds must be positive");
        Require(CueMaxWords >= 1 && CueMaxChars >= 1 && CueMaxSeconds > 0, "CueMaxWords, CueMaxChars and CueMaxSeconds must be positive");
        AssColour.Parse(TextColour);
        AssColour.Parse(HighlightColour);
        AssColour.Parse(OutlineColour);
        return this;
    }
}
