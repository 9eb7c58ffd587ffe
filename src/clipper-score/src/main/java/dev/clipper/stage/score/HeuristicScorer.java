package dev.clipper.stage.score;

import dev.clipper.clip.Scores;
import dev.clipper.transcript.Word;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Rates a candidate window on four explainable criteria, each 0–100, and combines them with the weights in
 * {@link ScoreSettings}:
 *
 * <ul>
 *   <li><b>hook</b> — does the opening stop the scroll: a question, a promised payoff ("here is the secret"), a
 *       bold claim, a number, talking to "you", brevity; minus a start in mid-thought or on filler;
 *   <li><b>completeness</b> — can it stand alone: ends on a sentence end, does not open on "and"/"but"/"so" or
 *       a pronoun pointing back, lands a conclusion, has a comfortable length;
 *   <li><b>density</b> — words per second (about 2.5–3.5 is lively speech) and the share of content words;
 *   <li><b>emotion</b> — emotional words, intensifiers and exclamations per hundred words.
 * </ul>
 *
 * Every rule that fires leaves a short cause, so the reason line says what drove the score.
 */
public final class HeuristicScorer {
  private final ScoreSettings settings;

  public HeuristicScorer(ScoreSettings settings) {
    this.settings = settings;
  }

  /** A window's sub-scores, composite score, one-line reason and title. */
  public record Rating(Scores scores, int score, String reason, String title) {}

  /** One criterion's score and the causes behind it, good ones and bad ones. */
  record Part(String criterion, int score, double weight, List<String> good, List<String> bad) {}

  public Rating rate(Window w) {
    Part hook = hook(w);
    Part completeness = completeness(w);
    Part density = density(w);
    Part emotion = emotion(w);
    List<Part> parts = List.of(hook, completeness, density, emotion);
    double weighted = 0;
    for (Part p : parts) weighted += p.weight() * p.score();
    int composite = (int) Math.round(weighted / settings.totalWeight());
    return new Rating(new Scores(hook.score(), completeness.score(), density.score(), emotion.score()), composite,
        reason(parts), Titles.of(w));
  }

  /** The opening: the first sentence, with the next one when the first is only a few words. */
  static List<Word> opening(Window w) {
    List<Word> out = new ArrayList<>(w.first().words());
    if (out.size() < 5 && w.sentences().size() > 1) out.addAll(w.sentences().get(1).words());
    return out;
  }

  Part hook(Window w) {
    List<Word> open = opening(w);
    List<String> norms = open.stream().map(x -> Lexicon.norm(x.word())).filter(s -> !s.isEmpty()).toList();
    List<String> good = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    int score = 20;
    String first = norms.isEmpty() ? "" : norms.get(0);
    // look past one filler or connective for the real opener: "so why do we..." is still a question
    String opener = (Lexicon.CONNECTIVES.contains(first) || Lexicon.FILLERS.contains(first)) && norms.size() > 1
        ? norms.get(1) : first;
    boolean questionMark = w.first().words().stream().anyMatch(x -> x.word().contains("?"));
    if (questionMark || Lexicon.QUESTION_OPENERS.contains(opener)) {
      score += 35;
      good.add("opens with a question");
    }
    String padded = " " + String.join(" ", norms) + " ";
    String curiosity = Lexicon.firstPhraseIn(padded, Lexicon.CURIOSITY);
    if (curiosity != null) {
      score += 25;
      good.add("teases a payoff ('" + curiosity + "')");
    }
    String bold = Lexicon.firstPhraseIn(padded, Lexicon.BOLD);
    if (bold != null) {
      score += 15;
      good.add("bold claim ('" + bold + "')");
    }
    norms.stream().filter(Lexicon::isNumber).findFirst().ifPresent(n -> good.add("a number up front ('" + n + "')"));
    if (norms.stream().anyMatch(Lexicon::isNumber)) score += 10;
    if (norms.stream().anyMatch(Lexicon.YOU::contains)) {
      score += 15;
      good.add("talks to 'you'");
    }
    if (norms.size() >= 4 && norms.size() <= 14) {
      score += 10;
      good.add("short opening line");
    } else if (norms.size() > 25) {
      score -= 10;
      bad.add("long-winded opening");
    }
    if (Lexicon.CONNECTIVES.contains(first)) {
      score -= 30;
      bad.add("opens mid-thought ('" + first + "')");
    } else if (Lexicon.FILLERS.contains(first)) {
      score -= 15;
      bad.add("opens on filler ('" + first + "')");
    } else if (Lexicon.BACK_REFERENCES.contains(first)) {
      score -= 10;
      bad.add("opens on '" + first + "' with nothing to refer to");
    }
    if (good.isEmpty() && bad.isEmpty()) bad.add("plain opening");
    return new Part("hook", clamp(score), settings.hookWeight(), good, bad);
  }

