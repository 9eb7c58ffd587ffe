package dev.clipper.host;

import dev.clipper.job.JobStatus;
import dev.clipper.job.JobView;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows a job's progress: a redrawn bar on a terminal, plain lines (one per stage change or 10% step)
 * otherwise, so logs and CI output stay readable.
 */
final class Progress {
  private static final int BAR = 28;
  private final PrintStream out;
  private final boolean terminal;
  private final long startedAt = System.currentTimeMillis();
  private JobStatus lastStatus;
  private int lastDecile = -1;

  Progress(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  void show(JobView v) {
    JobStatus status = v.status();
    if (status == null) return;
    String elapsed = elapsed();
    if (terminal) {
      int filled = (int) Math.round(v.percent() / 100 * BAR);
      String bar = "█".repeat(filled) + "░".repeat(BAR - filled);
      out.printf(Locale.ROOT, "\r%-12s %s %3.0f%%  (stage %3.0f%%)  %s ", status.label(), bar, v.percent(),
          v.stagePercent(), elapsed);
      out.flush();
    } else {
      int decile = (int) (v.percent() / 10);
      if (status != lastStatus || decile != lastDecile) {
        out.printf(Locale.ROOT, "%s  %-12s %3.0f%%  (stage %3.0f%%)%n", elapsed, status.label(), v.percent(),
            v.stagePercent());
      }
      lastDecile = decile;
    }
    lastStatus = status;
  }

  void done() {
    if (terminal) out.println();
  }

  String elapsed() {
    long s = (System.currentTimeMillis() - startedAt) / 1000;
    return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }
}
