package dev.clipper.stage.fetch;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.DoubleConsumer;

/**
 * One source to fetch.
 *
 * @param input a local path, a {@code file:} URI or an http(s) URL, as the user gave it
 * @param workDir the job's working directory; downloads are streamed into it and removed afterwards
 * @param minDurationSeconds the job's shortest clip: a shorter source cannot yield one
 * @param progress told the fraction done, 0..1, never decreasing; ends at 1 on success
 */
public record FetchRequest(String input, Path workDir, double minDurationSeconds, DoubleConsumer progress) {
  public FetchRequest {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(workDir, "workDir");
    if (!(minDurationSeconds >= 0)) throw new IllegalArgumentException("minDurationSeconds must not be negative");
    if (progress == null) progress = p -> {};
  }

  public static FetchRequest of(String input, Path workDir, double minDurationSeconds) {
    return new FetchRequest(input, workDir, minDurationSeconds, null);
  }

  public FetchRequest withProgress(DoubleConsumer listener) {
    return new FetchRequest(input, workDir, minDurationSeconds, listener);
  }
}
