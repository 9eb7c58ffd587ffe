package dev.clipper.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.clip.ClipOptions;
import dev.clipper.job.JobSpec;
import dev.clipper.job.JobState;
import dev.clipper.job.JobStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same code on PostgreSQL (the cluster profile's journal): a job runs to completion with its events in
 * PostgreSQL, and a new node recovers it from there. Needs PostgreSQL on 127.0.0.1:5432 and the
 * clipper_test role (./clipper test sets both up); the test creates and drops its own database.
 */
class PostgresJournalTest {
  private static final String SERVER = System.getProperty("clipper.test.pg", "jdbc:postgresql://127.0.0.1:5432/");
  // scripts/setup.sh --tests creates this role
  private static final String USER = System.getProperty("clipper.test.pg.user", "clipper_test");
  private static final String PASSWORD = System.getProperty("clipper.test.pg.password", "clipper_test");
  @TempDir Path home;
  private String database;

  @BeforeEach
  void createDatabase() throws Exception {
    database = "clipper_test_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    try (Connection c = DriverManager.getConnection(SERVER + "postgres", USER, PASSWORD)) {
      c.createStatement().execute("CREATE DATABASE " + database);
    }
  }

  @AfterEach
  void dropDatabase() throws Exception {
    try (Connection c = DriverManager.getConnection(SERVER + "postgres", USER, PASSWORD)) {
      c.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  @Test
  void jobRunsAndRecoversOnPostgres() throws Exception {
    Map<String, Object> o = new HashMap<>();
    o.put("clipper.db.url", SERVER + database);
    o.put("clipper.db.user", USER);
    o.put("clipper.db.password", PASSWORD);
    o.put("clipper.db.driver", "org.postgresql.Driver");
    o.put("clipper.db.slick-profile", "slick.jdbc.PostgresProfile$");
    String video = Media.shortTalk().file().toString();
    JobState done;
    try (TestNode node = TestNode.start(home, o)) {
      node.node.submit("on-postgres", new JobSpec(video, new ClipOptions(2, 15, 30, 360, 640)))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      done = node.await("on-postgres", JobState::isTerminal, Duration.ofMinutes(5));
      assertEquals(JobStatus.COMPLETED, done.status(), () -> "ended with " + done.error());
    }
    try (Connection c = DriverManager.getConnection(SERVER + database, USER, PASSWORD);
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT COUNT(*) FROM event_journal WHERE persistence_id = 'VideoJob|on-postgres'")) {
      rs.next();
      assertTrue(rs.getInt(1) >= 8, "events in PostgreSQL: " + rs.getInt(1));
    }
    try (TestNode again = TestNode.start(home, o)) {
      JobState recovered = again.get("on-postgres").state();
      assertEquals(done, recovered);
    }
  }
}
