package dev.clipper.job;

import com.typesafe.config.Config;
import dev.clipper.worker.Stage;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The job's operator-tunable numbers, from {@code clipper.job} and {@code clipper.stages} in application.conf.
 *
 * @param maxAttempts attempts per unit of work before the job fails (transient errors only)
 * @param retryBase delay before the first retry; doubles with every further attempt
 * @param retryJitter a random ±fraction applied to each delay, so retries of many jobs spread out
 * @param timeouts how long a dispatched unit of work may take before it counts as a transient failure
 * @param maxInFlight per stage, how many of one job's units of work are dispatched at once
 * @param preferLocal per stage, whether the job prefers workers on its own node
 */
public record JobSettings(int maxAttempts, Duration retryBase, double retryJitter, Map<Stage, Duration> timeouts,
    Map<Stage, Integer> maxInFlight, Map<Stage, Boolean> preferLocal, int snapshotEvery) {

  public static JobSettings fromConfig(Config clipper) {
    Config job = clipper.getConfig("job");
    Map<Stage, Duration> timeouts = new EnumMap<>(Stage.class);
    Map<Stage, Integer> inFlight = new EnumMap<>(Stage.class);
    Map<Stage, Boolean> local = new EnumMap<>(Stage.class);
    for (Stage s : Stage.values()) {
      Config c = clipper.getConfig("stages." + s.configName());
      timeouts.put(s, c.getDuration("timeout"));
      inFlight.put(s, c.getInt("max-in-flight-per-job"));
      local.put(s, c.getBoolean("prefer-local"));
    }
    return new JobSettings(job.getInt("max-attempts"), job.getDuration("retry-base"),
        job.getDouble("retry-jitter"), Map.copyOf(timeouts), Map.copyOf(inFlight), Map.copyOf(local),
        job.getInt("snapshot-every"));
  }

  /** The delay before attempt {@code failedAttempts + 1}: base · 2^(failed−1), with jitter. */
  public Duration retryDelay(int failedAttempts, double random01) {
    double base = retryBase.toMillis() * Math.pow(2, Math.max(0, failedAttempts - 1));
    double jitter = 1 + retryJitter * (2 * random01 - 1);
    return Duration.ofMillis(Math.round(base * jitter));
  }
}
