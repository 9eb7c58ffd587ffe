package dev.clipper.stage.score;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;

/**
 * Tunables of the score stage; the host fills them from {@code application.conf}.
 *
 * @param hookWeight weight of the hook sub-score in the composite
 * @param completenessWeight weight of the completeness sub-score
 * @param densityWeight weight of the density sub-score
 * @param emotionWeight weight of the emotion sub-score
 * @param minScore windows whose composite is below this are not worth a clip (the best one is kept anyway, so
 *     a video with speech always yields a clip)
 * @param minWordsPerSecond density filter: slower than this is music, silence or long pauses
 * @param maxWordsPerSecond density filter: faster than this is garbled recognition, not speech
 * @param minMeanConfidence density filter: a window whose words the recogniser doubts this much is noise
 * @param minPauseSeconds lower clamp of the adaptive sentence-pause threshold (transcripts without punctuation)
 * @param maxPauseSeconds upper clamp of the adaptive sentence-pause threshold
 * @param maxSentenceSeconds a "sentence" longer than this is split at its longest pause
 * @param leadInSeconds a clip starts this long before its first word (less when the previous word is nearer)
 * @param tailSeconds a clip runs this long past its last word, so the last syllable is not clipped
 * @param idealMinSeconds clips at least this long get full marks for length
 * @param idealMaxSeconds clips at most this long get full marks for length
 */
public record ScoreSettings(
    double hookWeight,
    double completenessWeight,
    double densityWeight,
    double emotionWeight,
    int minScore,
    double minWordsPerSecond,
    double maxWordsPerSecond,
    double minMeanConfidence,
    double minPauseSeconds,
    double maxPauseSeconds,
    double maxSentenceSeconds,
    double leadInSeconds,
    double tailSeconds,
    double idealMinSeconds,
    double idealMaxSeconds) {

  public static final ScoreSettings DEFAULTS = new ScoreSettings(
      0.35, 0.25, 0.20, 0.20,
      40,
      1.0, 5.0, 0.3,
      0.35, 1.2, 25,
      0.2, 0.4,
      20, 60);

  public ScoreSettings {
    if (hookWeight < 0 || completenessWeight < 0 || densityWeight < 0 || emotionWeight < 0
        || hookWeight + completenessWeight + densityWeight + emotionWeight <= 0) {
      bad("score weights must be non-negative and not all zero");
    }
    if (minScore < 0 || minScore > 100) bad("score min-score must be 0..100, got " + minScore);
    if (minWordsPerSecond < 0 || maxWordsPerSecond <= minWordsPerSecond) bad("score words-per-second range is empty");
    if (minPauseSeconds <= 0 || maxPauseSeconds < minPauseSeconds) bad("score pause clamp range is empty");
    if (maxSentenceSeconds < 3) bad("score max-sentence-seconds must be at least 3");
    if (leadInSeconds < 0 || tailSeconds < 0) bad("score clip padding must not be negative");
  }

  public ScoreSettings withMinScore(int score) {
    return new ScoreSettings(hookWeight, completenessWeight, densityWeight, emotionWeight, score, minWordsPerSecond,
        maxWordsPerSecond, minMeanConfidence, minPauseSeconds, maxPauseSeconds, maxSentenceSeconds, leadInSeconds,
        tailSeconds, idealMinSeconds, idealMaxSeconds);
  }

  double totalWeight() {
    return hookWeight + completenessWeight + densityWeight + emotionWeight;
  }

  private static void bad(String message) {
    throw new ClipperException(ErrorCode.BAD_OPTION, message);
  }
}
