package dev.clipper.stage.encode;

import dev.clipper.transcript.Word;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The words of one clip, with times in seconds from the clip's start, and the caption files made from them:
 * SRT and WebVTT cues of a few words, and an ASS script for burning in that shows lines of a few words with
 * the word being spoken highlighted.
 *
 * @param words the clip's words, in order, times relative to the clip start and within [0, duration]
 * @param duration the clip's length in seconds
 */
public record Captions(List<Word> words, double duration) {
  private static final String STYLE = "Caption";

  public Captions {
    words = List.copyOf(words);
  }

  /** A subtitle cue (SRT/VTT), clip-relative. */
  public record Cue(double start, double end, List<Word> words) {
    public String text() {
      return join(words);
    }
  }

  /** A burned-in caption line, shown from {@code start} to {@code end}, clip-relative. */
  public record Line(double start, double end, List<Word> words) {}

  /**
   * Takes the words of a source transcript that belong to the clip [clipStart, clipEnd) — those whose middle
   * falls inside it, so a word cut by the clip's edge is kept only when most of it is heard — and shifts
   * them to clip time, clamped to the clip. Whitespace inside a word is collapsed.
   */
  public static Captions forClip(List<Word> sourceWords, double clipStart, double clipEnd) {
    if (!(clipEnd > clipStart)) throw new IllegalArgumentException("clip ends before it starts");
    double duration = clipEnd - clipStart;
    List<Word> out = new ArrayList<>();
    for (Word w : sourceWords) {
      double middle = (w.start() + w.end()) / 2;
      if (middle < clipStart || middle >= clipEnd) continue;
      String text = w.word().strip().replaceAll("\\s+", " ");
      double start = Math.max(0, w.start() - clipStart);
      double end = Math.min(duration, w.end() - clipStart);
      out.add(new Word(text, start, Math.max(start, end), w.confidence()));
    }
    out.sort(Comparator.comparingDouble(Word::start));
    return new Captions(out, duration);
  }

  // ---- SRT / WebVTT -------------------------------------------------------------------------------------

