package dev.clipper.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.clipper.cluster.CborSerializable;

/**
 * What a caller sees of a job: its persisted state plus live progress, which is not persisted.
 *
 * @param stagePercent progress of the current stage, 0–100
 * @param percent progress of the whole job, 0–100 (stages weighted by their usual share of the time)
 */
public record JobView(JobState state, double stagePercent, double percent) implements CborSerializable {
  @JsonIgnore
  public String jobId() {
    return state.jobId();
  }

  @JsonIgnore
  public JobStatus status() {
    return state.status();
  }
}
