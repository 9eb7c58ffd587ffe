package dev.clipper.worker;

import java.util.function.DoubleConsumer;

/**
 * Runs one unit of stage work: plain blocking Java (the pipeline stages), no actors. Throws
 * {@code ClipperException} with a stable code on failure; transient codes are retried by the job.
 */
public interface StageRunner {
  StageResult run(StageWork work, DoubleConsumer progress) throws Exception;
}