  Part completeness(Window w) {
    List<String> good = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    int score = 40;
    Sentence last = w.last();
    String lastWord = Lexicon.norm(last.last().word());
    if (last.closed() && !Lexicon.DANGLING_ENDS.contains(lastWord)) {
      score += 25;
      good.add("ends on a sentence end");
    } else if (!last.closed()) {
      score -= 10;
      bad.add("cut mid-sentence");
    }
    if (Lexicon.DANGLING_ENDS.contains(lastWord)) {
      score -= 20;
      bad.add("ends on '" + lastWord + "'");
    }
    String first = Lexicon.norm(w.first().first().word());
    if (Lexicon.CONNECTIVES.contains(first)) {
      score -= 30;
      bad.add("opens mid-thought ('" + first + "')");
    } else if (Lexicon.BACK_REFERENCES.contains(first)) {
      score -= 10;
      bad.add("opens on '" + first + "'");
    }
    String lastText = " " + String.join(" ", last.words().stream().map(x -> Lexicon.norm(x.word())).toList()) + " ";
    String conclusion = Lexicon.firstPhraseIn(lastText, Lexicon.CONCLUSIONS);
    if (conclusion != null) {
      score += 10;
      good.add("lands a conclusion ('" + conclusion + "')");
    }
    double d = w.duration();
    double lengthFit;
    if (d < settings.idealMinSeconds()) {
      lengthFit = d / settings.idealMinSeconds();
    } else if (d > settings.idealMaxSeconds()) {
      lengthFit = Math.max(0, 1 - (d - settings.idealMaxSeconds()) / settings.idealMaxSeconds());
    } else {
      lengthFit = 1;
    }
    score += (int) Math.round(25 * lengthFit);
    if (lengthFit < 0.7) bad.add(String.format(Locale.ROOT, "%s (%.0f s)", d < settings.idealMinSeconds()
        ? "short" : "long", d));
    return new Part("completeness", clamp(score), settings.completenessWeight(), good, bad);
  }

  Part density(Window w) {
    double wps = w.wordsPerSecond();
    List<Word> words = w.words();
    long content = words.stream().map(x -> Lexicon.norm(x.word()))
        .filter(s -> !s.isEmpty() && !Lexicon.STOPWORDS.contains(s)).count();
    double ratio = words.isEmpty() ? 0 : (double) content / words.size();
    double pace = interpolate(wps, new double[][] {{0.8, 0}, {1.5, 40}, {2.2, 85}, {2.5, 100}, {3.6, 100},
        {4.5, 70}, {5.5, 20}, {6.5, 0}});
    double substance = Math.max(0, Math.min(1, (ratio - 0.25) / 0.30)) * 100;
    int score = clamp((int) Math.round(0.6 * pace + 0.4 * substance));
    String paceText = String.format(Locale.ROOT, "%.1f words/s", wps);
    String contentText = String.format(Locale.ROOT, "%.0f%% content words", 100 * ratio);
    List<String> good = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    if (pace >= 70) good.add(paceText);
    else bad.add((wps < 2.5 ? "slow: " : "rushed: ") + paceText);
    if (substance >= 60) good.add(contentText);
    else if (substance < 30) bad.add("few content words");
    return new Part("density", score, settings.densityWeight(), good, bad);
  }

