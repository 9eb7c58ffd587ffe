package dev.clipper.process;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a child process with a time limit, always capturing its exit code and the tail of its stderr.
 * Failures become {@link ClipperException}s with {@link ErrorCode#TOOL_FAILED} and the stderr tail as detail.
 */
public final class ProcessRunner {
  private static final Logger log = LoggerFactory.getLogger(ProcessRunner.class);
  private static final int TAIL_LINES = 25;

  private ProcessRunner() {}

  /** The outcome of a finished process. stdout is kept whole; stderr only as its last lines. */
  public record Result(int exitCode, byte[] stdout, String stderrTail) {
    public String stdoutText() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  /** Runs and returns the result whatever the exit code; throws only on timeout or when it cannot start. */
  public static Result run(List<String> command, Duration timeout) {
    return run(command, timeout, null, null);
  }

  /**
   * Runs a command. When {@code stdoutConsumer} is given, stdout is streamed to it instead of being kept,
   * and stderr lines are passed to {@code stderrLine} as they arrive (for progress parsing).
   */
  public static Result run(List<String> command, Duration timeout, Consumer<InputStream> stdoutConsumer,
      Consumer<String> stderrLine) {
    String tool = Path.of(command.get(0)).getFileName().toString();
    Process p;
    try {
      p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new ClipperException(ErrorCode.TOOL_FAILED, tool + " could not be started: " + e.getMessage(), e);
    }
    Deque<String> tail = new ArrayDeque<>();
    Thread errReader = new Thread(() -> {
      try (var r = p.errorReader(StandardCharsets.UTF_8)) {
        String line;
        while ((line = r.readLine()) != null) {
          if (stderrLine != null) stderrLine.accept(line);
          synchronized (tail) {
            tail.addLast(line);
            if (tail.size() > TAIL_LINES) tail.removeFirst();
          }
        }
      } catch (IOException ignored) {
        // the process ended; nothing more to read
      }
    }, tool + "-stderr");
    errReader.setDaemon(true);
    errReader.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread outReader = new Thread(() -> {
      try (InputStream in = p.getInputStream()) {
        if (stdoutConsumer != null) {
          stdoutConsumer.accept(in);
          drain(in);
        } else {
          in.transferTo(out);
        }
      } catch (IOException | UncheckedIOException e) {
        // the consumer stopped reading or the process died: the exit code and stderr tell the story
        log.debug("{} stdout ended early: {}", tool, e.getMessage());
      }
    }, tool + "-stdout");
    outReader.setDaemon(true);
    outReader.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new ClipperException(ErrorCode.TOOL_FAILED,
            tool + " did not finish within " + timeout.toSeconds() + " s and was killed", tailOf(tail), null);
      }
      outReader.join(TimeUnit.SECONDS.toMillis(10));
      errReader.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ClipperException(ErrorCode.CANCELLED, tool + " was interrupted", e);
    }
    Result r = new Result(p.exitValue(), out.toByteArray(), tailOf(tail));
    if (r.exitCode() != 0) {
      log.warn("{} exited with {}; stderr tail:\n{}", tool, r.exitCode(), r.stderrTail());
    }
    return r;
  }

  /** Runs and throws {@link ErrorCode#TOOL_FAILED} (with exit code and stderr tail) unless it exits 0. */
  public static Result runChecked(List<String> command, Duration timeout) {
    Result r = run(command, timeout);
    requireSuccess(command, r);
    return r;
  }

  public static void requireSuccess(List<String> command, Result r) {
    if (r.exitCode() != 0) {
      String tool = Path.of(command.get(0)).getFileName().toString();
      throw new ClipperException(ErrorCode.TOOL_FAILED,
          tool + " failed with exit code " + r.exitCode() + lastLine(r.stderrTail()), r.stderrTail(), null);
    }
  }

  private static String lastLine(String tail) {
    if (tail == null || tail.isBlank()) return "";
    String[] lines = tail.strip().split("\n");
    return ": " + lines[lines.length - 1];
  }

  private static String tailOf(Deque<String> tail) {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  /** Drains what a consumer left unread (a consumer may also have closed the stream: nothing to drain). */
  private static void drain(InputStream in) {
    try {
      in.transferTo(OutputStreamSink.INSTANCE);
    } catch (IOException ignored) {
      // closed by the consumer
    }
  }

  /** Drains whatever a stdout consumer left unread, so the child never blocks on a full pipe. */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
