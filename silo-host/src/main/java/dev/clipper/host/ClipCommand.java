package dev.clipper.host;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.clipper.clip.ClipOptions;
import dev.clipper.cluster.ClipperNode;
import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.job.JobSpec;
import dev.clipper.job.JobStatus;
import dev.clipper.job.JobView;
import dev.clipper.worker.PipelineStages;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code clipper clip INPUT [--out DIR] [--clips N] [--min S] [--max S]}: runs an embedded node, submits the
 * job, shows progress, and writes the clips and reports into DIR. Exit codes: 0 done; 2 the input cannot be
 * clipped (one {@code error: CODE: message} line); 1 an internal failure (the log file is named).
 */
final class ClipCommand {
  /** Codes that mean "this input cannot be clipped" rather than "Clipper broke". */
  private static final Set<ErrorCode> INPUT_ERRORS = Set.of(ErrorCode.SOURCE_NOT_FOUND, ErrorCode.NOT_A_VIDEO,
      ErrorCode.NO_AUDIO, ErrorCode.NO_SPEECH, ErrorCode.SOURCE_TOO_SHORT, ErrorCode.SOURCE_TOO_LARGE,
      ErrorCode.URL_BLOCKED, ErrorCode.UNSUPPORTED_URL, ErrorCode.DOWNLOAD_FAILED, ErrorCode.BAD_OPTION);

  record Args(String input, Path out, ClipOptions options) {}

  /** The outcome, for callers that run clip in-process (demo, bench). */
  record Outcome(int exitCode, String jobId, Path outDir, ObjectNode report, JobView view) {}

  private final PrintStream out;
  private final PrintStream err;
  private final Path logFile;

  ClipCommand(PrintStream out, PrintStream err, Path logFile) {
    this.out = out;
    this.err = err;
    this.logFile = logFile;
  }

  static Args parse(List<String> args) {
    String input = null;
    Path outDir = null;
    ClipOptions d = ClipOptions.DEFAULTS;
    int clips = d.maxClips();
    double min = d.minSeconds();
    double max = d.maxSeconds();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--out" -> outDir = Path.of(value(args, ++i, a));
        case "--clips" -> clips = (int) number(value(args, ++i, a), a);
        case "--min" -> min = number(value(args, ++i, a), a);
        case "--max" -> max = number(value(args, ++i, a), a);
        default -> {
          if (a.startsWith("--")) throw bad("unknown option " + a);
          if (input != null) throw bad("only one input, got '" + input + "' and '" + a + "'");
          input = a;
        }
      }
    }
    if (input == null) throw bad("no input: clipper clip INPUT (a video file or an http(s) URL)");
    ClipOptions options = new ClipOptions(clips, min, max, d.width(), d.height()).validate();
    return new Args(input, outDir, options);
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) throw bad(option + " needs a value");
    return args.get(i);
  }

  private static double number(String v, String option) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw bad(option + " needs a number, got '" + v + "'");
    }
  }

  private static ClipperException bad(String message) {
    return new ClipperException(ErrorCode.BAD_OPTION, message);
  }

  static String newJobId() {
    return "job-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
        + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
  }

  Outcome run(Config config, Args args) throws Exception {
    String input = localise(args.input());
    String jobId = newJobId();
    Path dir = args.out() != null ? args.out() : Path.of("clips", jobId);
    err.println("clipper: job " + jobId + " on " + args.input());
    try (PipelineStages stages = PipelineStages.create(config);
        ClipperNode node = ClipperNode.start(config, stages)) {
      // Ctrl-C: kill running ffmpeg/recogniser processes; the job stays persisted and resumes on the next start
      Thread onInterrupt = new Thread(stages::close, "clipper-stop-stages");
      Runtime.getRuntime().addShutdownHook(onInterrupt);
      try {
        return follow(node, stages, jobId, input, args, dir);
      } finally {
        Runtime.getRuntime().removeShutdownHook(onInterrupt);
      }
    }
  }

  /** Submits the job, shows its progress until it ends, and writes the outputs or the error. */
  private Outcome follow(ClipperNode node, PipelineStages stages, String jobId, String input, Args args, Path dir)
      throws Exception {
    node.submit(jobId, new JobSpec(input, args.options())).toCompletableFuture().get(60, TimeUnit.SECONDS);
    Progress progress = new Progress(err, System.console() != null);
    JobView view;
    while (true) {
      view = node.get(jobId).toCompletableFuture().get(60, TimeUnit.SECONDS);
      progress.show(view);
      if (view.status().isTerminal()) break;
      Thread.sleep(300);
    }
    progress.done();
    if (view.status() == JobStatus.COMPLETED) {
      ObjectNode report = Report.write(view.state(), stages.blobs(), dir);
      printTable(report, dir, progress.elapsed());
      return new Outcome(0, jobId, dir, report, view);
    }
    if (view.status() == JobStatus.CANCELLED) {
      err.println("error: cancelled: the job was cancelled");
      return new Outcome(1, jobId, dir, null, view);
    }
    var e = view.state().error();
    ErrorCode code = ErrorCode.fromCode(e.code());
    err.println("error: " + e.code() + ": " + e.message());
    if (INPUT_ERRORS.contains(code)) return new Outcome(2, jobId, dir, null, view);
    if (e.detail() != null && !e.detail().isBlank()) err.println(indent(e.detail()));
    err.println("clipper: internal failure; details in " + logFile);
    return new Outcome(1, jobId, dir, null, view);
  }

  /** Local paths are made absolute (a node may run elsewhere later); URLs pass through. */
  private static String localise(String input) {
    if (input.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) return input;
    Path p = Path.of(input).toAbsolutePath().normalize();
    return Files.exists(p) || !input.contains(":") ? p.toString() : input;
  }

  private void printTable(ObjectNode report, Path dir, String elapsed) {
    out.printf(Locale.ROOT, "%n%-4s %-5s %-17s %s%n", "rank", "score", "start–end", "title");
    for (var c : report.path("clips")) {
      out.printf(Locale.ROOT, "%-4d %-5d %-17s %s%n", c.path("rank").asInt(), c.path("score").asInt(),
          String.format(Locale.ROOT, "%s–%s", clock(c.path("start").asDouble()), clock(c.path("end").asDouble())),
          c.path("title").asText());
    }
    out.printf(Locale.ROOT, "%n%d clips in %s, written to %s (open report.html)%n", report.path("clips").size(),
        elapsed, dir.toAbsolutePath());
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }

  private static String indent(String text) {
    return "  " + text.strip().replace("\n", "\n  ");
  }
}
