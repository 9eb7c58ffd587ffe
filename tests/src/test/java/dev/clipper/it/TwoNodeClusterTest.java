package dev.clipper.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.clip.ClipOptions;
import dev.clipper.job.JobSpec;
import dev.clipper.job.JobState;
import dev.clipper.job.JobStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes in one JVM form a cluster; one job's clips are tracked and encoded on both. */
class TwoNodeClusterTest {
  @TempDir Path home;

  @Test
  void oneJobsClipsAreWorkedOnBothNodes() throws Exception {
    int portA = TestNode.freePort();
    int portB = TestNode.freePort();
    // both nodes share the database and the blob store, as cluster nodes share PostgreSQL and Azure
    Map<String, Object> shared = new HashMap<>(TestNode.seeds(portA));
    shared.put("clipper.db.url", "jdbc:h2:file:" + home.resolve("db/clipper") + ";DATABASE_TO_UPPER=false");
    shared.put("clipper.blob-dir", home.resolve("blobs").toString());
    Map<String, Object> a = new HashMap<>(shared);
    a.put("pekko.remote.artery.canonical.port", portA);
    a.put("clipper.home", home.resolve("a").toString());
    Map<String, Object> b = new HashMap<>(shared);
    b.put("pekko.remote.artery.canonical.port", portB);
    b.put("clipper.home", home.resolve("b").toString());
    try (TestNode nodeA = TestNode.start(home.resolve("a"), a);
        TestNode nodeB = TestNode.start(home.resolve("b"), b)) {
      awaitUp(nodeA, 2);
      String video = Media.shortTalk().file().toString();
      nodeA.node.submit("two-nodes", new JobSpec(video, new ClipOptions(4, 15, 30, 360, 640)))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      JobState done = nodeA.await("two-nodes", JobState::isTerminal, Duration.ofMinutes(6));

      assertEquals(JobStatus.COMPLETED, done.status(), () -> "job ended " + done.status() + ": " + done.error());
      assertTrue(done.clips().size() >= 2, "clips: " + done.clips().size());
      Set<String> nodes = new TreeSet<>();
      done.workedOn().forEach((work, node) -> {
        if (work.startsWith("track-") || work.startsWith("encode-")) nodes.add(node);
      });
      assertEquals(Set.of(nodeA.node.address(), nodeB.node.address()), nodes,
          "per-clip work ran on: " + done.workedOn());
    }
  }

  private static void awaitUp(TestNode node, int members) throws InterruptedException {
    Cluster cluster = Cluster.get(node.node.system());
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      long up = java.util.stream.StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up()).count();
      if (up == members) return;
      Thread.sleep(200);
    }
    throw new AssertionError("cluster did not reach " + members + " members");
  }
}
