package dev.clipper.error;

/**
 * Stable error codes. The wire name ({@link #code()}) is part of the public contract: the CLI prints it,
 * reports carry it, and later the gRPC gateway returns it. Never rename one.
 */
public enum ErrorCode {
  SOURCE_NOT_FOUND("source_not_found", false),
  NOT_A_VIDEO("not_a_video", false),
  NO_AUDIO("no_audio", false),
  NO_SPEECH("no_speech", false),
  SOURCE_TOO_SHORT("source_too_short", false),
  SOURCE_TOO_LARGE("source_too_large", false),
  URL_BLOCKED("url_blocked", false),
  UNSUPPORTED_URL("unsupported_url", false),
  DOWNLOAD_FAILED("download_failed", true),
  BAD_OPTION("bad_option", false),
  /** A child process (ffmpeg, ffprobe, the recogniser) crashed or failed unexpectedly. */
  TOOL_FAILED("tool_failed", true),
  /** Reading or writing blob storage failed. */
  STORAGE_FAILED("storage_failed", true),
  /** A stage did not answer in time (lost message, dead node). */
  STAGE_TIMEOUT("stage_timeout", true),
  CANCELLED("cancelled", false),
  INTERNAL("internal", false);

  private final String code;
  private final boolean transientFailure;

  ErrorCode(String code, boolean transientFailure) {
    this.code = code;
    this.transientFailure = transientFailure;
  }

  public String code() {
    return code;
  }

  /** Transient failures are retried with backoff; permanent ones fail the job at once. */
  public boolean isTransient() {
    return transientFailure;
  }

  public static ErrorCode fromCode(String code) {
    for (ErrorCode c : values()) {
      if (c.code.equals(code)) return c;
    }
    return INTERNAL;
  }
}
