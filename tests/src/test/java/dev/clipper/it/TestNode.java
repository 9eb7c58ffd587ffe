package dev.clipper.it;

import com.typesafe.config.Config;
import dev.clipper.cluster.ClipperNode;
import dev.clipper.host.HostConfig;
import dev.clipper.job.JobState;
import dev.clipper.job.JobView;
import dev.clipper.worker.PipelineStages;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real Clipper node for tests: real stages, real persistence, configured through the host's loader. */
final class TestNode implements AutoCloseable {
  final Config config;
  final PipelineStages stages;
  final ClipperNode node;

  private TestNode(Config config) {
    this.config = config;
    this.stages = PipelineStages.create(config);
    try {
      this.node = ClipperNode.start(config, stages);
    } catch (RuntimeException e) {
      stages.close();
      throw e;
    }
  }

  /** A node whose home (H2 database, blobs, work files) is {@code home}, plus any overrides. */
  static TestNode start(Path home, Map<String, Object> overrides) {
    Map<String, Object> o = new HashMap<>(overrides);
    o.putIfAbsent("clipper.home", home.toString());
    o.putIfAbsent("pekko.remote.artery.canonical.port", 0);
    o.putIfAbsent("clipper.reminders.scan-interval", "2s");
    return new TestNode(HostConfig.load(o));
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Object> seeds(int... ports) {
    List<String> seeds = java.util.Arrays.stream(ports).mapToObj(p -> "pekko://clipper@127.0.0.1:" + p).toList();
    return Map.of("pekko.cluster.seed-nodes", seeds);
  }

  JobView get(String jobId) throws Exception {
    return node.get(jobId).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Polls the job until {@code done} holds, failing after {@code limit}. */
  JobState await(String jobId, Predicate<JobState> done, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    JobState last = null;
    Throwable lastError = null;
    while (System.nanoTime() < deadline) {
      try {
        last = get(jobId).state();
        if (done.test(last)) return last;
      } catch (java.util.concurrent.ExecutionException e) {
        // the entity may still be starting on a fresh node; ask again
        lastError = e.getCause();
      }
      Thread.sleep(250);
    }
    throw new AssertionError("job " + jobId + " did not get there within " + limit + "; last state " + last
        + (lastError != null ? "; last error " + lastError : ""));
  }

  @Override
  public void close() {
    try {
      node.close();
    } finally {
      stages.close();
    }
  }
}
