package dev.clipper.clip;

/**
 * A chosen clip: a window of the source in seconds, its composite score (0–100), sub-scores, a one-line
 * reason naming what drove the score, and a title. {@code index} is its rank, 1 = best.
 */
public record ScoredClip(int index, double start, double end, int score, Scores scores, String reason,
    String title) {
  public double duration() {
    return end - start;
  }
}
