namespace Clipper.Stages.Encode;

/// <summary>
/// How captions are made: the look (<see cref="Preset"/>, the operator's default of <see cref="CaptionPresets"/>; a job may
/// choose another), whether emoji are drawn (<see cref="Emoji"/>, off: emoji in the words are left out of the burned-in
/// lines), and how words are grouped. Burned-in lines hold the preset's number of words and fit the frame between its
/// side margins, measured with the font's real glyph advances (<see cref="MaxCharsPerLine"/> &gt; 0 caps them by
/// characters instead); SRT/VTT cues hold at most <see cref="CueMaxWords"/> words, <see cref="CueMaxChars"/>
/// characters and <see cref="CueMaxSeconds"/>. A pause of <see cref="PauseBreakSeconds"/> or a sentence end starts a
/// new line or cue; a line stays up <see cref="HoldSeconds"/> after its last word unless the next line starts sooner.
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

    /// <summary>The caption preset of jobs that name none (<see cref="CaptionPresets"/>: bold, karaoke, pop, lower-third).</summary>
    public string Preset { get; set; } = CaptionPresets.Bold.Name;

    /// <summary>Whether emoji in the words are drawn; off, they are left out of the burned-in lines (SRT/VTT keep them).</summary>
    public bool Emoji { get; set; }

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
        Require(CaptionPresets.Find(Preset) is not null, $"Preset must be one of {string.Join(", ", CaptionPresets.Names)}, got '{Preset}'");
        Require(MaxCharsPerLine >= 0, "MaxCharsPerLine must not be negative");
        Require(HoldSeconds >= 0 && PauseBreakSeconds > 0, "HoldSeconds must not be negative and PauseBreakSeconds must be positive");
        Require(CueMaxWords >= 1 && CueMaxChars >= 1 && CueMaxSeconds > 0, "CueMaxWords, CueMaxChars and CueMaxSeconds must be positive");
        return this;
    }
}
