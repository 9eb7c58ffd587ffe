package dev.clipper.stage.transcribe;

import dev.clipper.transcript.Transcript;
import dev.clipper.transcript.Word;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the side-car captions that came with the source (SRT or WebVTT, including YouTube's rolling
 * auto-captions). Human captions beat any recogniser we can run offline, so this provider goes first.
 *
 * <p>Words keep their punctuation because the scorer finds sentence ends by it. Word times come from VTT
 * inline timestamps ({@code <00:00:01.200>}) when present; otherwise a cue's time is shared among its words in
 * proportion to their length, which is within a few hundred milliseconds for ordinary speech.
 */
public final class CaptionFileProvider implements TranscriptProvider {
  private static final Logger log = LoggerFactory.getLogger(CaptionFileProvider.class);

  private static final String TS = "(?:(\\d+):)?(\\d{1,2}):(\\d{2})[.,](\\d{1,3})";
  private static final Pattern TIMING = Pattern.compile("^\\s*" + TS + "\\s*-->\\s*" + TS + "(?:\\s.*)?$");
  private static final Pattern INLINE_TS = Pattern.compile("<" + TS + ">");
  private static final Pattern TAG = Pattern.compile("<[^>]*>|\\{\\\\[^}]*}");
  /** Non-speech annotations: [Music], (applause), ♪. */
  private static final Pattern SOUND = Pattern.compile("\\[[^\\]]*]|\\([^)]*\\)|[♪♫]");
  /** Symbols that stand for a spoken word ("&" is "and") rather than punctuation. */
  private static final Set<String> SPOKEN_SYMBOLS = Set.of("&", "%", "$", "€", "£", "+", "=");
  /** The last word of a timestamped segment ends at the next timestamp, which may include a pause. */
  private static final double SECONDS_PER_CHAR = 0.09;

  @Override
  public String name() {
    return "captions";
  }

  @Override
  public boolean needsAudio() {
    return false;
  }

