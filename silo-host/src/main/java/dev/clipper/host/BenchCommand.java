package dev.clipper.host;

import com.typesafe.config.Config;
import dev.clipper.crop.CropPath;
import dev.clipper.job.JobState;
import dev.clipper.process.ProcessRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code clipper bench}: builds a ~10-minute talking video (once, kept under $CLIPPER_HOME/bench), runs the
 * whole job, then measures the ffmpeg-only floor in the same process: one plain x264 veryfast crf 21 encode
 * per selected clip range with a static centre crop scaled to the output size. Prints per-stage times, the
 * job/floor ratio and the node's peak resident memory. Not part of the tests.
 */
final class BenchCommand {
  private final PrintStream out;
  private final PrintStream err;
  private final Path logFile;

  BenchCommand(PrintStream out, PrintStream err, Path logFile) {
    this.out = out;
    this.err = err;
    this.logFile = logFile;
  }

  int run(Config config, List<String> args) throws Exception {
    double minutes = args.isEmpty() ? 10 : Double.parseDouble(args.get(0));
    Path home = HostConfig.home(config);
    Path video = DemoCommand.sampleTalk(home.resolve("bench")
        .resolve(String.format(Locale.ROOT, "talk-%.0fmin.mp4", minutes)), minutes, err);
    Path outDir = home.resolve("bench").resolve("out");
    long t0 = System.nanoTime();
    ClipCommand.Outcome o = new ClipCommand(out, err, logFile)
        .run(config, ClipCommand.parse(List.of(video.toString(), "--out", outDir.toString())));
    double jobSeconds = (System.nanoTime() - t0) / 1e9;
    long peakKb = peakRssKb();
    if (o.exitCode() != 0) {
      err.println("bench: the job failed; no figures");
      return o.exitCode();
    }
    JobState s = o.view().state();

    double floor = 0;
    Path floorDir = Files.createTempDirectory("clipper-floor");
    try {
      int[] crop = CropPath.cropSize(s.source().width(), s.source().height(), 1080, 1920);
      for (var c : s.clips()) {
        Path f = floorDir.resolve("floor-" + c.index() + ".mp4");
        long f0 = System.nanoTime();
        ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", fmt(c.start()), "-t",
            fmt(c.duration()), "-i", video.toString(), "-vf",
            "crop=" + crop[0] + ":" + crop[1] + ",scale=1080:1920", "-c:v", "libx264", "-preset", "veryfast",
            "-crf", "21", "-c:a", "aac", f.toString()), Duration.ofMinutes(30));
        floor += (System.nanoTime() - f0) / 1e9;
      }
    } finally {
      try (var st = Files.list(floorDir)) {
        for (Path p : st.toList()) Files.deleteIfExists(p);
      }
      Files.deleteIfExists(floorDir);
    }

    double clipSeconds = s.clips().stream().mapToDouble(c -> c.duration()).sum();
    out.printf(Locale.ROOT, "%nbenchmark: %.1f-minute source, %d clips, %.0f s of clips%n", s.source().duration() / 60,
        s.clips().size(), clipSeconds);
    out.println("stage          seconds");
    for (Map.Entry<String, Double> e : stageSeconds(s).entrySet()) {
      out.printf(Locale.ROOT, "  %-12s %7.1f%n", e.getKey(), e.getValue());
    }
    out.printf(Locale.ROOT, "whole job      %7.1f s (wall, including node start)%n", jobSeconds);
    out.printf(Locale.ROOT, "ffmpeg floor   %7.1f s (plain veryfast crf 21 centre-crop encodes, same ranges)%n",
        floor);
    out.printf(Locale.ROOT, "ratio          %7.2f × the floor%n", jobSeconds / floor);
    out.printf(Locale.ROOT, "peak memory    %7.0f MiB (node JVM resident set, VmHWM)%n", peakKb / 1024.0);
    return 0;
  }

  /** Seconds spent in each stage, from the persisted stage start times. */
  static Map<String, Double> stageSeconds(JobState s) {
    List<String> order = List.of("fetching", "transcribing", "scoring", "tracking", "encoding", "completed");
    Map<String, Double> out = new TreeMap<>((a, b) -> order.indexOf(a) - order.indexOf(b));
    List<String> present = new ArrayList<>();
    for (String st : order) if (s.stageStartedAt().containsKey(st)) present.add(st);
    for (int i = 0; i + 1 < present.size(); i++) {
      out.put(present.get(i), (s.stageStartedAt().get(present.get(i + 1)) - s.stageStartedAt().get(present.get(i)))
          / 1000.0);
    }
    return out;
  }

  static long peakRssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
    return -1;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
