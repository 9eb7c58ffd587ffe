package dev.clipper.stage.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.process.ProcessRunner;
import dev.clipper.transcript.Word;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionsTest {
  private static final CaptionSettings S = CaptionSettings.DEFAULTS;
  private static final double CLIP_START = 100;
  private static final double CLIP_END = 120;

  /** A transcript around the clip [100, 120): one word before it, one straddling each edge, one after. */
  private static final List<Word> SOURCE = List.of(
      w("So", 99.2, 99.5),
      w("Here", 99.9, 100.3), w("is", 100.35, 100.5), w("the", 100.55, 100.7), w("first", 100.75, 101.1),
      w("sentence.", 101.15, 101.8),
      w("Now", 103.0, 103.3), w("we", 103.35, 103.5), w("talk", 103.55, 103.9), w("about", 103.95, 104.3),
      w("information", 104.35, 105.0), w("density,", 105.05, 105.6), w("emotion", 105.65, 106.1),
      w("and", 106.15, 106.3), w("hooks", 106.35, 106.8), w("that", 106.85, 107.0), w("grab", 107.05, 107.4),
      w("attention.", 107.45, 108.2), w("Yes!", 108.3, 108.7),
      w("end", 119.8, 120.3));

  private static Word w(String text, double start, double end) {
    return new Word(text, start, end, 0.9);
  }

  private static Captions clip() {
    return Captions.forClip(SOURCE, CLIP_START, CLIP_END);
  }

  @Test
  void wordsAreShiftedToClipTimeAndThoseMostlyOutsideTheClipAreDropped() {
    Captions c = clip();
    assertEquals("Here", c.words().get(0).word());
    assertEquals(0.0, c.words().get(0).start(), 1e-9, "a word straddling the start is clamped to 0");
    assertEquals(0.3, c.words().get(0).end(), 1e-9);
    assertEquals("Yes!", c.words().get(c.words().size() - 1).word(), "'end' is mostly after the clip");
    assertEquals(18, c.words().size());
    assertEquals(20.0, c.duration(), 1e-9);
  }

  @Test
  void srtHasNumberedCuesWithCommaMillisecondsRelativeToTheClipStart() {
    String expected = """
        1
        00:00:00,000 --> 00:00:01,800
        Here is the first sentence.

        2
        00:00:03,000 --> 00:00:05,600
        Now we talk about information density,

        3
        00:00:05,650 --> 00:00:08,200
        emotion and hooks that grab attention.

        4
        00:00:08,300 --> 00:00:09,000
        Yes!

        """;
    assertEquals(expected, clip().srt(S));
  }

  @Test
  void vttHasTheHeaderDotMillisecondsAndEscapedText() {
    List<Word> words = List.of(w("Fish", 10.0, 10.4), w("&", 10.5, 10.6), w("<chips>", 10.7, 11.3));
    String vtt = Captions.forClip(words, 9.5, 15).vtt(S);
    assertEquals("WEBVTT\n\n00:00:00.500 --> 00:00:01.800\nFish &amp; &lt;chips&gt;\n\n", vtt);
  }

  @Test
  void timestampsCountHoursAndRoundToTheMillisecond() {
    assertEquals("01:02:05,500", Captions.timestamp(3725.4996, ','));
    assertEquals("00:00:59.999", Captions.timestamp(59.9994, '.'));
    assertEquals("0:01:02.05", Captions.assTime(Captions.centis(62.049)));
    assertEquals("1:00:00.00", Captions.assTime(Captions.centis(3600)));
  }

  @Test
  void cuesOfALongTalkStayWithinTheLimitsAndNeverOverlap() {
    List<Word> words = new ArrayList<>();
    String[] text = ("the quick brown fox jumps over the lazy dog while seven extraordinarily talkative "
        + "parrots recite the entire alphabet backwards without pausing for breath at all").split(" ");
    double t = 50;
    for (String s : text) {
      words.add(w(s, t, t + 0.3));
      t += 0.35;
    }
    List<Captions.Cue> cues = Captions.forClip(words, 50, 70).cues(S);
    Pattern srtCue = Pattern.compile("\\d+\\n\\d\\d:\\d\\d:\\d\\d,\\d{3} --> \\d\\d:\\d\\d:\\d\\d,\\d{3}\\n[^\\n]+\\n");
    String srt = Captions.forClip(words, 50, 70).srt(S);
    assertEquals(cues.size(), srt.split("\n\n").length);
    for (String block : srt.split("\n\n")) assertTrue(srtCue.matcher(block + "\n").matches(), block);
    double lastEnd = 0;
    int total = 0;
    for (Captions.Cue c : cues) {
      assertTrue(c.words().size() <= S.cueMaxWords(), c.text());
      assertTrue(c.text().length() <= S.cueMaxChars(), c.text());
      assertTrue(c.end() - c.start() <= S.cueMaxSeconds(), c.text());
      assertTrue(c.start() >= lastEnd, "cues overlap at " + c.text());
      assertTrue(c.end() > c.start());
      assertEquals(c.words().get(0).start(), c.start(), 1e-9, "a cue starts with its first word");
      lastEnd = c.end();
      total += c.words().size();
    }
    assertEquals(text.length, total, "every word is in exactly one cue");
  }

  /** One parsed Dialogue event. */
  record Event(long start, long end, String highlighted, List<String> lineWords) {}

  private static final Pattern DIALOGUE =
      Pattern.compile("^Dialogue: 0,(\\d+):(\\d\\d):(\\d\\d)\\.(\\d\\d),(\\d+):(\\d\\d):(\\d\\d)\\.(\\d\\d),Caption,,0,0,0,,(.*)$");
  private static final Pattern HIGHLIGHT = Pattern.compile("\\{\\\\c&H00([0-9A-F]{6})&\\\\fscx110\\\\fscy110}(.*?)\\{\\\\r}");

  static List<Event> events(String ass) {
    List<Event> out = new ArrayList<>();
    for (String line : ass.split("\n")) {
      Matcher m = DIALOGUE.matcher(line);
      if (!m.matches()) continue;
      long start = centis(m, 1);
      long end = centis(m, 5);
      String text = m.group(9);
      Matcher h = HIGHLIGHT.matcher(text);
      assertTrue(h.find(), "no highlighted word in " + text);
      assertEquals("35E1FF", h.group(1), "highlight colour (BGR of #FFE135)");
      String highlighted = h.group(2);
      assertFalse(h.find(), "two highlighted words in " + text);
      List<String> words = List.of(text.replaceAll("\\{\\\\[^}]*}", "").split(" "));
      out.add(new Event(start, end, highlighted, words));
    }
    return out;
  }

  private static long centis(Matcher m, int group) {
    return ((Long.parseLong(m.group(group)) * 60 + Long.parseLong(m.group(group + 1))) * 60
        + Long.parseLong(m.group(group + 2))) * 100 + Long.parseLong(m.group(group + 3));
  }

  @Test
  void assHighlightsEachWordFromItsStartUntilTheNextWordStarts() {
    Captions c = clip();
    List<Event> events = events(c.ass(1080, 1920, S, CaptionFont.resolve(S)));
    assertEquals(c.words().size(), events.size(), "one event per word");
    for (int i = 0; i < events.size(); i++) {
      Word word = c.words().get(i);
      Event e = events.get(i);
      assertEquals(word.word().toUpperCase(Locale.ROOT), e.highlighted());
      assertEquals(Math.round(word.start() * 100), e.start(), "highlight switches at the word's start: " + word);
      assertTrue(e.end() >= Math.round(word.end() * 100), "highlight lasts the whole word: " + word);
      if (i + 1 < events.size()) {
        assertTrue(e.end() <= events.get(i + 1).start(), "events overlap at " + word);
      }
      // at every moment inside the word's span, exactly this event is showing
      for (double t = word.start() + 0.01; t < word.end(); t += 0.05) {
        long at = Math.round(t * 100);
        List<Event> showing = events.stream().filter(x -> x.start() <= at && at < x.end()).toList();
        assertEquals(1, showing.size(), "events showing at " + t);
        assertEquals(e, showing.get(0));
      }
    }
    // inside a line the highlight hands over without a gap
    Event here = events.get(0);
    Event is = events.get(1);
    assertEquals(here.lineWords(), is.lineWords());
    assertEquals(here.end(), is.start());
  }

  @Test
  void assLinesHoldTwoToFourWordsThatFitTheFrame() {
    Captions c = clip();
    CaptionFont font = CaptionFont.resolve(S);
    int maxChars = Captions.maxCharsPerLine(1080, 1920, S, font);
    assertTrue(maxChars >= 14 && maxChars <= 22, "chars per line at 1080 wide: " + maxChars);
    List<Captions.Line> lines = c.lines(S, maxChars);
    int total = 0;
    for (Captions.Line line : lines) {
      int n = line.words().size();
      assertTrue(n >= 2 && n <= 4, "line of " + n + " words: " + Captions.join(line.words()));
      assertTrue(Captions.join(line.words()).length() <= maxChars, Captions.join(line.words()));
      total += n;
    }
    assertEquals(c.words().size(), total);
    // the one-word sentence "Yes!" joined the line before it instead of standing alone
    assertEquals("YES!", lastWord(lines.get(lines.size() - 1)));
    for (Event e : events(c.ass(1080, 1920, S, font))) {
      assertTrue(e.lineWords().size() >= 2 && e.lineWords().size() <= 4, e.lineWords().toString());
    }
  }

  private static String lastWord(Captions.Line line) {
    return line.words().get(line.words().size() - 1).word();
  }

  @Test
  void assStyleIsBoldBigCentredAndAboveTheBottomQuarter() {
    String ass = clip().ass(1080, 1920, S, CaptionFont.resolve(S));
    assertTrue(ass.contains("PlayResX: 1080\n") && ass.contains("PlayResY: 1920\n"), ass);
    Matcher style = Pattern.compile("(?m)^Style: Caption,([^,]+),(\\d+),(?:[^,]*,){4}(-?\\d),(?:[^,]*,){10}(\\d),"
        + "(\\d+),(\\d+),(\\d+),1$").matcher(ass);
    assertTrue(style.find(), ass);
    assertEquals("League Spartan Black", style.group(1));
    int size = Integer.parseInt(style.group(2));
    assertTrue(size >= 80 && size <= 120, "font size " + size);
    assertEquals("-1", style.group(3), "bold");
    assertEquals("2", style.group(4), "bottom centre alignment");
    int marginV = Integer.parseInt(style.group(7));
    assertTrue(marginV >= 0.25 * 1920 && marginV <= 0.35 * 1920, "bottom margin " + marginV);
  }

  @Test
  void assEscapesBracesAndBackslashesInWords() {
    List<Word> words = List.of(w("{\\an8}odd", 1.0, 1.4), w("back\\nslash", 1.5, 2.0));
    String ass = Captions.forClip(words, 0, 5).ass(360, 640, S, CaptionFont.resolve(S));
    assertTrue(ass.contains("\\{\\\u2060AN8\\}ODD"), ass);
    assertTrue(ass.contains("BACK\\\u2060NSLASH"), ass);
    assertFalse(ass.contains("{\\AN8}"), ass);
  }

  @Test
  void aMissingFontFallsBackToDejaVuSans() {
    CaptionSettings missing = S.withFont("No Such Font Black", Path.of("/nonexistent/fonts"));
    CaptionFont font = CaptionFont.resolve(missing);
    assertTrue(font.fallback());
    assertEquals("DejaVu Sans", font.name());
    assertTrue(Captions.forClip(SOURCE, CLIP_START, CLIP_END).ass(1080, 1920, missing, font)
        .contains("Style: Caption,DejaVu Sans,"));
    CaptionFont spartan = CaptionFont.resolve(S);
    assertFalse(spartan.fallback());
    assertEquals(S.fontsDir(), spartan.dir());
  }

  @TempDir Path dir;

  @Test
  void libassDrawsWithLeagueSpartanBlackOrTheBoldFallback() throws Exception {
    assertTrue(fontSelected(S).contains("LeagueSpartan-Black"), fontSelected(S));
    CaptionSettings missing = S.withFont("No Such Font Black", Path.of("/nonexistent/fonts"));
    assertTrue(fontSelected(missing).contains("DejaVuSans-Bold"), fontSelected(missing));
  }

  /** Renders the script with ffmpeg and returns libass's "fontselect" log lines. */
  private String fontSelected(CaptionSettings s) throws Exception {
    CaptionFont font = CaptionFont.resolve(s);
    Path ass = dir.resolve("c" + System.nanoTime() + ".ass");
    Files.writeString(ass, clip().ass(360, 640, s, font));
    String filter = "ass=filename=" + ClipEncoder.filterValue(ass.toString())
        + (font.dir() == null ? "" : ":fontsdir=" + ClipEncoder.filterValue(font.dir().toString()));
    List<String> selected = java.util.Collections.synchronizedList(new ArrayList<>());
    ProcessRunner.Result r = ProcessRunner.run(List.of("ffmpeg", "-nostdin", "-v", "verbose", "-f", "lavfi", "-i",
        "color=c=gray:s=360x640:d=0.5", "-vf", filter, "-f", "null", "-"), Duration.ofSeconds(60), null,
        line -> {
          if (line.contains("fontselect")) selected.add(line);
        });
    assertEquals(0, r.exitCode(), r.stderrTail());
    return String.join("\n", selected);
  }
}