  @Override
  public Optional<Transcript> transcribe(TranscribeRequest request, DoubleConsumer progress) {
    Optional<Path> file = request.captions();
    if (file.isEmpty() || !Files.isRegularFile(file.get())) return Optional.empty();
    String text;
    try {
      text = Files.readString(file.get(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      // a broken side-car file must not fail the job: the recogniser can still do the work
      log.warn("cannot read caption file {}: {}", file.get(), e.toString());
      return Optional.empty();
    }
    List<Word> words = parse(text);
    if (words.isEmpty()) {
      log.warn("caption file {} holds no timed words", file.get());
      return Optional.empty();
    }
    return Optional.of(new Transcript(words, name()));
  }

  /** Parses SRT or WebVTT, told apart by the WEBVTT header. */
  public static List<Word> parse(String text) {
    String t = stripBom(text);
    return t.stripLeading().startsWith("WEBVTT") ? parseVtt(t) : parseSrt(t);
  }

  public static List<Word> parseSrt(String text) {
    return parseCues(stripBom(text));
  }

  public static List<Word> parseVtt(String text) {
    return parseCues(stripBom(text));
  }

  /**
   * Both formats are "timing line, then text lines up to an empty line"; the line just before a timing line is
   * an SRT index or a VTT cue id, never text. Header, NOTE, STYLE and REGION blocks hold no timing line and are
   * skipped by construction.
   */
  private static List<Word> parseCues(String text) {
    String[] lines = text.split("\r\n|\r|\n", -1);
    List<Word> words = new ArrayList<>();
    String lastLine = "";
    for (int i = 0; i < lines.length; i++) {
      Matcher m = TIMING.matcher(lines[i]);
      if (!m.matches()) continue;
      double start = seconds(m, 1);
      double end = seconds(m, 5);
      List<String> cueLines = new ArrayList<>();
      for (int j = i + 1; j < lines.length && !lines[j].isEmpty(); j++) {
        if (TIMING.matcher(lines[j]).matches()) break;
        if (j + 1 < lines.length && TIMING.matcher(lines[j + 1]).matches()) break;
        if (!lines[j].isBlank()) cueLines.add(lines[j]);
      }
      // Rolling captions (YouTube) repeat the previous line on top of the new one: keep only new lines.
      List<String> fresh = new ArrayList<>();
      for (String line : cueLines) {
        String plain = plainText(line);
        if (plain.isEmpty() || plain.equals(lastLine)) continue;
        fresh.add(line);
        lastLine = plain;
      }
      if (fresh.isEmpty() || end <= start) continue;
      addCueWords(String.join(" ", fresh), start, end, words);
    }
    return untangle(words);
  }

  /** Splits a cue at its inline timestamps and times the words of each piece. */
  private static void addCueWords(String raw, double cueStart, double cueEnd, List<Word> out) {
    List<String> pieces = new ArrayList<>();
    List<Double> starts = new ArrayList<>();
    Matcher ts = INLINE_TS.matcher(raw);
    int from = 0;
    double pieceStart = cueStart;
    while (ts.find()) {
      pieces.add(raw.substring(from, ts.start()));
      starts.add(pieceStart);
      pieceStart = Math.max(cueStart, Math.min(cueEnd, seconds(ts, 1)));
      from = ts.end();
    }
    pieces.add(raw.substring(from));
    starts.add(pieceStart);
    boolean timed = pieces.size() > 1;
    for (int p = 0; p < pieces.size(); p++) {
      List<String> tokens = tokens(pieces.get(p));
      if (tokens.isEmpty()) continue;
      double s = starts.get(p);
      double e = p + 1 < pieces.size() ? starts.get(p + 1) : cueEnd;
      if (timed) {
        // a timestamp only says when a word begins; don't let the last word swallow the pause after it
        int chars = tokens.stream().mapToInt(String::length).sum();
        e = Math.min(e, s + 0.15 + SECONDS_PER_CHAR * chars);
      }
      spread(tokens, s, Math.max(s, e), out);
    }
  }

  /** Shares [start, end] among the words in proportion to their length (plus one for the gap after each). */
  private static void spread(List<String> tokens, double start, double end, List<Word> out) {
    double total = 0;
    for (String t : tokens) total += t.length() + 1;
    double at = start;
    double acc = 0;
    for (String t : tokens) {
      acc += t.length() + 1;
      double next = start + (end - start) * acc / total;
      out.add(new Word(t, at, next, 1.0));
      at = next;
    }
  }

  /** Words of a piece of cue text, tags and sound annotations removed; lone punctuation joins the word before. */
  private static List<String> tokens(String raw) {
    List<String> out = new ArrayList<>();
    for (String tok : plainText(raw).split("\\s+")) {
      if (tok.isEmpty()) continue;
      if (tok.codePoints().noneMatch(Character::isLetterOrDigit) && !SPOKEN_SYMBOLS.contains(tok)) {
        if (!out.isEmpty() && tok.matches(".*[.?!;:,].*")) {
          out.set(out.size() - 1, out.get(out.size() - 1) + tok.replaceAll("[^.?!;:,]", ""));
        }
        continue;
      }
      out.add(tok);
    }
    return out;
  }

  /** Cue text as a person reads it: no tags, entities decoded, no speaker arrows or dialogue dashes. */
  static String plainText(String raw) {
    String t = TAG.matcher(raw).replaceAll("");
    t = t.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
        .replace("&#39;", "'").replace("&apos;", "'").replace("&lrm;", "").replace("&rlm;", "")
        .replace("&amp;", "&");
    t = SOUND.matcher(t).replaceAll(" ");
    t = t.replaceAll("^\\s*(>>|-)\\s*", " ").replaceAll("\\s>>\\s", " ");
    return t.replaceAll("\\s+", " ").strip();
  }

  /** Orders words by start and trims overlaps that overlapping cues leave behind. */
  private static List<Word> untangle(List<Word> words) {
    List<Word> sorted = new ArrayList<>(words);
    sorted.sort((a, b) -> Double.compare(a.start(), b.start()));
    List<Word> out = new ArrayList<>(sorted.size());
    for (Word w : sorted) {
      if (!out.isEmpty()) {
        Word prev = out.get(out.size() - 1);
        if (prev.end() > w.start()) {
          out.set(out.size() - 1, new Word(prev.word(), prev.start(), Math.max(prev.start(), w.start()),
              prev.confidence()));
        }
      }
      out.add(w);
    }
    return out;
  }

  private static double seconds(Matcher m, int group) {
    double h = m.group(group) == null ? 0 : Double.parseDouble(m.group(group));
    double min = Double.parseDouble(m.group(group + 1));
    double s = Double.parseDouble(m.group(group + 2));
    String frac = m.group(group + 3);
    double f = Double.parseDouble(frac) / Math.pow(10, frac.length());
    return h * 3600 + min * 60 + s + f;
  }

  private static String stripBom(String text) {
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }
}
