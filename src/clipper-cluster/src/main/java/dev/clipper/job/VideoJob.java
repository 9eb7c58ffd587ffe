package dev.clipper.job;

import dev.clipper.cluster.CborSerializable;
import dev.clipper.error.ErrorCode;
import dev.clipper.reminder.ReminderStore;
import dev.clipper.worker.Stage;
import dev.clipper.worker.StageResult;
import dev.clipper.worker.StageWork;
import dev.clipper.worker.StageWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One video job: a sharded, event-sourced entity that drives the stage workers through fetch, transcribe,
 * score, track and encode, persisting every result so that a job survives its node. Finished work is never
 * redone: on recovery the job dispatches only what has no result yet. Transient failures are retried with
 * exponential backoff; the attempt count and the next attempt time are persisted and the timers re-armed on
 * recovery.
 */
public final class VideoJob
    extends EventSourcedBehaviorWithEnforcedReplies<VideoJob.Command, VideoJob.Event, JobState> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "VideoJob");

  // ---- protocol ----

  public sealed interface Command extends CborSerializable {}

  /** Start the job. Answered with the job's view; submitting the same spec again is accepted (idempotent). */
  public record Submit(JobSpec spec, ActorRef<StatusReply<JobView>> replyTo) implements Command {}

  /** Answered with the job's view, or an error when no job has this id. */
  public record Get(ActorRef<StatusReply<JobView>> replyTo) implements Command {}

  public record Cancel(ActorRef<StatusReply<JobView>> replyTo) implements Command {}

  /** Sent by the reminder scanner: make sure an unfinished job is working (activates it after a node died). */
  public record Wake() implements Command {}

  private record Advance() implements Command {}

  private record WorkerReply(StageWorker.Reply reply) implements Command {}

  private record WorkTimedOut(String workKey, String token) implements Command {}

  /** The Receptionist's current workers of a stage (local only: an adapted reply, never on the wire). */
  private record WorkersChanged(Receptionist.Listing listing) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record JobSubmitted(String jobId, JobSpec spec, long at) implements Event {}

  public record StageStarted(JobStatus stage, long at) implements Event {}

  public record StageCompleted(String workKey, StageResult result, String node, long at) implements Event {}

  public record AttemptFailed(String workKey, int attempt, String code, String message, long nextAttemptAt,
      long at) implements Event {}

  public record JobCompleted(long at) implements Event {}

  public record JobFailed(String code, String message, String detail, long at) implements Event {}

  public record JobCancelled(long at) implements Event {}

  // ---- behaviour ----

  private final String jobId;
  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final JobSettings settings;
  private final ReminderStore reminders;
  private final ActorRef<StageWorker.Reply> replyAdapter;
  /** Live workers per stage, as the Receptionist last listed them; work waits while a stage has none. */
  private final Map<Stage, List<ActorRef<StageWorker.Command>>> workers = new EnumMap<>(Stage.class);
  private int roundRobin;
  /** Dispatched, unanswered work: work key → token. Not persisted: after a restart everything is redispatched. */
  private final Map<String, String> inFlight = new HashMap<>();
  private final Map<String, Double> progress = new HashMap<>();

  private VideoJob(String jobId, ActorContext<Command> ctx, TimerScheduler<Command> timers, JobSettings settings,
      ReminderStore reminders) {
    super(PersistenceId.of(TYPE_KEY.name(), jobId));
    this.jobId = jobId;
    this.ctx = ctx;
    this.timers = timers;
    this.settings = settings;
    this.reminders = reminders;
    this.replyAdapter = ctx.messageAdapter(StageWorker.Reply.class, WorkerReply::new);
    ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class, WorkersChanged::new);
    for (Stage stage : Stage.values()) {
      workers.put(stage, List.of());
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(stage.serviceKey(), listings));
    }
  }

  public static Behavior<Command> create(String jobId, JobSettings settings, ReminderStore reminders) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(
        timers -> new VideoJob(jobId, ctx, timers, settings, reminders)));
  }

  @Override
  public JobState emptyState() {
    return JobState.empty(jobId);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public SignalHandler<JobState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          if (state.isSubmitted() && !state.isTerminal()) {
            ctx.getLog().info("job {} recovered in {}; resuming", jobId, state.status());
            ctx.getSelf().tell(new Advance());
          }
        })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, JobState> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, JobState> b = newCommandHandlerWithReplyBuilder();
    b.forState(s -> !s.isSubmitted())
        .onCommand(Submit.class, this::onSubmit)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("no job " + jobId)))
        .onCommand(Cancel.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("no job " + jobId)))
        .onCommand(WorkersChanged.class, this::onWorkersChanged)
        .onAnyCommand(c -> Effect().noReply());
    b.forState(JobState::isTerminal)
        .onCommand(Submit.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(view(s))))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(view(s))))
        .onCommand(Cancel.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(view(s))))
        .onCommand(WorkersChanged.class, this::onWorkersChanged)
        .onAnyCommand(c -> Effect().noReply());
    b.forAnyState()
        .onCommand(Submit.class, (s, c) -> s.spec().equals(c.spec())
            ? Effect().reply(c.replyTo(), StatusReply.success(view(s)))
            : Effect().reply(c.replyTo(), StatusReply.error("job " + jobId + " exists with another spec")))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(view(s))))
        .onCommand(Cancel.class, this::onCancel)
        .onCommand(Wake.class, (s, c) -> advance(s))
        .onCommand(Advance.class, (s, c) -> advance(s))
        .onCommand(WorkerReply.class, this::onWorkerReply)
        .onCommand(WorkTimedOut.class, this::onTimeout)
        .onCommand(WorkersChanged.class, this::onWorkersChanged);
    return b.build();
  }

  private ReplyEffect<Event, JobState> onSubmit(JobState s, Submit c) {
    return Effect().persist(new JobSubmitted(jobId, c.spec(), System.currentTimeMillis()))
        .thenRun(ns -> {
          reminders.remember(jobId);
          ctx.getSelf().tell(new Advance());
        })
        .thenReply(c.replyTo(), ns -> StatusReply.success(view(ns)));
  }

  private ReplyEffect<Event, JobState> onCancel(JobState s, Cancel c) {
    return Effect().persist(new JobCancelled(System.currentTimeMillis()))
        .thenRun(ns -> finished())
        .thenReply(c.replyTo(), ns -> StatusReply.success(view(ns)));
  }

  /** Moves the job on: starts the next stage when this one is done, else dispatches missing work. */
  private ReplyEffect<Event, JobState> advance(JobState s) {
    long now = System.currentTimeMillis();
    List<StageWork> missing = missingWork(s);
    if (s.status() == JobStatus.SUBMITTED || missing.isEmpty()) {
      if (s.status() == JobStatus.ENCODING) {
        return Effect().persist(new JobCompleted(now)).thenRun(ns -> finished()).thenNoReply();
      }
      return Effect().persist(new StageStarted(s.status().next(), now))
          .thenRun(ns -> ctx.getSelf().tell(new Advance()))
          .thenNoReply();
    }
    Stage stage = missing.get(0).stage();
    int limit = settings.maxInFlight().get(stage);
    for (StageWork w : missing) {
      String key = w.workKey();
      if (inFlight.containsKey(key)) continue;
      if (inFlight.size() >= limit) break;
      long due = s.retryAt().getOrDefault(key, 0L);
      if (due > now) {
        if (!timers.isTimerActive("retry-" + key)) {
          timers.startSingleTimer("retry-" + key, new Advance(), Duration.ofMillis(due - now));
        }
        continue;
      }
      if (!dispatch(w)) break;
    }
    return Effect().noReply();
  }

  /** The current stage's units of work that have no result yet. */
  private List<StageWork> missingWork(JobState s) {
    JobSpec spec = s.spec();
    List<StageWork> out = new ArrayList<>();
    switch (s.status()) {
      case FETCHING -> {
        if (s.source() == null) out.add(new StageWork.Fetch(jobId, spec.input(), spec.options()));
      }
      case TRANSCRIBING -> {
        if (s.transcript() == null) {
          out.add(new StageWork.Transcribe(jobId, s.source().sourceKey(), s.source().sha256(),
              s.source().captionsKey()));
        }
      }
      case SCORING -> {
        if (s.clips() == null) {
          out.add(new StageWork.Score(jobId, s.transcript().transcriptKey(), s.source().duration(),
              spec.options()));
        }
      }
      case TRACKING -> s.clips().stream()
          .filter(c -> !s.tracked().containsKey(c.index()))
          .forEach(c -> out.add(new StageWork.Track(jobId, s.source().sourceKey(), c, spec.options())));
      case ENCODING -> s.clips().stream()
          .filter(c -> !s.encoded().containsKey(c.index()))
          .forEach(c -> out.add(new StageWork.Encode(jobId, s.source().sourceKey(),
              s.transcript().transcriptKey(), s.tracked().get(c.index()).cropKey(), c, spec.options())));
      default -> { }
    }
    return out;
  }

  /** Sends the work to a live worker; returns false (and sends nothing) while the stage has no workers. */
  private boolean dispatch(StageWork work) {
    ActorRef<StageWorker.Command> worker = pickWorker(work.stage());
    if (worker == null) return false;
    String token = UUID.randomUUID().toString();
    inFlight.put(work.workKey(), token);
    progress.put(work.workKey(), 0.0);
    worker.tell(new StageWorker.Run(token, work, replyAdapter));
    timers.startSingleTimer("timeout-" + work.workKey(), new WorkTimedOut(work.workKey(), token),
        settings.timeouts().get(work.stage()));
    return true;
  }

  /** Round-robin over the stage's workers, over this node's only when the stage prefers local workers. */
  private ActorRef<StageWorker.Command> pickWorker(Stage stage) {
    List<ActorRef<StageWorker.Command>> all = workers.get(stage);
    if (settings.preferLocal().get(stage)) {
      List<ActorRef<StageWorker.Command>> local = all.stream()
          .filter(w -> w.path().address().hasLocalScope()).toList();
      if (!local.isEmpty()) all = local;
    }
    if (all.isEmpty()) return null;
    return all.get(Math.floorMod(roundRobin++, all.size()));
  }

  private ReplyEffect<Event, JobState> onWorkersChanged(JobState s, WorkersChanged c) {
    for (Stage stage : Stage.values()) {
      if (c.listing().isForKey(stage.serviceKey())) {
        List<ActorRef<StageWorker.Command>> now = c.listing().getServiceInstances(stage.serviceKey()).stream()
            .sorted(java.util.Comparator.comparing(r -> r.path().toString())).toList();
        boolean gained = now.size() > workers.get(stage).size();
        workers.put(stage, now);
        if (gained && s.isSubmitted() && !s.isTerminal()) return advance(s);
      }
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, JobState> onWorkerReply(JobState s, WorkerReply r) {
    StageWorker.Reply reply = r.reply();
    if (reply instanceof StageWorker.Progress p) {
      if (p.token().equals(inFlight.get(p.workKey()))) progress.put(p.workKey(), p.fraction());
      return Effect().noReply();
    }
    if (reply instanceof StageWorker.Done d) {
      String key = d.work().workKey();
      if (d.token().equals(inFlight.get(key))) clearInFlight(key);
      if (hasResult(s, d.result())) return Effect().noReply();
      // A late answer from an earlier dispatch is still a valid result: keep it rather than redo the work.
      return Effect().persist(new StageCompleted(key, d.result(), d.node(), System.currentTimeMillis()))
          .thenRun(ns -> ctx.getSelf().tell(new Advance()))
          .thenNoReply();
    }
    StageWorker.Failed f = (StageWorker.Failed) reply;
    String key = f.work().workKey();
    if (!f.token().equals(inFlight.get(key))) return Effect().noReply();
    clearInFlight(key);
    return failure(s, key, ErrorCode.fromCode(f.code()), f.message(), f.detail());
  }

  private ReplyEffect<Event, JobState> onTimeout(JobState s, WorkTimedOut t) {
    if (!t.token().equals(inFlight.get(t.workKey()))) return Effect().noReply();
    clearInFlight(t.workKey());
    return failure(s, t.workKey(), ErrorCode.STAGE_TIMEOUT,
        t.workKey() + " got no answer within its timeout", null);
  }

  private ReplyEffect<Event, JobState> failure(JobState s, String key, ErrorCode code, String message,
      String detail) {
    long now = System.currentTimeMillis();
    int attempt = s.attemptsOf(key) + 1;
    if (!code.isTransient() || attempt >= settings.maxAttempts()) {
      String msg = code.isTransient() ? message + " (gave up after " + attempt + " attempts)" : message;
      return Effect().persist(new JobFailed(code.code(), msg, detail, now)).thenRun(ns -> finished()).thenNoReply();
    }
    long next = now + settings.retryDelay(attempt, ThreadLocalRandom.current().nextDouble()).toMillis();
    ctx.getLog().warn("job {}: {} failed (attempt {}): {}: {}; retrying at +{} ms", jobId, key, attempt,
        code.code(), message, next - now);
    return Effect().persist(new AttemptFailed(key, attempt, code.code(), message, next, now))
        .thenRun(ns -> ctx.getSelf().tell(new Advance()))
        .thenNoReply();
  }

  private static boolean hasResult(JobState s, StageResult r) {
    if (r instanceof StageResult.Fetched) return s.source() != null;
    if (r instanceof StageResult.Transcribed) return s.transcript() != null;
    if (r instanceof StageResult.Scored) return s.clips() != null;
    if (r instanceof StageResult.Tracked t) return s.tracked().containsKey(t.clipIndex());
    return s.encoded().containsKey(((StageResult.Encoded) r).clipIndex());
  }

  private void clearInFlight(String key) {
    inFlight.remove(key);
    progress.remove(key);
    timers.cancel("timeout-" + key);
  }

  private void finished() {
    timers.cancelAll();
    inFlight.clear();
    progress.clear();
    reminders.forget(jobId);
  }

  // ---- views ----

  private static final Map<JobStatus, double[]> SPAN = Map.of(
      JobStatus.SUBMITTED, new double[] {0, 0},
      JobStatus.FETCHING, new double[] {0, 5},
      JobStatus.TRANSCRIBING, new double[] {5, 30},
      JobStatus.SCORING, new double[] {30, 32},
      JobStatus.TRACKING, new double[] {32, 50},
      JobStatus.ENCODING, new double[] {50, 100});

  private JobView view(JobState s) {
    if (s.status() == JobStatus.COMPLETED) return new JobView(s, 100, 100);
    double[] span = SPAN.get(s.status());
    if (span == null) return new JobView(s, 0, 0);
    double stage = stageFraction(s);
    return new JobView(s, 100 * stage, span[0] + (span[1] - span[0]) * stage);
  }

  private double stageFraction(JobState s) {
    double inFlightDone = progress.values().stream().mapToDouble(Double::doubleValue).sum();
    return switch (s.status()) {
      case TRACKING -> s.clips().isEmpty() ? 0 : (s.tracked().size() + inFlightDone) / s.clips().size();
      case ENCODING -> s.clips().isEmpty() ? 0 : (s.encoded().size() + inFlightDone) / s.clips().size();
      default -> Math.min(1, inFlightDone);
    };
  }

  // ---- events ----

  @Override
  public EventHandler<JobState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(JobSubmitted.class, (s, e) -> s.submitted(e.spec(), e.at()))
        .onEvent(StageStarted.class, (s, e) -> s.withStatus(e.stage(), e.at()))
        .onEvent(StageCompleted.class, (s, e) -> s.withResult(e.workKey(), e.result(), e.node()))
        .onEvent(AttemptFailed.class, (s, e) -> s.withFailedAttempt(e.workKey(), e.attempt(), e.nextAttemptAt()))
        .onEvent(JobCompleted.class, (s, e) -> s.withStatus(JobStatus.COMPLETED, e.at()))
        .onEvent(JobFailed.class, (s, e) -> s.failed(new JobState.JobError(e.code(), e.message(), e.detail()),
            e.at()))
        .onEvent(JobCancelled.class, (s, e) -> s.withStatus(JobStatus.CANCELLED, e.at()))
        .build();
  }
}
