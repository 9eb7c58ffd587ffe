package dev.clipper.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.clip.ClipOptions;
import dev.clipper.job.JobSpec;
import dev.clipper.job.JobState;
import dev.clipper.job.JobStatus;
import dev.clipper.worker.StageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop the node in the middle of encoding; a new node on the same database and blob store finishes the job
 * by itself (the reminder scanner wakes it; nobody messages it), without redoing any finished work.
 */
class StopMidJobTest {
  @TempDir Path home;

  @Test
  void aNewNodeFinishesTheJobWithoutRedoingFinishedWork() throws Exception {
    Map<String, Object> o = new HashMap<>();
    // one clip at a time, so there is a moment with some clips encoded and some not
    o.put("clipper.stages.encode.concurrency", 1);
    o.put("clipper.stages.encode.max-in-flight-per-job", 1);
    String video = Media.shortTalk().file().toString();
    JobState atStop;
    Map<String, FileTime> encodedBefore = new HashMap<>();
    try (TestNode first = TestNode.start(home, o)) {
      first.node.submit("stop-mid", new JobSpec(video, new ClipOptions(4, 15, 30, 540, 960)))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      atStop = first.await("stop-mid", s -> s.isTerminal()
          || (s.status() == JobStatus.ENCODING && !s.encoded().isEmpty()), Duration.ofMinutes(5));
      assertEquals(JobStatus.ENCODING, atStop.status(), "the job must still be encoding when the node stops");
      for (StageResult.Encoded e : atStop.encoded().values()) {
        encodedBefore.put(e.videoKey(), Files.getLastModifiedTime(blob(e.videoKey())));
      }
    }
    assertTrue(atStop.encoded().size() < atStop.clips().size(), "some clips are left to encode");

    try (TestNode second = TestNode.start(home, o)) {
      awaitReminderGone(second, "stop-mid", Duration.ofMinutes(5));
      JobState done = second.get("stop-mid").state();
      assertEquals(JobStatus.COMPLETED, done.status(), () -> "ended " + done.status() + ": " + done.error());
      assertEquals(done.clips().size(), done.encoded().size());

      // every unit of work completed exactly once across both nodes
      Map<String, Long> completions = Journal.completions(Journal.events(second.node.system(), "stop-mid"));
      completions.forEach((work, n) -> assertEquals(1L, n, work + " completed " + n + " times"));
      assertEquals(3 + 2 * done.clips().size(), completions.size(), completions.toString());

      // clips finished before the stop were not encoded again, and no clip file exists twice
      for (var e : encodedBefore.entrySet()) {
        assertEquals(e.getValue(), Files.getLastModifiedTime(blob(e.getKey())), e.getKey() + " was rewritten");
      }
      try (Stream<Path> files = Files.list(blob("jobs/stop-mid"))) {
        long mp4s = files.filter(p -> p.toString().endsWith(".mp4")).count();
        assertEquals(done.clips().size(), mp4s);
      }
    }
  }

  private Path blob(String key) {
    return home.resolve("blobs").resolve(key);
  }

  /** Waits, without messaging the job, until its reminder row is gone: the job ended on its own. */
  private static void awaitReminderGone(TestNode node, String jobId, Duration limit) throws Exception {
    String url = node.config.getString("clipper.db.url");
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection c = DriverManager.getConnection(url, "", "");
          ResultSet rs = c.createStatement().executeQuery(
              "SELECT COUNT(*) FROM clipper_job_reminder WHERE job_id = '" + jobId + "'")) {
        rs.next();
        if (rs.getInt(1) == 0) return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the job did not finish by itself within " + limit);
  }
}
