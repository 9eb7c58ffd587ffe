package dev.clipper.job;

/** The job's life: Submitted → Fetching → Transcribing → Scoring → Tracking → Encoding → Completed. */
public enum JobStatus {
  SUBMITTED, FETCHING, TRANSCRIBING, SCORING, TRACKING, ENCODING, COMPLETED, FAILED, CANCELLED;

  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /** The stage that follows this one while working; null for terminal states and Encoding. */
  public JobStatus next() {
    return switch (this) {
      case SUBMITTED -> FETCHING;
      case FETCHING -> TRANSCRIBING;
      case TRANSCRIBING -> SCORING;
      case SCORING -> TRACKING;
      case TRACKING -> ENCODING;
      default -> null;
    };
  }

  public String label() {
    return name().charAt(0) + name().substring(1).toLowerCase();
  }
}
