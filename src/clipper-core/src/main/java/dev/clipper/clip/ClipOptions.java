package dev.clipper.clip;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;

/** What the user asked for: how many clips, how long, what output size. */
public record ClipOptions(int maxClips, double minSeconds, double maxSeconds, int width, int height) {
  public static final ClipOptions DEFAULTS = new ClipOptions(10, 15, 90, 1080, 1920);

  /** Throws {@link ErrorCode#BAD_OPTION} with a message naming the offending option. */
  public ClipOptions validate() {
    if (maxClips < 1 || maxClips > 50) bad("--clips must be between 1 and 50, got " + maxClips);
    if (minSeconds < 3) bad("--min must be at least 3 seconds, got " + minSeconds);
    if (maxSeconds > 600) bad("--max must be at most 600 seconds, got " + maxSeconds);
    if (maxSeconds < minSeconds) bad("--max (" + maxSeconds + ") must not be below --min (" + minSeconds + ")");
    if (width < 64 || height < 64 || width > 4096 || height > 4096 || width % 2 != 0 || height % 2 != 0) {
      bad("the output size must be even and between 64 and 4096 pixels, got " + width + "x" + height);
    }
    return this;
  }

  private static void bad(String message) {
    throw new ClipperException(ErrorCode.BAD_OPTION, message);
  }
}
