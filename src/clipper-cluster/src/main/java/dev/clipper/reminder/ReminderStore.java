package dev.clipper.reminder;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reminder table: one row per unfinished job, in the same database as the journal. A job writes its row
 * when submitted and deletes it when it ends; the {@link ReminderScanner} wakes every job with a row, so a
 * job whose node died resumes on a live node even when nobody messages it. Writes run on the given
 * executor, off the actor threads.
 */
public final class ReminderStore {
  private static final Logger log = LoggerFactory.getLogger(ReminderStore.class);

  private final String url;
  private final String user;
  private final String password;
  private final Executor executor;

  public ReminderStore(String url, String user, String password, Executor executor) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.executor = executor;
  }

  public void createTable() {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS clipper_job_reminder ("
          + "job_id VARCHAR(255) PRIMARY KEY, updated_at BIGINT NOT NULL)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the reminder table at " + url + ": " + e.getMessage(), e);
    }
  }

  /** Records that a job is unfinished (asynchronously). */
  public void remember(String jobId) {
    executor.execute(() -> {
      try (Connection c = connect()) {
        try (PreparedStatement up = c.prepareStatement(
            "UPDATE clipper_job_reminder SET updated_at = ? WHERE job_id = ?")) {
          up.setLong(1, System.currentTimeMillis());
          up.setString(2, jobId);
          if (up.executeUpdate() > 0) return;
        }
        try (PreparedStatement ins = c.prepareStatement(
            "INSERT INTO clipper_job_reminder (job_id, updated_at) VALUES (?, ?)")) {
          ins.setString(1, jobId);
          ins.setLong(2, System.currentTimeMillis());
          ins.executeUpdate();
        }
      } catch (SQLException e) {
        log.warn("cannot remember job {}: {}", jobId, e.getMessage());
      }
    });
  }

  /** Removes a finished job's row (asynchronously). */
  public void forget(String jobId) {
    executor.execute(() -> {
      try (Connection c = connect();
          PreparedStatement del = c.prepareStatement("DELETE FROM clipper_job_reminder WHERE job_id = ?")) {
        del.setString(1, jobId);
        del.executeUpdate();
      } catch (SQLException e) {
        log.warn("cannot forget job {}: {}", jobId, e.getMessage());
      }
    });
  }

  /** Every unfinished job (blocking). */
  public List<String> pending() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT job_id FROM clipper_job_reminder ORDER BY updated_at")) {
      while (rs.next()) out.add(rs.getString(1));
    }
    return out;
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }
}
