package dev.clipper.stage.transcribe;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Tunables of the transcribe stage; the host fills them from {@code application.conf}.
 *
 * @param pocketsphinx the recogniser binary
 * @param hmm acoustic model directory
 * @param languageModel n-gram language model
 * @param dictionary pronunciation dictionary
 * @param chunkSeconds long audio is cut near every this many seconds, at the quietest moment nearby
 * @param parallelism how many recogniser processes run at once for one source
 * @param recogniserTimeoutPerSecond a chunk may take this many seconds per second of audio (plus a minute)
 *     before its recogniser is killed; pocketsphinx needs about 0.15 on a free core
 * @param extractTimeout how long ffmpeg may take to decode the audio track
 * @param minWords fewer recognised words than this is "no speech"
 * @param minSpeechFraction words covering less than this fraction of the duration is "no speech"
 */
public record TranscribeSettings(
    Path pocketsphinx,
    Path hmm,
    Path languageModel,
    Path dictionary,
    double chunkSeconds,
    int parallelism,
    double recogniserTimeoutPerSecond,
    Duration extractTimeout,
    int minWords,
    double minSpeechFraction) {

  private static final Path MODEL = Path.of("/usr/share/pocketsphinx/model/en-us");

  public static final TranscribeSettings DEFAULTS = new TranscribeSettings(
      Path.of("/usr/bin/pocketsphinx_continuous"),
      MODEL.resolve("en-us"),
      MODEL.resolve("en-us.lm.bin"),
      MODEL.resolve("cmudict-en-us.dict"),
      60,
      2,
      3.0,
      Duration.ofMinutes(10),
      5,
      0.05);

  public TranscribeSettings {
    if (chunkSeconds < 10) bad("transcribe chunk-seconds must be at least 10, got " + chunkSeconds);
    if (parallelism < 1) bad("transcribe parallelism must be at least 1, got " + parallelism);
    if (recogniserTimeoutPerSecond <= 0) bad("recogniser timeout factor must be positive");
    if (minWords < 0 || minSpeechFraction < 0 || minSpeechFraction >= 1) {
      bad("transcribe min-words / min-speech-fraction out of range");
    }
  }

  public TranscribeSettings withChunkSeconds(double seconds) {
    return new TranscribeSettings(pocketsphinx, hmm, languageModel, dictionary, seconds, parallelism,
        recogniserTimeoutPerSecond, extractTimeout, minWords, minSpeechFraction);
  }

  public TranscribeSettings withParallelism(int n) {
    return new TranscribeSettings(pocketsphinx, hmm, languageModel, dictionary, chunkSeconds, n,
        recogniserTimeoutPerSecond, extractTimeout, minWords, minSpeechFraction);
  }

  private static void bad(String message) {
    throw new ClipperException(ErrorCode.BAD_OPTION, message);
  }
}
