package dev.clipper.stage.score;

import dev.clipper.clip.ClipOptions;
import dev.clipper.clip.ScoredClip;
import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.transcript.Transcript;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 3: picks the clips. Cuts the transcript into sentences, forms every window of whole sentences whose clip
 * lasts between the minimum and maximum clip length, drops windows that fail the density filter (music,
 * silence, garbled recognition), rates the rest with the {@link HeuristicScorer}, and takes the best windows that
 * do not overlap, best first, until {@code maxClips} or until the scores fall below the minimum.
 */
public final class ClipSelector {
  private static final Logger log = LoggerFactory.getLogger(ClipSelector.class);

  private ClipSelector() {}

  /** A window that passed the filters, with its rating. */
  public record Candidate(Window window, HeuristicScorer.Rating rating) {}

  /**
   * The clips, ranked (index 1 = best).
   *
   * @throws ClipperException SOURCE_TOO_SHORT when the source is shorter than the shortest clip; NO_SPEECH when
   *     no window of the allowed length holds clear speech; BAD_OPTION for invalid options
   */
  public static List<ScoredClip> select(Transcript transcript, double sourceDuration, ClipOptions options,
      ScoreSettings settings) {
    List<Candidate> ranked = rank(transcript, sourceDuration, options, settings);
    List<Candidate> chosen = new ArrayList<>();
    for (Candidate c : ranked) {
      if (chosen.size() >= options.maxClips()) break;
      // below the bar only the very best survives, so a video with speech always yields a clip
      if (c.rating().score() < settings.minScore() && !chosen.isEmpty()) break;
      if (chosen.stream().noneMatch(o -> o.window().overlaps(c.window()))) chosen.add(c);
    }
    List<ScoredClip> clips = new ArrayList<>();
    for (Candidate c : chosen) {
      HeuristicScorer.Rating r = c.rating();
      clips.add(new ScoredClip(clips.size() + 1, round3(c.window().start()), round3(c.window().end()), r.score(),
          r.scores(), r.reason(), r.title()));
    }
    log.info("chose {} clips from {} candidate windows (scores {})", clips.size(), ranked.size(),
        clips.stream().map(ScoredClip::score).toList());
    return clips;
  }

  /** Every window that passes the length and density filters, rated, best first (ties: earlier first). */
  public static List<Candidate> rank(Transcript transcript, double sourceDuration, ClipOptions options,
      ScoreSettings settings) {
    options.validate();
    if (sourceDuration < options.minSeconds()) {
      throw new ClipperException(ErrorCode.SOURCE_TOO_SHORT, String.format(Locale.ROOT,
          "the source lasts %.1f s, shorter than the shortest clip (%.0f s)", sourceDuration, options.minSeconds()));
    }
    if (transcript.words().isEmpty()) {
      throw new ClipperException(ErrorCode.NO_SPEECH, "the transcript holds no words, so there is nothing to clip");
    }
    double maxSentence = Math.min(settings.maxSentenceSeconds(),
        options.maxSeconds() - settings.leadInSeconds() - settings.tailSeconds());
    Sentences.Split split = Sentences.split(transcript.words(), settings, maxSentence);
    log.debug("{} sentences by {}", split.sentences().size(),
        split.byPunctuation() ? "punctuation" : String.format(Locale.ROOT, "pauses of %.2f s", split.pauseThreshold()));
    List<Window> windows = windows(split.sentences(), sourceDuration, options, settings);
    List<Window> clear = windows.stream().filter(w -> passesDensity(w, settings)).toList();
    if (clear.isEmpty()) throw noSpeech(windows, split.sentences(), options, settings);
    HeuristicScorer scorer = new HeuristicScorer(settings);
    List<Candidate> out = new ArrayList<>(clear.size());
    for (Window w : clear) out.add(new Candidate(w, scorer.rate(w)));
    out.sort(Comparator.comparingInt((Candidate c) -> -c.rating().score())
        .thenComparingDouble(c -> c.window().start()));
    return out;
  }

  /**
   * Every run of consecutive sentences whose clip (speech plus lead-in and tail) lasts [minSeconds, maxSeconds].
   * The lead-in and tail take at most half the pause to the neighbouring word, so neighbouring clips never
   * share a word.
   */
  static List<Window> windows(List<Sentence> sentences, double sourceDuration, ClipOptions options,
      ScoreSettings settings) {
    List<Window> out = new ArrayList<>();
    int n = sentences.size();
    for (int i = 0; i < n; i++) {
      double first = sentences.get(i).start();
      double before = i == 0 ? first : (first - sentences.get(i - 1).end()) / 2;
      double start = Math.max(0, first - Math.min(settings.leadInSeconds(), Math.max(0, before)));
      for (int j = i; j < n; j++) {
        double last = sentences.get(j).end();
        if (last - first > options.maxSeconds()) break;
        double after = j + 1 == n ? sourceDuration - last : (sentences.get(j + 1).start() - last) / 2;
        double end = Math.min(Math.max(sourceDuration, last), last + Math.min(settings.tailSeconds(), Math.max(0, after)));
        double d = end - start;
        if (d > options.maxSeconds()) break;
        if (d >= options.minSeconds()) out.add(new Window(sentences.subList(i, j + 1), start, end));
      }
    }
    return out;
  }

  /** The density filter: speech at a plausible pace that the recogniser is reasonably sure of. */
  public static boolean passesDensity(Window w, ScoreSettings settings) {
    double wps = w.wordsPerSecond();
    return wps >= settings.minWordsPerSecond() && wps <= settings.maxWordsPerSecond()
        && w.meanConfidence() >= settings.minMeanConfidence();
  }

  private static ClipperException noSpeech(List<Window> windows, List<Sentence> sentences, ClipOptions options,
      ScoreSettings settings) {
    String range = String.format(Locale.ROOT, "%.0f–%.0f s", options.minSeconds(), options.maxSeconds());
    if (windows.isEmpty()) {
      double speech = sentences.get(sentences.size() - 1).end() - sentences.get(0).start();
      return new ClipperException(ErrorCode.NO_SPEECH, String.format(Locale.ROOT,
          "no stretch of speech fits a %s clip: the speech spans only %.1f s", range, speech));
    }
    Window best = windows.stream().max(Comparator.comparingDouble(Window::wordsPerSecond)).orElseThrow();
    return new ClipperException(ErrorCode.NO_SPEECH, String.format(Locale.ROOT,
        "no %s stretch holds clear speech (needs %.1f–%.1f words/s and mean confidence %.2f; the busiest has %.2f "
            + "words/s, confidence %.2f): music, silence or unintelligible audio", range,
        settings.minWordsPerSecond(), settings.maxWordsPerSecond(), settings.minMeanConfidence(),
        best.wordsPerSecond(), best.meanConfidence()));
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
