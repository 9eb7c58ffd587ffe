package dev.clipper.stage.encode;

import java.nio.file.Path;

/**
 * How captions look and how words are grouped. Sizes are fractions of the output frame so one set of
 * settings suits every output size: {@code fontSize} of the frame's shorter side, {@code bottomMargin} of its
 * height (the bottom of the text sits that far above the bottom edge, clear of the buttons short-video
 * players draw over the lowest 20–25%), {@code sideMargin} of its width; {@code outline} and {@code shadow}
 * are fractions of the font size. Colours are {@code #RRGGBB}.
 *
 * <p>Burned-in lines hold {@code minWordsPerLine}–{@code maxWordsPerLine} words and at most
 * {@code maxCharsPerLine} characters (0 = derived from the frame width and font size); SRT/VTT cues hold at
 * most {@code cueMaxWords} words, {@code cueMaxChars} characters and {@code cueMaxSeconds}. A pause of
 * {@code pauseBreakSeconds} or a sentence end starts a new line or cue; a line stays up {@code holdSeconds}
 * after its last word unless the next line starts sooner.
 */
public record CaptionSettings(
    String fontName,
    Path fontsDir,
    String fallbackFontName,
    double fontSize,
    double bottomMargin,
    double sideMargin,
    String textColour,
    String highlightColour,
    String outlineColour,
    double outline,
    double shadow,
    double highlightScale,
    boolean uppercase,
    int minWordsPerLine,
    int maxWordsPerLine,
    int maxCharsPerLine,
    double holdSeconds,
    double pauseBreakSeconds,
    int cueMaxWords,
    int cueMaxChars,
    double cueMaxSeconds) {

  public static final CaptionSettings DEFAULTS = new CaptionSettings(
      "League Spartan Black", Path.of("/usr/share/fonts/opentype/league-spartan"), "DejaVu Sans",
      0.1, 0.28, 0.06,
      "#FFFFFF", "#FFE135", "#000000", 0.085, 0.03, 1.1, true,
      2, 4, 0, 0.4, 0.8,
      7, 42, 5.0);

  public CaptionSettings {
    // a comma would end the ASS style field early
    if (fontName == null || fontName.isBlank() || fontName.contains(",")) {
      throw new IllegalArgumentException("bad fontName: " + fontName);
    }
    if (fallbackFontName == null || fallbackFontName.isBlank() || fallbackFontName.contains(",")) {
      throw new IllegalArgumentException("fallbackFontName is empty");
    }
    if (fontSize <= 0 || fontSize > 0.5) throw new IllegalArgumentException("fontSize out of range: " + fontSize);
    if (bottomMargin < 0 || bottomMargin > 0.9) {
      throw new IllegalArgumentException("bottomMargin out of range: " + bottomMargin);
    }
    if (sideMargin < 0 || sideMargin > 0.4) throw new IllegalArgumentException("sideMargin out of range: " + sideMargin);
    if (minWordsPerLine < 1 || maxWordsPerLine < minWordsPerLine || maxWordsPerLine < 2 * minWordsPerLine - 1) {
      // with max >= 2*min-1 every run of at least min words splits into lines of min..max words
      throw new IllegalArgumentException("bad words per line: " + minWordsPerLine + ".." + maxWordsPerLine);
    }
    if (cueMaxWords < 1 || cueMaxChars < 1 || cueMaxSeconds <= 0) throw new IllegalArgumentException("bad cue limits");
    AssColour.parse(textColour);
    AssColour.parse(highlightColour);
    AssColour.parse(outlineColour);
  }

  public CaptionSettings withFont(String name, Path dir) {
    return new CaptionSettings(name, dir, fallbackFontName, fontSize, bottomMargin, sideMargin, textColour,
        highlightColour, outlineColour, outline, shadow, highlightScale, uppercase, minWordsPerLine,
        maxWordsPerLine, maxCharsPerLine, holdSeconds, pauseBreakSeconds, cueMaxWords, cueMaxChars, cueMaxSeconds);
  }
}