  Part emotion(Window w) {
    List<Word> words = w.words();
    Set<String> found = new LinkedHashSet<>();
    int hits = 0;
    int intensifiers = 0;
    int exclamations = 0;
    for (Word x : words) {
      String n = Lexicon.norm(x.word());
      if (n.isEmpty()) continue;
      if (Lexicon.inflectionOf(Lexicon.EMOTION, n)) {
        hits++;
        found.add(n);
      }
      if (Lexicon.INTENSIFIERS.contains(n)) intensifiers++;
      if (x.word().endsWith("!")) exclamations++;
    }
    double per100 = 100.0 / Math.max(1, words.size());
    int score = clamp((int) Math.round(10 + 8 * hits * per100 + 3 * intensifiers * per100 + 15 * exclamations * per100));
    List<String> good = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    if (!found.isEmpty()) {
      good.add(String.join(", ", found.stream().limit(3).map(s -> "'" + s + "'").toList()));
    }
    if (exclamations > 0) good.add(exclamations + " exclamation" + (exclamations == 1 ? "" : "s"));
    if (found.isEmpty() && exclamations == 0) bad.add("no emotional words");
    return new Part("emotion", score, settings.emotionWeight(), good, bad);
  }

  /**
   * Names what drove the score: the strongest criteria (by weighted score) with their causes, then the worst
   * weakness, e.g. "strong hook: opens with a question, talks to 'you'; dense: 3.1 words/s; weak ending: cut
   * mid-sentence".
   */
  static String reason(List<Part> parts) {
    List<String> out = new ArrayList<>();
    parts.stream().filter(p -> p.score() >= strongAt(p)).filter(p -> !p.good().isEmpty())
        .sorted(Comparator.comparingDouble((Part p) -> -p.weight() * p.score()))
        .limit(2)
        .forEach(p -> out.add(strongLabel(p) + ": " + String.join(", ", p.good().stream().limit(2).toList())));
    parts.stream().filter(p -> p.score() < weakAt(p)).filter(p -> !p.bad().isEmpty())
        .sorted(Comparator.comparingDouble((Part p) -> -p.weight() * (100 - p.score())))
        .limit(out.isEmpty() ? 2 : 1)
        .forEach(p -> out.add(weakLabel(p) + ": " + String.join(", ", p.bad().stream().limit(2).toList())));
    if (out.isEmpty()) {
      return "middling on every criterion (" + String.join(", ",
          parts.stream().map(p -> p.criterion() + " " + p.score()).toList()) + ")";
    }
    return String.join("; ", out);
  }

  private static int strongAt(Part p) {
    return p.criterion().equals("emotion") ? 45 : 65;
  }

  private static int weakAt(Part p) {
    return p.criterion().equals("emotion") ? 20 : 40;
  }

  private static String strongLabel(Part p) {
    return switch (p.criterion()) {
      case "hook" -> "strong hook";
      case "completeness" -> "complete";
      case "density" -> "dense";
      default -> "emotional";
    };
  }

  private static String weakLabel(Part p) {
    return switch (p.criterion()) {
      case "hook" -> "weak hook";
      case "completeness" -> "incomplete";
      case "density" -> "thin";
      default -> "flat";
    };
  }

  /** Piecewise-linear through the points (x ascending), flat beyond the ends. */
  static double interpolate(double x, double[][] points) {
    if (x <= points[0][0]) return points[0][1];
    for (int i = 1; i < points.length; i++) {
      if (x <= points[i][0]) {
        double t = (x - points[i - 1][0]) / (points[i][0] - points[i - 1][0]);
        return points[i - 1][1] + t * (points[i][1] - points[i - 1][1]);
      }
    }
    return points[points.length - 1][1];
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(100, v));
  }
}
