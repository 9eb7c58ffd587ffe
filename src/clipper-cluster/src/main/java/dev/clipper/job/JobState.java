package dev.clipper.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.clipper.clip.ScoredClip;
import dev.clipper.cluster.CborSerializable;
import dev.clipper.worker.StageResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The persisted state of one video job, rebuilt from its events. Immutable: every change makes a new record.
 * {@code status == null} means nothing was submitted under this id yet.
 *
 * @param workedOn which node ran each unit of work ("track-3" → "clipper@10.0.0.5:25520")
 * @param attempts failed attempts so far per unit of work
 * @param retryAt when a failed unit of work may run again (epoch ms)
 */
public record JobState(
    String jobId,
    JobSpec spec,
    JobStatus status,
    StageResult.Fetched source,
    StageResult.Transcribed transcript,
    List<ScoredClip> clips,
    Map<Integer, StageResult.Tracked> tracked,
    Map<Integer, StageResult.Encoded> encoded,
    Map<String, String> workedOn,
    Map<String, Integer> attempts,
    Map<String, Long> retryAt,
    JobError error,
    long submittedAt,
    long finishedAt,
    Map<String, Long> stageStartedAt) implements CborSerializable {

  /** Why a job failed: a stable code, a message for people, and the tool's stderr tail when there was one. */
  public record JobError(String code, String message, String detail) implements CborSerializable {}

  public static JobState empty(String jobId) {
    return new JobState(jobId, null, null, null, null, null, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(),
        null, 0, 0, Map.of());
  }

  @JsonIgnore
  public boolean isSubmitted() {
    return status != null;
  }

  @JsonIgnore
  public boolean isTerminal() {
    return status != null && status.isTerminal();
  }

  @JsonIgnore
  public int attemptsOf(String workKey) {
    return attempts.getOrDefault(workKey, 0);
  }

  JobState submitted(JobSpec s, long at) {
    return new JobState(jobId, s, JobStatus.SUBMITTED, source, transcript, clips, tracked, encoded, workedOn,
        attempts, retryAt, error, at, finishedAt, stageStartedAt);
  }

  JobState withStatus(JobStatus s, long at) {
    Map<String, Long> started = new TreeMap<>(stageStartedAt);
    started.put(s.name().toLowerCase(), at);
    return new JobState(jobId, spec, s, source, transcript, clips, tracked, encoded, workedOn, attempts,
        retryAt, error, submittedAt, s.isTerminal() ? at : finishedAt, Map.copyOf(started));
  }

  JobState withResult(String workKey, StageResult result, String node) {
    StageResult.Fetched src = source;
    StageResult.Transcribed tr = transcript;
    List<ScoredClip> cl = clips;
    Map<Integer, StageResult.Tracked> tk = tracked;
    Map<Integer, StageResult.Encoded> en = encoded;
    if (result instanceof StageResult.Fetched f) {
      src = f;
    } else if (result instanceof StageResult.Transcribed t) {
      tr = t;
    } else if (result instanceof StageResult.Scored sc) {
      cl = sc.clips();
    } else if (result instanceof StageResult.Tracked t) {
      tk = put(tracked, t.clipIndex(), t);
    } else if (result instanceof StageResult.Encoded e) {
      en = put(encoded, e.clipIndex(), e);
    }
    Map<String, Long> retries = new HashMap<>(retryAt);
    retries.remove(workKey);
    return new JobState(jobId, spec, status, src, tr, cl, tk, en, put(workedOn, workKey, node), attempts,
        Map.copyOf(retries), error, submittedAt, finishedAt, stageStartedAt);
  }

  JobState withFailedAttempt(String workKey, int attempt, long nextAttemptAt) {
    return new JobState(jobId, spec, status, source, transcript, clips, tracked, encoded, workedOn,
        put(attempts, workKey, attempt), put(retryAt, workKey, nextAttemptAt), error, submittedAt, finishedAt,
        stageStartedAt);
  }

  JobState failed(JobError e, long at) {
    JobState s = withStatus(JobStatus.FAILED, at);
    return new JobState(jobId, spec, s.status, source, transcript, clips, tracked, encoded, workedOn, attempts,
        Map.of(), e, submittedAt, at, s.stageStartedAt);
  }

  private static <K extends Comparable<K>, V> Map<K, V> put(Map<K, V> m, K k, V v) {
    Map<K, V> copy = new TreeMap<>(m);
    copy.put(k, v);
    return Map.copyOf(copy);
  }
}
