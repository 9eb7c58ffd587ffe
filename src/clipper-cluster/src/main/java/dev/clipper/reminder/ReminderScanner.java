package dev.clipper.reminder;

import dev.clipper.cluster.CborSerializable;
import dev.clipper.job.VideoJob;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Runs as a single ShardedDaemonProcess instance somewhere in the cluster: every interval (and at once when
 * it starts) it reads the reminder table and wakes each unfinished job. A job that is already working ignores
 * the wake-up; one whose node died is recovered on a live node and resumes from its last persisted result.
 */
public final class ReminderScanner {

  public sealed interface Command extends CborSerializable {}

  private record Scan() implements Command {}

  private record Scanned(List<String> jobIds, Throwable error) implements Command {}

  private ReminderScanner() {}

  public static Behavior<Command> create(ReminderStore store, Duration interval, Executor blocking) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
      ctx.getSelf().tell(new Scan());
      timers.startTimerWithFixedDelay(new Scan(), interval);
      return Behaviors.receive(Command.class)
          .onMessage(Scan.class, s -> {
            ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> {
              try {
                return store.pending();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }, blocking), Scanned::new);
            return Behaviors.same();
          })
          .onMessage(Scanned.class, s -> {
            if (s.error() != null) {
              ctx.getLog().warn("reminder scan failed: {}", s.error().getMessage());
            } else {
              for (String id : s.jobIds()) {
                sharding.entityRefFor(VideoJob.TYPE_KEY, id).tell(new VideoJob.Wake());
              }
            }
            return Behaviors.same();
          })
          .build();
    }));
  }
}
