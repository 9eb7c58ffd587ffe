package dev.clipper.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.clipper.clip.ClipOptions;
import dev.clipper.clip.ScoredClip;
import dev.clipper.clip.Scores;
import dev.clipper.reminder.ReminderStore;
import dev.clipper.worker.Stage;
import dev.clipper.worker.StageResult;
import dev.clipper.worker.StageWork;
import dev.clipper.worker.StageWorker;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job entity's protocol with its workers: the test plays the stage workers (probes registered with the
 * Receptionist under the stage keys) and answers as they would.
 */
class VideoJobTest {
  private static final Config CONFIG = ConfigFactory.parseString("""
      pekko.actor.serialization-bindings { "dev.clipper.cluster.CborSerializable" = jackson-cbor }
      clipper.job.retry-base = 300ms
      """)
      .withFallback(EventSourcedBehaviorTestKit.config())
      .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
      .withFallback(ConfigFactory.load())
      .resolve();
  private ActorTestKit kit;
  private static final ClipOptions OPTIONS = ClipOptions.DEFAULTS;

  private final Map<Stage, TestProbe<StageWorker.Command>> workers = new EnumMap<>(Stage.class);
  private EventSourcedBehaviorTestKit<VideoJob.Command, VideoJob.Event, JobState> job;
  private ReminderStore reminders;

