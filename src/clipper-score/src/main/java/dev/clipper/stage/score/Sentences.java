package dev.clipper.stage.score;

import dev.clipper.transcript.Word;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cuts a transcript into sentences: by terminal punctuation when the words carry it (captions), otherwise by
 * pauses (the offline recogniser prints none).
 *
 * <p>The pause threshold adapts to the speaker. Pauses between words fall into two groups, the short ones
 * inside sentences and the long ones between them; on a log scale (pause lengths differ by ratios: 0.1 s
 * against 0.2 s is as different as 0.5 s against 1 s) Otsu's method finds the cut that best separates the two
 * groups. Words that touch are not pauses and are left out. On the sample videos the pauses are 0.04–0.25 s
 * inside sentences and 0.8–1.0 s between them, and the cut lands near 0.4 s. When the pauses form one group
 * rather than two, the lower clamp is the threshold. The result is clamped to
 * [{@link ScoreSettings#minPauseSeconds()}, {@link ScoreSettings#maxPauseSeconds()}] so that a speaker who
 * never pauses long is not cut at every breath, and one who pauses long everywhere still gets sentences.
 */
public final class Sentences {
  /** Abbreviations whose full stop does not end a sentence. */
  private static final Set<String> ABBREVIATIONS = Set.of("mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "e.g",
      "i.e", "jr", "sr", "inc", "ltd", "co", "no", "approx", "dept", "est", "fig", "mt", "u.s", "a.m", "p.m");
  /** Gaps shorter than this are words running into each other, not pauses. */
  private static final double MIN_PAUSE = 0.05;

  private Sentences() {}

  /** The sentences and how they were found: by punctuation, or by pauses of at least {@code pauseThreshold} s. */
  public record Split(List<Sentence> sentences, boolean byPunctuation, double pauseThreshold) {}

  /**
   * Splits words (in time order) into sentences no longer than {@code maxSentenceSeconds}; longer ones are cut
   * at their longest pause and marked not closed. In punctuation mode, a pause of twice the upper pause clamp
   * also ends a sentence (captions of music or cut-away scenes leave such gaps), marked not closed.
   */
  public static Split split(List<Word> words, ScoreSettings settings, double maxSentenceSeconds) {
    if (words.isEmpty()) return new Split(List.of(), false, settings.maxPauseSeconds());
    boolean punctuated = usesPunctuation(words);
    double threshold = punctuated ? 2 * settings.maxPauseSeconds() : pauseThreshold(words, settings);
    List<Sentence> out = new ArrayList<>();
    List<Word> current = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      Word w = words.get(i);
      current.add(w);
      boolean last = i + 1 == words.size();
      boolean pause = !last && words.get(i + 1).start() - w.end() >= threshold;
      boolean marked = punctuated && isSentenceEnd(w.word());
      if (last || pause || marked) {
        boolean closed = last || marked || !punctuated;
        splitLong(current, closed, maxSentenceSeconds, out);
        current = new ArrayList<>();
      }
    }
    return new Split(out, punctuated, threshold);
  }

  /** Adds the sentence, cut at its longest internal pause (recursively) while it is longer than allowed. */
  private static void splitLong(List<Word> words, boolean closed, double maxSeconds, List<Sentence> out) {
    double length = words.get(words.size() - 1).end() - words.get(0).start();
    if (length <= maxSeconds || words.size() < 2) {
      out.add(new Sentence(words, closed));
      return;
    }
    int cut = 1;
    double best = Double.NEGATIVE_INFINITY;
    double middle = (words.get(0).start() + words.get(words.size() - 1).end()) / 2;
    for (int i = 1; i < words.size(); i++) {
      double gap = words.get(i).start() - words.get(i - 1).end();
      // among near-equal pauses, prefer the one nearest the middle so the pieces come out balanced
      double merit = gap - 0.001 * Math.abs(words.get(i).start() - middle);
      if (merit > best) {
        best = merit;
        cut = i;
      }
    }
    splitLong(new ArrayList<>(words.subList(0, cut)), false, maxSeconds, out);
    splitLong(new ArrayList<>(words.subList(cut, words.size())), closed, maxSeconds, out);
  }

  /** Captions mark sentence ends; recognisers don't. One end per 80 words is far below any punctuated text. */
  static boolean usesPunctuation(List<Word> words) {
    long ends = words.stream().filter(w -> isSentenceEnd(w.word())).count();
    return ends >= Math.max(1, words.size() / 80);
  }

  /** "end." "why?" "now!" "said.”" end a sentence; "Mr." "J." and a trailing-off "..." do not. */
  static boolean isSentenceEnd(String word) {
    String w = word.replaceAll("[\"'”’)\\]}»]+$", "");
    if (w.endsWith("...") || w.endsWith("…")) return false;
    if (w.endsWith("?") || w.endsWith("!")) return true;
    if (!w.endsWith(".")) return false;
    String stem = w.substring(0, w.length() - 1).toLowerCase(Locale.ROOT).replaceAll("^[\"'“‘(\\[]+", "");
    if (ABBREVIATIONS.contains(stem)) return false;
    return !(stem.length() == 1 && Character.isLetter(stem.charAt(0)));
  }

  /** The adaptive sentence-pause threshold in seconds (Otsu's method on log pauses, clamped). */
  static double pauseThreshold(List<Word> words, ScoreSettings settings) {
    // words that touch (recognisers leave 10 ms, captions none) are no pause at all: leave them out, or their
    // spike would be the "short group" and the cut would land between touching and breathing
    double[] x = new double[words.size()];
    int n = 0;
    for (int i = 0; i + 1 < words.size(); i++) {
      double gap = words.get(i + 1).start() - words.get(i).end();
      if (gap >= MIN_PAUSE) x[n++] = Math.log(gap);
    }
    if (n < 2) return settings.maxPauseSeconds();
    x = Arrays.copyOf(x, n);
    Arrays.sort(x);
    double total = 0;
    for (double v : x) total += v;
    double left = 0;
    double bestVariance = -1;
    double cut = Double.NaN;
    double gapBetweenGroups = 0;
    for (int k = 1; k < n; k++) {
      left += x[k - 1];
      if (x[k] == x[k - 1]) continue;
      double w0 = (double) k / n;
      double mean0 = left / k;
      double mean1 = (total - left) / (n - k);
      double between = w0 * (1 - w0) * (mean0 - mean1) * (mean0 - mean1);
      if (between > bestVariance) {
        bestVariance = between;
        cut = (x[k - 1] + x[k]) / 2;
        gapBetweenGroups = mean1 - mean0;
      }
    }
    // one group, not two (the groups' typical pauses differ by less than 2x): every pause is the same kind, and
    // the lower clamp decides (a speaker who only ever pauses between sentences; one who only breathes)
    if (Double.isNaN(cut) || gapBetweenGroups < Math.log(2)) return settings.minPauseSeconds();
    double seconds = Math.exp(cut);
    return Math.max(settings.minPauseSeconds(), Math.min(settings.maxPauseSeconds(), seconds));
  }
}
