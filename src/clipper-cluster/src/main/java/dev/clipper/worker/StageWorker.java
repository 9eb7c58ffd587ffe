package dev.clipper.worker;

import dev.clipper.cluster.CborSerializable;
import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * A stateless stage worker: runs one unit of work at a time on a dedicated blocking executor and answers the
 * job that asked. A node runs a pool of these per stage (pool size = the stage's concurrency), each registered
 * with the Receptionist, so jobs anywhere in the cluster can find them. Work that arrives while busy waits in
 * the stash.
 */
public final class StageWorker {

  public sealed interface Command extends CborSerializable {}

  /** Run {@code work}; answer {@code replyTo} with {@link Done} or {@link Failed}, echoing {@code token}. */
  public record Run(String token, StageWork work, ActorRef<Reply> replyTo) implements Command {}

  private record Finished(Run run, StageResult result, Throwable error) implements Command {}

  public sealed interface Reply extends CborSerializable {
    String token();
  }

  public record Done(String token, StageWork work, StageResult result, String node) implements Reply {}

  public record Failed(String token, StageWork work, String code, String message, String detail, String node)
      implements Reply {}

  public record Progress(String token, String workKey, double fraction) implements Reply {}

  private static final int STASH_CAPACITY = 10_000;
  private static final long PROGRESS_INTERVAL_MS = 500;

  private final ActorContext<Command> ctx;
  private final StashBuffer<Command> stash;
  private final StageRunner runner;
  private final Executor blocking;
  private final String node;

  private StageWorker(ActorContext<Command> ctx, StashBuffer<Command> stash, StageRunner runner,
      Executor blocking) {
    this.ctx = ctx;
    this.stash = stash;
    this.runner = runner;
    this.blocking = blocking;
    this.node = ctx.getSystem().address().hostPort();
  }

  public static Behavior<Command> create(Stage stage, StageRunner runner, Executor blocking) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(stage.serviceKey(), ctx.getSelf()));
      return Behaviors.withStash(STASH_CAPACITY, stash -> new StageWorker(ctx, stash, runner, blocking).idle());
    });
  }

  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessage(Run.class, this::start)
        .build();
  }

  private Behavior<Command> busy() {
    return Behaviors.receive(Command.class)
        .onMessage(Run.class, run -> {
          stash.stash(run);
          return Behaviors.same();
        })
        .onMessage(Finished.class, this::finish)
        .build();
  }

  private Behavior<Command> start(Run run) {
    ctx.getLog().debug("{} {} for job {}", run.work().stage(), run.work().workKey(), run.work().jobId());
    long[] lastSent = {0};
    CompletableFuture<StageResult> future = CompletableFuture.supplyAsync(() -> {
      try {
        return runner.run(run.work(), fraction -> {
          long now = System.currentTimeMillis();
          if (now - lastSent[0] >= PROGRESS_INTERVAL_MS) {
            lastSent[0] = now;
            run.replyTo().tell(new Progress(run.token(), run.work().workKey(), Math.max(0, Math.min(1, fraction))));
          }
        });
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, blocking);
    ctx.pipeToSelf(future, (result, error) -> new Finished(run, result, unwrap(error)));
    return busy();
  }

  private Behavior<Command> finish(Finished f) {
    Run run = f.run();
    if (f.error() == null) {
      run.replyTo().tell(new Done(run.token(), run.work(), f.result(), node));
    } else {
      ClipperException e = classify(f.error());
      if (e.code() == ErrorCode.INTERNAL) {
        ctx.getLog().error("{} failed for job {}", run.work().workKey(), run.work().jobId(), f.error());
      } else {
        ctx.getLog().warn("{} failed for job {}: {}", run.work().workKey(), run.work().jobId(), e.toString());
      }
      run.replyTo().tell(new Failed(run.token(), run.work(), e.code().code(), e.getMessage(), e.detail(), node));
    }
    return stash.unstash(idle(), 1, x -> x);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Unknown exceptions are bugs (permanent); I/O trouble is worth a retry. */
  static ClipperException classify(Throwable t) {
    if (t instanceof ClipperException ce) return ce;
    if (t instanceof IOException || t instanceof UncheckedIOException) {
      return new ClipperException(ErrorCode.STORAGE_FAILED, "I/O failure: " + t.getMessage(), t);
    }
    return new ClipperException(ErrorCode.INTERNAL, "internal error: " + t, t);
  }
}