  /** Cues for SRT/VTT: sentence- and pause-aware groups within the cue limits; never overlapping. */
  public List<Cue> cues(CaptionSettings s) {
    List<List<Word>> groups = partition(words, 1, s.cueMaxWords(), s.cueMaxChars(), s.cueMaxSeconds(),
        s.pauseBreakSeconds());
    List<Cue> cues = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      List<Word> g = groups.get(i);
      double start = g.get(0).start();
      double limit = i + 1 < groups.size() ? groups.get(i + 1).get(0).start() : duration;
      // a very short cue is unreadable: keep it up to 0.7 s when the next one leaves room
      double end = Math.min(Math.max(g.get(g.size() - 1).end(), start + 0.7), limit);
      if (end <= start) end = Math.min(start + 0.01, duration);
      cues.add(new Cue(start, end, g));
    }
    return cues;
  }

  public String srt(CaptionSettings s) {
    StringBuilder sb = new StringBuilder();
    int n = 1;
    for (Cue c : cues(s)) {
      sb.append(n++).append('\n')
          .append(timestamp(c.start(), ',')).append(" --> ").append(timestamp(c.end(), ',')).append('\n')
          .append(c.text().replace("-->", "->")).append("\n\n");
    }
    return sb.toString();
  }

  public String vtt(CaptionSettings s) {
    StringBuilder sb = new StringBuilder("WEBVTT\n\n");
    for (Cue c : cues(s)) {
      sb.append(timestamp(c.start(), '.')).append(" --> ").append(timestamp(c.end(), '.')).append('\n')
          .append(c.text().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")).append("\n\n");
    }
    return sb.toString();
  }

  /** {@code HH:MM:SS,mmm} (SRT) or {@code HH:MM:SS.mmm} (VTT). */
  static String timestamp(double seconds, char separator) {
    long ms = Math.round(Math.max(0, seconds) * 1000);
    return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60,
        separator, ms % 1000);
  }

  // ---- ASS (burned in) ----------------------------------------------------------------------------------

  /**
   * The burned-in lines: {@code minWordsPerLine}–{@code maxWordsPerLine} words each (unless the clip has
   * fewer words), at most {@code maxChars} characters where the words allow, breaking at sentence ends and
   * pauses. A line is up from its first word's start until {@code holdSeconds} after its last word's end, or
   * until the next line starts.
   */
  public List<Line> lines(CaptionSettings s, int maxChars) {
    List<List<Word>> groups = partition(displayWords(s), s.minWordsPerLine(), s.maxWordsPerLine(), maxChars,
        Double.MAX_VALUE, s.pauseBreakSeconds());
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      List<Word> g = groups.get(i);
      double next = i + 1 < groups.size() ? groups.get(i + 1).get(0).start() : duration;
      // never past the next line's start: two lines up at once would be stacked by libass
      double end = Math.min(g.get(g.size() - 1).end() + s.holdSeconds(), Math.min(next, duration));
      lines.add(new Line(g.get(0).start(), end, g));
    }
    return lines;
  }

  /** Characters that fit on one burned-in line at this output size: configured, or derived from the font. */
  public static int maxCharsPerLine(int width, int height, CaptionSettings s, CaptionFont font) {
    if (s.maxCharsPerLine() > 0) return s.maxCharsPerLine();
    double usable = width * (1 - 2 * s.sideMargin());
    double perChar = fontPixels(width, height, s) * s.highlightScale() * font.charWidthEm();
    return Math.max(8, (int) Math.floor(usable / perChar));
  }

  static int fontPixels(int width, int height, CaptionSettings s) {
    return (int) Math.round(Math.min(width, height) * s.fontSize());
  }

  /**
   * An ASS script for a {@code width}×{@code height} output. Each line is cut into one Dialogue event per
   * word: the event for word i runs from word i's start to word i+1's start (the last to the line's end) and
   * draws the whole line with word i in the highlight colour, a little larger. So the highlight moves exactly
   * at each word's start, and between words the last spoken word stays lit.
   */
  public String ass(int width, int height, CaptionSettings s, CaptionFont font) {
    int fontPx = fontPixels(width, height, s);
    int outline = Math.max(1, (int) Math.round(fontPx * s.outline()));
    int shadow = (int) Math.round(fontPx * s.shadow());
    int side = (int) Math.round(width * s.sideMargin());
    int bottom = (int) Math.round(height * s.bottomMargin());
    String text = AssColour.parse(s.textColour());
    String outlineColour = AssColour.parse(s.outlineColour());
    String shadowColour = AssColour.withAlpha(s.outlineColour(), 0x80);
    int scale = (int) Math.round(s.highlightScale() * 100);
    String highlight = "{\\c" + AssColour.parse(s.highlightColour()) + "&\\fscx" + scale + "\\fscy" + scale + "}";

    StringBuilder sb = new StringBuilder();
    sb.append("[Script Info]\n")
        .append("; Clipper captions: one event per spoken word, the current word highlighted\n")
        .append("ScriptType: v4.00+\n")
        .append("PlayResX: ").append(width).append('\n')
        .append("PlayResY: ").append(height).append('\n')
        .append("WrapStyle: 0\n")
        .append("ScaledBorderAndShadow: yes\n\n")
        .append("[V4+ Styles]\n")
        .append("Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, ")
        .append("Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, ")
        .append("Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n")
        // Bold -1: the Black weight needs no synthetic bolding, and the fallback is drawn as DejaVu Sans Bold
        .append(String.format(Locale.ROOT, "Style: %s,%s,%d,%s,%s,%s,%s,-1,0,0,0,100,100,0,0,1,%d,%d,2,%d,%d,%d,1%n",
            STYLE, font.name(), fontPx, text, text, outlineColour, shadowColour, outline, shadow, side, side,
            bottom))
        .append("\n[Events]\n")
        .append("Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n");
    for (Line line : lines(s, maxCharsPerLine(width, height, s, font))) {
      List<Word> ws = line.words();
      for (int i = 0; i < ws.size(); i++) {
        long from = centis(ws.get(i).start());
        long to = centis(i + 1 < ws.size() ? ws.get(i + 1).start() : line.end());
        if (to <= from) continue; // two words in the same centisecond: the later one wins
        StringBuilder t = new StringBuilder();
        for (int j = 0; j < ws.size(); j++) {
          if (j > 0) t.append(' ');
          String w = escapeAss(ws.get(j).word());
          if (j == i) {
            t.append(highlight).append(w).append("{\\r}");
          } else {
            t.append(w);
          }
        }
        sb.append("Dialogue: 0,").append(assTime(from)).append(',').append(assTime(to)).append(',').append(STYLE)
            .append(",,0,0,0,,").append(t).append('\n');
      }
    }
    return sb.toString();
  }

  private List<Word> displayWords(CaptionSettings s) {
    if (!s.uppercase()) return words;
    return words.stream()
        .map(w -> new Word(w.word().toUpperCase(Locale.ROOT), w.start(), w.end(), w.confidence()))
        .toList();
  }

  /**
   * Makes a word literal in ASS text: braces would open an override block, and a backslash followed by
   * n, N or h would become a line break or hard space, so a word joiner (U+2060, invisible) follows it.
   */
  static String escapeAss(String word) {
    StringBuilder sb = new StringBuilder();
    for (char c : word.toCharArray()) {
      switch (c) {
        case '{' -> sb.append("\\{");
        case '}' -> sb.append("\\}");
        case '\\' -> sb.append("\\\u2060");
        case '\n', '\r' -> sb.append(' ');
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  static long centis(double seconds) {
    return Math.round(Math.max(0, seconds) * 100);
  }

  /** ASS time: {@code H:MM:SS.cc}. */
  static String assTime(long centis) {
    return String.format(Locale.ROOT, "%d:%02d:%02d.%02d", centis / 360_000, centis / 6000 % 60, centis / 100 % 60,
        centis % 100);
  }

  // ---- grouping -----------------------------------------------------------------------------------------

  /**
   * Splits words into groups of minWords..maxWords. A sentence end or a pause of {@code pauseBreak} always
   * ends a group, except that a run too short to stand alone joins the neighbour it is closer to in time.
   * Within a run the split is the one with the fewest groups that respects {@code maxChars} and
   * {@code maxSeconds} as far as it can (overflows are penalised, not forbidden, so a long word still gets a
   * line), preferring evenly filled groups.
   */
  static List<List<Word>> partition(List<Word> words, int minWords, int maxWords, int maxChars, double maxSeconds,
      double pauseBreak) {
    List<List<Word>> runs = new ArrayList<>();
    List<Word> current = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      Word w = words.get(i);
      if (!current.isEmpty()) {
        Word prev = current.get(current.size() - 1);
        if (endsSentence(prev.word()) || w.start() - prev.end() >= pauseBreak) {
          runs.add(current);
          current = new ArrayList<>();
        }
      }
      current.add(w);
    }
    if (!current.isEmpty()) runs.add(current);
    mergeShortRuns(runs, minWords);

    List<List<Word>> groups = new ArrayList<>();
    for (List<Word> run : runs) groups.addAll(split(run, minWords, maxWords, maxChars, maxSeconds));
    return groups;
  }

  private static void mergeShortRuns(List<List<Word>> runs, int minWords) {
    boolean merged = true;
    while (merged && runs.size() > 1) {
      merged = false;
      for (int i = 0; i < runs.size(); i++) {
        if (runs.get(i).size() >= minWords) continue;
        double gapBefore = i > 0 ? gap(runs.get(i - 1), runs.get(i)) : Double.MAX_VALUE;
        double gapAfter = i + 1 < runs.size() ? gap(runs.get(i), runs.get(i + 1)) : Double.MAX_VALUE;
        int into = gapBefore <= gapAfter ? i - 1 : i + 1;
        List<Word> joined = new ArrayList<>(runs.get(Math.min(i, into)));
        joined.addAll(runs.get(Math.max(i, into)));
        runs.set(Math.min(i, into), joined);
        runs.remove(Math.max(i, into));
        merged = true;
        break;
      }
    }
  }

  private static double gap(List<Word> before, List<Word> after) {
    return after.get(0).start() - before.get(before.size() - 1).end();
  }

  /** Dynamic programming over split points; every group has minWords..maxWords words when the run allows. */
  private static List<List<Word>> split(List<Word> run, int minWords, int maxWords, int maxChars,
      double maxSeconds) {
    int n = run.size();
    if (n <= minWords) return List.of(List.copyOf(run));
    double[] best = new double[n + 1];
    int[] take = new int[n + 1];
    java.util.Arrays.fill(best, Double.MAX_VALUE);
    best[0] = 0;
    for (int i = 1; i <= n; i++) {
      for (int k = maxWords; k >= minWords; k--) {
        if (k > i || best[i - k] == Double.MAX_VALUE) continue;
        double c = best[i - k] + cost(run.subList(i - k, i), maxWords, maxChars, maxSeconds);
        if (c < best[i]) {
          best[i] = c;
          take[i] = k;
        }
      }
    }
    List<List<Word>> out = new ArrayList<>();
    for (int i = n; i > 0; i -= take[i]) out.add(0, List.copyOf(run.subList(i - take[i], i)));
    return out;
  }

  /** One per group (fewest groups first), overflow heavily penalised, a small term for uneven groups. */
  private static double cost(List<Word> group, int maxWords, int maxChars, double maxSeconds) {
    int chars = join(group).length();
    double seconds = group.get(group.size() - 1).end() - group.get(0).start();
    int slack = maxWords - group.size();
    return 1 + 10.0 * Math.max(0, chars - maxChars) + 10.0 * Math.max(0, seconds - maxSeconds)
        + 0.5 * slack * slack / (double) (maxWords * maxWords);
  }

  private static boolean endsSentence(String word) {
    String w = word.replaceAll("[\"'”’)\\]]+$", "");
    return w.endsWith(".") || w.endsWith("!") || w.endsWith("?") || w.endsWith("…");
  }

  static String join(List<Word> ws) {
    StringBuilder sb = new StringBuilder();
    for (Word w : ws) {
      if (sb.length() > 0) sb.append(' ');
      sb.append(w.word());
    }
    return sb.toString();
  }
}
