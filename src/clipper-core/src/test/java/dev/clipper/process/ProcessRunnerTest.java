package dev.clipper.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessRunnerTest {
  @Test
  void keepsStdoutWholeAndOnlyTheTailOfStderr() {
    ProcessRunner.Result r = ProcessRunner.run(List.of("sh", "-c",
        "echo out; for i in $(seq 1 100); do echo err$i >&2; done; exit 3"), Duration.ofSeconds(10));
    assertEquals(3, r.exitCode());
    assertEquals("out\n", r.stdoutText());
    List<String> tail = r.stderrTail().lines().toList();
    assertEquals(25, tail.size());
    assertEquals("err100", tail.get(tail.size() - 1));
  }

  @Test
  void checkedRunTurnsAFailureIntoToolFailedWithTheStderrTail() {
    ClipperException e = assertThrows(ClipperException.class, () -> ProcessRunner.runChecked(
        List.of("sh", "-c", "echo 'bad thing happened' >&2; exit 7"), Duration.ofSeconds(10)));
    assertEquals(ErrorCode.TOOL_FAILED, e.code());
    assertTrue(e.getMessage().contains("exit code 7") && e.getMessage().contains("bad thing happened"),
        e.getMessage());
    assertTrue(e.detail().contains("bad thing happened"));
  }

  @Test
  void aProcessOverItsTimeLimitIsKilled() {
    long t0 = System.nanoTime();
    ClipperException e = assertThrows(ClipperException.class,
        () -> ProcessRunner.run(List.of("sleep", "30"), Duration.ofMillis(300)));
    assertEquals(ErrorCode.TOOL_FAILED, e.code());
    assertTrue(e.getMessage().contains("killed"), e.getMessage());
    assertTrue((System.nanoTime() - t0) / 1e9 < 10, "returned promptly");
  }

  @Test
  void aMissingToolCannotStart() {
    ClipperException e = assertThrows(ClipperException.class,
        () -> ProcessRunner.run(List.of("/nonexistent/tool"), Duration.ofSeconds(5)));
    assertEquals(ErrorCode.TOOL_FAILED, e.code());
    assertTrue(e.getMessage().contains("could not be started"));
  }

  @Test
  void aConsumerThatStopsReadingEarlyDoesNotBreakTheRun() {
    ProcessRunner.Result r = ProcessRunner.run(List.of("sh", "-c", "seq 1 200000"), Duration.ofSeconds(10),
        in -> {
          try {
            in.read(new byte[16]);
            in.close();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, null);
    assertTrue(r.exitCode() == 0 || r.exitCode() == 141 || r.exitCode() == 1, "exit " + r.exitCode());
  }
}
