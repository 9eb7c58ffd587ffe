package dev.clipper.host;

import com.typesafe.config.Config;
import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The command-line entry point: clip, demo, bench. */
public final class Main {
  private Main() {}

  public static void main(String[] argv) {
    System.exit(run(argv));
  }

  static int run(String[] argv) {
    List<String> args = Arrays.asList(argv);
    if (args.isEmpty() || args.contains("-h") || args.contains("--help") || args.get(0).equals("help")) {
      usage();
      return args.isEmpty() ? 2 : 0;
    }
    Path logFile = setUpLogging();
    try {
      Config config = HostConfig.load(Map.of());
      List<String> rest = args.subList(1, args.size());
      return switch (args.get(0)) {
        case "clip" -> new ClipCommand(System.out, System.err, logFile).run(config, ClipCommand.parse(rest))
            .exitCode();
        case "demo" -> new DemoCommand(System.out, System.err, logFile).run(config, rest);
        case "bench" -> new BenchCommand(System.out, System.err, logFile).run(config, rest);
        default -> throw new ClipperException(ErrorCode.BAD_OPTION,
            "unknown command '" + args.get(0) + "' (clip, demo, bench)");
      };
    } catch (ClipperException e) {
      System.err.println("error: " + e.code().code() + ": " + e.getMessage());
      return e.code() == ErrorCode.INTERNAL || e.code().isTransient() ? 1 : 2;
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(Main.class).error("internal failure", e);
      System.err.println("error: internal: " + e.getMessage());
      System.err.println("clipper: internal failure; details in " + logFile);
      return 1;
    }
  }

  /** Logs go to $CLIPPER_HOME/logs/clipper.log; this must run before the first logger is created. */
  private static Path setUpLogging() {
    String home = System.getenv("CLIPPER_HOME");
    Path dir = (home != null && !home.isBlank() ? Path.of(home)
        : Path.of(System.getProperty("user.home"), ".local", "share", "clipper")).resolve("logs");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      dir = Path.of(System.getProperty("java.io.tmpdir"));
    }
    Path file = dir.resolve("clipper.log").toAbsolutePath();
    System.setProperty("clipper.log.file", file.toString());
    return file;
  }

  private static void usage() {
    System.out.println("""
        Clipper: turns a long talking video into short vertical clips with burned-in captions.

        usage:
          clipper clip INPUT [--out DIR] [--clips N] [--min S] [--max S]
              INPUT    a video file or an http(s) URL
              --out    output directory (default ./clips/<job-id>)
              --clips  at most N clips (default 10)
              --min    shortest clip in seconds (default 15)
              --max    longest clip in seconds (default 90)
          clipper demo     build a sample talking video from bundled public media and clip it
          clipper bench    measure a ~10-minute job against an ffmpeg-only floor

        exit codes: 0 done, 2 the input cannot be clipped (error: CODE: message), 1 internal failure
        """);
  }
}
