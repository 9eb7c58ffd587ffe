package dev.clipper.cluster;

import com.typesafe.config.Config;
import dev.clipper.job.JobSettings;
import dev.clipper.job.JobSpec;
import dev.clipper.job.JobView;
import dev.clipper.job.VideoJob;
import dev.clipper.reminder.ReminderScanner;
import dev.clipper.reminder.ReminderStore;
import dev.clipper.worker.Stage;
import dev.clipper.worker.StageRunner;
import dev.clipper.worker.StageWorker;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

/**
 * One Clipper node (a silo): an actor system that joins the cluster, hosts VideoJob shards, runs a worker
 * pool per stage and the reminder scanner. With no seed nodes configured it joins itself (embedded mode).
 */
public final class ClipperNode implements AutoCloseable {
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

  private final ActorSystem<Void> system;
  private final ClusterSharding sharding;

  private ClipperNode(ActorSystem<Void> system) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
  }

  /** Starts a node named "clipper" from a complete config (reference.conf merged with the profile). */
  public static ClipperNode start(Config config, StageRunner runner) {
    Config clipper = config.getConfig("clipper");
    JobSettings settings = JobSettings.fromConfig(clipper);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
      Executor blocking = ctx.getSystem().dispatchers()
          .lookup(DispatcherSelector.fromConfig("clipper.stage-dispatcher"));
      for (Stage stage : Stage.values()) {
        int n = clipper.getInt("stages." + stage.configName() + ".concurrency");
        for (int i = 0; i < n; i++) {
          ctx.spawn(StageWorker.create(stage, runner, blocking), "worker-" + stage.configName() + "-" + i,
              DispatcherSelector.sameAsParent());
        }
      }
      return Behaviors.empty();
    }), "clipper", config);
    try {
      Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("clipper.stage-dispatcher"));
      SchemaUtils.createIfNotExists(system).toCompletableFuture().get(60, TimeUnit.SECONDS);
      Config db = clipper.getConfig("db");
      ReminderStore reminders = new ReminderStore(db.getString("url"), db.getString("user"),
          db.getString("password"), blocking);
      reminders.createTable();

      Cluster cluster = Cluster.get(system);
      if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }
      ClusterSharding.get(system).init(Entity.of(VideoJob.TYPE_KEY,
          entity -> VideoJob.create(entity.getEntityId(), settings, reminders)));
      ShardedDaemonProcess.get(system).init(ReminderScanner.Command.class, "clipper-reminders", 1,
          i -> ReminderScanner.create(reminders, clipper.getDuration("reminders.scan-interval"), blocking));
      return new ClipperNode(system);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("the node could not start: " + e.getMessage(), e);
    }
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** This node's address, as "host:port". */
  public String address() {
    return system.address().hostPort();
  }

  public CompletionStage<JobView> submit(String jobId, JobSpec spec) {
    return job(jobId).askWithStatus(r -> new VideoJob.Submit(spec, r), ASK_TIMEOUT);
  }

  public CompletionStage<JobView> get(String jobId) {
    return job(jobId).askWithStatus(VideoJob.Get::new, ASK_TIMEOUT);
  }

  public CompletionStage<JobView> cancel(String jobId) {
    return job(jobId).askWithStatus(VideoJob.Cancel::new, ASK_TIMEOUT);
  }

  private EntityRef<VideoJob.Command> job(String jobId) {
    return sharding.entityRefFor(VideoJob.TYPE_KEY, jobId);
  }

  /** Leaves the cluster and stops, waiting up to a minute. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the node did not stop in time", e);
    }
  }
}
