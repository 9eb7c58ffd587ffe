package dev.clipper.error;

/** A failure with a stable code, a message a person understands and, for child processes, the stderr tail. */
public class ClipperException extends RuntimeException {
  private final ErrorCode code;
  private final String detail;

  public ClipperException(ErrorCode code, String message) {
    this(code, message, null, null);
  }

  public ClipperException(ErrorCode code, String message, Throwable cause) {
    this(code, message, null, cause);
  }

  public ClipperException(ErrorCode code, String message, String detail, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.detail = detail;
  }

  public ErrorCode code() {
    return code;
  }

  /** Extra diagnostic text (the tail of a tool's stderr), or null. */
  public String detail() {
    return detail;
  }

  public boolean isTransient() {
    return code.isTransient();
  }

  @Override
  public String toString() {
    return code.code() + ": " + getMessage();
  }
}
