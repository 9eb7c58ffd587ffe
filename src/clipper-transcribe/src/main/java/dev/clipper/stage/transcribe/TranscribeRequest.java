package dev.clipper.stage.transcribe;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What to transcribe: the media file, the side-car caption file (SRT or WebVTT) the fetch stage found beside
 * it or downloaded with it, and the directory scratch files go to (the job's working directory, so the
 * janitor can find leftovers of a killed run).
 */
public record TranscribeRequest(Path media, Optional<Path> captions, Path workDir) {
  public TranscribeRequest {
    Objects.requireNonNull(media, "media");
    captions = captions == null ? Optional.empty() : captions;
    workDir = workDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : workDir;
  }

  /** Media only, scratch files in the system temporary directory. */
  public static TranscribeRequest of(Path media) {
    return new TranscribeRequest(media, Optional.empty(), null);
  }

  public TranscribeRequest withCaptions(Path captionFile) {
    return new TranscribeRequest(media, Optional.ofNullable(captionFile), workDir);
  }

  public TranscribeRequest withWorkDir(Path dir) {
    return new TranscribeRequest(media, captions, dir);
  }
}