  @AfterEach
  void shutdown() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    kit = ActorTestKit.create(CONFIG);
    for (Stage s : Stage.values()) {
      TestProbe<StageWorker.Command> probe = kit.createTestProbe();
      kit.system().receptionist().tell(Receptionist.register(s.serviceKey(), probe.getRef()));
      workers.put(s, probe);
    }
    String db = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    reminders = new ReminderStore(db, "", "", Runnable::run);
    reminders.createTable();
    JobSettings settings = JobSettings.fromConfig(CONFIG.getConfig("clipper"));
    job = EventSourcedBehaviorTestKit.create(kit.system(), VideoJob.create("job-1", settings, reminders));
  }

  private StageWorker.Run expectRun(Stage stage) {
    return workers.get(stage).expectMessageClass(StageWorker.Run.class, Duration.ofSeconds(5));
  }

  private void answer(StageWorker.Run run, StageResult result) {
    run.replyTo().tell(new StageWorker.Done(run.token(), run.work(), result, "node-a"));
  }

  private static ScoredClip clip(int index, double start) {
    return new ScoredClip(index, start, start + 30, 80 - index, new Scores(70, 80, 60, 50), "strong hook",
        "Clip " + index);
  }

  private void submitAndReachTracking(int clips) {
    var result = job.<StatusReply<JobView>>runCommand(r -> new VideoJob.Submit(new JobSpec("/videos/talk.mp4", OPTIONS), r));
    assertTrue(result.reply().isSuccess());
    assertEquals(new VideoJob.JobSubmitted("job-1", new JobSpec("/videos/talk.mp4", OPTIONS),
        ((VideoJob.JobSubmitted) result.event()).at()), result.event());
    StageWorker.Run fetch = expectRun(Stage.FETCH);
    assertEquals(new StageWork.Fetch("job-1", "/videos/talk.mp4", OPTIONS), fetch.work());
    answer(fetch, new StageResult.Fetched("sources/abc.mp4", "abc", "talk.mp4", 240, 1280, 720, 25, 1000, null));
    StageWorker.Run transcribe = expectRun(Stage.TRANSCRIBE);
    assertEquals("sources/abc.mp4", ((StageWork.Transcribe) transcribe.work()).sourceKey());
    answer(transcribe, new StageResult.Transcribed("transcripts/abc.json", 600, "pocketsphinx"));
    StageWorker.Run score = expectRun(Stage.SCORE);
    List<ScoredClip> chosen = new java.util.ArrayList<>();
    for (int i = 1; i <= clips; i++) chosen.add(clip(i, i * 40));
    answer(score, new StageResult.Scored(chosen));
  }

  @Test
  void drivesEveryStageInOrderAndCompletes() {
    submitAndReachTracking(2);
    StageWorker.Run t1 = expectRun(Stage.TRACK);
    StageWorker.Run t2 = expectRun(Stage.TRACK);
    for (StageWorker.Run t : List.of(t1, t2)) {
      int i = ((StageWork.Track) t.work()).clip().index();
      answer(t, new StageResult.Tracked(i, "jobs/job-1/crop-" + i + ".json", "face", null));
    }
    StageWorker.Run e1 = expectRun(Stage.ENCODE);
    StageWorker.Run e2 = expectRun(Stage.ENCODE);
    for (StageWorker.Run e : List.of(e1, e2)) {
      StageWork.Encode w = (StageWork.Encode) e.work();
      assertEquals("jobs/job-1/crop-" + w.clip().index() + ".json", w.cropKey());
      answer(e, new StageResult.Encoded(w.clip().index(), "v", "s", "t", "j", 30));
    }
    awaitStatus(JobStatus.COMPLETED);
    JobState s = job.getState();
    assertEquals(2, s.encoded().size());
    assertEquals(List.of("completed", "encoding", "fetching", "scoring", "tracking", "transcribing"),
        s.stageStartedAt().keySet().stream().sorted().toList());
    StatusReply<JobView> view = job.<StatusReply<JobView>>runCommand(VideoJob.Get::new).reply();
    assertEquals(100.0, view.getValue().percent());
  }

  @Test
  void restartRedispatchesOnlyTheWorkWithoutAResult() {
    submitAndReachTracking(3);
    StageWorker.Run first = expectRun(Stage.TRACK);
    expectRun(Stage.TRACK);
    expectRun(Stage.TRACK);
    int done = ((StageWork.Track) first.work()).clip().index();
    answer(first, new StageResult.Tracked(done, "crop", "face", null));
    awaitTracked(1);

    job.restart();

    List<StageWorker.Run> again = List.of(expectRun(Stage.TRACK), expectRun(Stage.TRACK));
    List<Integer> indexes = again.stream().map(r -> ((StageWork.Track) r.work()).clip().index()).sorted().toList();
    assertFalse(indexes.contains(done), "clip " + done + " was tracked before the restart");
    assertEquals(2, indexes.size());
    workers.get(Stage.TRACK).expectNoMessage(Duration.ofMillis(300));
    workers.get(Stage.FETCH).expectNoMessage(Duration.ofMillis(100));
    workers.get(Stage.TRANSCRIBE).expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void transientFailuresAreRetriedWithBackoffThenFailTheJob() {
    job.<StatusReply<JobView>>runCommand(r -> new VideoJob.Submit(new JobSpec("/v.mp4", OPTIONS), r));
    StageWorker.Run run = expectRun(Stage.FETCH);
    long before = System.currentTimeMillis();
    fail(run, "download_failed", "connection reset");
    JobState s = awaitAttempts("fetch", 1);
    long delay = s.retryAt().get("fetch") - before;
    assertTrue(delay >= 240 && delay <= 400, "first retry after base ±20%: " + delay);

    fail(expectRun(Stage.FETCH), "download_failed", "connection reset");
    s = awaitAttempts("fetch", 2);
    long second = s.retryAt().get("fetch") - System.currentTimeMillis();
    assertTrue(second > 300, "the second delay doubles: " + second);

    fail(expectRun(Stage.FETCH), "download_failed", "connection reset again");
    awaitStatus(JobStatus.FAILED);
    assertEquals("download_failed", job.getState().error().code());
    assertTrue(job.getState().error().message().contains("gave up after 3 attempts"));
  }

  @Test
  void permanentFailureFailsAtOnceWithItsCode() {
    job.<StatusReply<JobView>>runCommand(r -> new VideoJob.Submit(new JobSpec("/missing.mp4", OPTIONS), r));
    fail(expectRun(Stage.FETCH), "source_not_found", "no file /missing.mp4");
    awaitStatus(JobStatus.FAILED);
    assertEquals("source_not_found", job.getState().error().code());
    workers.get(Stage.FETCH).expectNoMessage(Duration.ofMillis(500));
  }

  @Test
  void pendingRetryIsRearmedAfterRestart() {
    job.<StatusReply<JobView>>runCommand(r -> new VideoJob.Submit(new JobSpec("/v.mp4", OPTIONS), r));
    fail(expectRun(Stage.FETCH), "tool_failed", "ffprobe crashed");
    JobState s = awaitAttempts("fetch", 1);
    job.restart();
    StageWorker.Run again = expectRun(Stage.FETCH);
    assertTrue(System.currentTimeMillis() >= s.retryAt().get("fetch") - 5, "retry waited for its time");
    assertEquals(1, job.getState().attemptsOf("fetch"));
    answer(again, new StageResult.Fetched("sources/x.mp4", "x", "v.mp4", 60, 640, 360, 25, 10, null));
    expectRun(Stage.TRANSCRIBE);
  }

  @Test
  void unknownJobAnswersWithAnErrorAndCancelStopsAJob() {
    StatusReply<JobView> unknown = job.<StatusReply<JobView>>runCommand(VideoJob.Get::new).reply();
    assertTrue(unknown.isError());
    job.<StatusReply<JobView>>runCommand(r -> new VideoJob.Submit(new JobSpec("/v.mp4", OPTIONS), r));
    expectRun(Stage.FETCH);
    StatusReply<JobView> cancelled = job.<StatusReply<JobView>>runCommand(VideoJob.Cancel::new).reply();
    assertEquals(JobStatus.CANCELLED, cancelled.getValue().status());
  }

  @Test
  void resubmittingADifferentSpecUnderTheSameIdIsRefused() {
    job.<StatusReply<JobView>>runCommand(r -> new VideoJob.Submit(new JobSpec("/v.mp4", OPTIONS), r));
    StatusReply<JobView> again =
        job.<StatusReply<JobView>>runCommand(r -> new VideoJob.Submit(new JobSpec("/other.mp4", OPTIONS), r))
            .reply();
    assertTrue(again.isError());
  }

  private void fail(StageWorker.Run run, String code, String message) {
    run.replyTo().tell(new StageWorker.Failed(run.token(), run.work(), code, message, null, "node-a"));
  }

  private void awaitStatus(JobStatus status) {
    await(() -> job.getState().status() == status, "status " + status);
  }

  private void awaitTracked(int n) {
    await(() -> job.getState().tracked().size() == n, n + " clips tracked");
  }

  private JobState awaitAttempts(String key, int n) {
    await(() -> job.getState().attemptsOf(key) == n, n + " failed attempts of " + key);
    return job.getState();
  }

  private static void await(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.currentTimeMillis() + 5000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for " + what);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
