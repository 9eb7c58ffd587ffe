package dev.clipper.it;

import dev.clipper.job.VideoJob;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/** Reads a job's persisted events back through the JDBC read journal. */
final class Journal {
  private Journal() {}

  static List<VideoJob.Event> events(ActorSystem<?> system, String jobId) throws Exception {
    JdbcReadJournal journal = PersistenceQuery.get(system)
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return journal.currentEventsByPersistenceId(VideoJob.TYPE_KEY.name() + "|" + jobId, 0, Long.MAX_VALUE)
        .map(env -> (VideoJob.Event) env.event())
        .runWith(Sink.seq(), system)
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** How many StageCompleted events each unit of work has. */
  static java.util.Map<String, Long> completions(List<VideoJob.Event> events) {
    return events.stream()
        .filter(e -> e instanceof VideoJob.StageCompleted)
        .map(e -> ((VideoJob.StageCompleted) e).workKey())
        .collect(java.util.stream.Collectors.groupingBy(k -> k, java.util.TreeMap::new,
            java.util.stream.Collectors.counting()));
  }
}
