package dev.clipper.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real command-line tool in its own JVM, as a user would, with its own CLIPPER_HOME. */
final class Cli {
  record Run(int exitCode, String stdout, String stderr, double seconds) {}

  private Cli() {}

  static Run clipper(Path home, Path workDir, long timeoutSeconds, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1536m");
    cmd.add("-Dclipper.assets=" + System.getProperty("clipper.assets"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.clipper.host.Main");
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("cli-out", ".txt");
    Path err = Files.createTempFile("cli-err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("CLIPPER_HOME", home.toString());
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("clipper " + String.join(" ", args) + " did not finish within " + timeoutSeconds
          + " s; stderr:\n" + read(err));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Run r = new Run(p.exitValue(), read(out), read(err), seconds);
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
    return r;
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
