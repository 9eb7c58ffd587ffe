package dev.clipper.stage.transcribe;

import dev.clipper.transcript.Transcript;
import java.util.Optional;
import java.util.function.DoubleConsumer;

/**
 * One way of getting a word-level transcript: side-car captions, the local recogniser, later a remote
 * speech-to-text API. The {@link Transcriber} tries providers in order.
 */
public interface TranscriptProvider {
  /** A short stable name, stored as {@link Transcript#provider()} ("captions", "pocketsphinx", ...). */
  String name();

  /**
   * Transcribes the request, or returns empty when this provider does not apply (no caption file, say).
   * Failures of the tool behind it are thrown as {@link dev.clipper.error.ClipperException}s.
   *
   * @param progress receives the fraction done, 0..1, as work proceeds; may be called from other threads
   */
  Optional<Transcript> transcribe(TranscribeRequest request, DoubleConsumer progress);

  /** Whether this provider listens to the audio track (and so cannot help when there is none). */
  default boolean needsAudio() {
    return true;
  }
}
