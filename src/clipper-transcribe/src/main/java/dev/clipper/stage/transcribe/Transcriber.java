package dev.clipper.stage.transcribe;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.media.FFprobe;
import dev.clipper.media.MediaInfo;
import dev.clipper.transcript.Transcript;
import dev.clipper.transcript.Word;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.DoubleConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 2: a word-level transcript of the source. Tries its providers in order (captions that came with the
 * source, then the local recogniser, later a remote API) and takes the first result that holds enough speech;
 * when none does, the job fails with {@link ErrorCode#NO_SPEECH}, since no clip can be cut from silence.
 */
public final class Transcriber {
  private static final Logger log = LoggerFactory.getLogger(Transcriber.class);

  private final List<TranscriptProvider> providers;
  private final TranscribeSettings settings;

  public Transcriber(List<TranscriptProvider> providers, TranscribeSettings settings) {
    if (providers.isEmpty()) throw new IllegalArgumentException("no transcript providers");
    this.providers = List.copyOf(providers);
    this.settings = settings;
  }

  /** Side-car captions first, then pocketsphinx. */
  public static Transcriber standard(TranscribeSettings settings) {
    return new Transcriber(List.of(new CaptionFileProvider(), new PocketsphinxProvider(settings)), settings);
  }

  /**
   * Transcribes the source.
   *
   * @param progress fraction done, 0..1 (a provider that falls through may make it start over)
   * @throws ClipperException NO_SPEECH when no provider finds enough speech, NO_AUDIO when the source has no
   *     audio and no captions, NOT_A_VIDEO when it cannot be read, TOOL_FAILED when the recogniser fails
   */
  public Transcript transcribe(TranscribeRequest request, DoubleConsumer progress) {
    MediaInfo info = FFprobe.probe(request.media());
    double duration = info.durationSeconds();
    String shortfall = null;
    for (TranscriptProvider provider : providers) {
      if (provider.needsAudio() && !info.hasAudio()) continue;
      Optional<Transcript> result = provider.transcribe(request, progress);
      if (result.isEmpty()) continue;
      String problem = tooLittleSpeech(result.get(), duration);
      if (problem == null) {
        progress.accept(1.0);
        return result.get();
      }
      log.info("{} transcript rejected: {}", provider.name(), problem);
      shortfall = shortfall == null ? problem : shortfall + "; " + problem;
    }
    if (shortfall == null && !info.hasAudio()) {
      throw new ClipperException(ErrorCode.NO_AUDIO, "the source has no audio track and no captions to read");
    }
    throw new ClipperException(ErrorCode.NO_SPEECH,
        "no speech found in the source: " + (shortfall == null ? "no provider could transcribe it" : shortfall));
  }

  /** Null when the transcript holds enough speech, else a sentence saying why not. */
  String tooLittleSpeech(Transcript t, double duration) {
    List<Word> words = t.words();
    double covered = speechSeconds(words);
    if (words.size() < settings.minWords()) {
      return String.format(Locale.ROOT, "%s recognised %d word%s in %.1f s of audio (at least %d needed)",
          t.provider(), words.size(), words.size() == 1 ? "" : "s", duration, settings.minWords());
    }
    if (duration > 0 && covered < settings.minSpeechFraction() * duration) {
      return String.format(Locale.ROOT, "%s found words covering only %.1f s of %.1f s (%.1f%%, at least %.0f%% needed)",
          t.provider(), covered, duration, 100 * covered / duration, 100 * settings.minSpeechFraction());
    }
    return null;
  }

  /** Seconds covered by at least one word (overlaps counted once). */
  static double speechSeconds(List<Word> words) {
    double total = 0;
    double reach = Double.NEGATIVE_INFINITY;
    for (Word w : words.stream().sorted((a, b) -> Double.compare(a.start(), b.start())).toList()) {
      double from = Math.max(w.start(), reach);
      if (w.end() > from) total += w.end() - from;
      reach = Math.max(reach, w.end());
    }
    return total;
  }
}
