package dev.clipper.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.process.ProcessRunner;
import dev.clipper.sample.Assets;
import dev.clipper.sample.SampleVideo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every input that cannot be clipped ends with exit code 2 and one clear "error: CODE: message" line within
 * two minutes, with no stack trace, leaving the input untouched and writing no output directory.
 */
class CliErrorsTest {
  @TempDir static Path media;

  @BeforeAll
  static void buildBadInputs() throws Exception {
    Path good = Media.shortTalk().file();
    Files.createFile(media.resolve("empty.mp4"));
    Files.writeString(media.resolve("notes.mp4"), "these are my notes, not a video\n");
    byte[] bytes = Files.readAllBytes(good);
    Files.write(media.resolve("truncated.mp4"), java.util.Arrays.copyOf(bytes, bytes.length * 2 / 5));
    ffmpeg("-i", good.toString(), "-vn", "-c:a", "copy", media.resolve("audio-only.m4a").toString());
    ffmpeg("-i", good.toString(), "-an", "-c:v", "copy", media.resolve("no-audio.mp4").toString());
    ffmpeg("-i", good.toString(), "-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-map", "0:v", "-map", "1:a",
        "-shortest", "-c:v", "copy", "-c:a", "aac", media.resolve("silent.mp4").toString());
    SampleVideo.talkingVideo(Assets.photo("jesper.jpg"), List.of("This video is far too short to clip."),
        new SampleVideo.Look(320, 180, 15, 0, 8), media.resolve("short.mp4"));
  }

  private static void ffmpeg(String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-y"));
    cmd.addAll(List.of(args));
    ProcessRunner.runChecked(cmd, Duration.ofMinutes(2));
  }

  static Stream<Arguments> badInputs() {
    return Stream.of(
        Arguments.of("empty.mp4", "not_a_video"),
        Arguments.of("notes.mp4", "not_a_video"),
        Arguments.of("truncated.mp4", "not_a_video"),
        Arguments.of("audio-only.m4a", "not_a_video"),
        Arguments.of("no-audio.mp4", "no_audio"),
        Arguments.of("silent.mp4", "no_speech"),
        Arguments.of("short.mp4", "source_too_short"),
        Arguments.of("missing.mp4", "source_not_found"),
        Arguments.of("http://127.0.0.1:9/talk.mp4", "url_blocked"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("badInputs")
  void refusedWithCodeAndNothingHarmed(String input, String code, @TempDir Path home, @TempDir Path cwd)
      throws Exception {
    String arg = input.startsWith("http") ? input : media.resolve(input).toString();
    String before = digest(arg);

    Cli.Run run = Cli.clipper(home, cwd, 150, "clip", arg);

    assertEquals(2, run.exitCode(), () -> "stderr:\n" + run.stderr());
    List<String> errors = run.stderr().lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(1, errors.size(), run.stderr());
    assertTrue(errors.get(0).startsWith("error: " + code + ": "), errors.get(0));
    assertTrue(errors.get(0).length() > ("error: " + code + ": ").length() + 10, "a message a person reads");
    assertFalse(run.stderr().contains("Exception") || run.stderr().contains("\tat "), run.stderr());
    assertTrue(run.seconds() < 120, "took " + run.seconds() + " s");
    assertEquals(before, digest(arg), "the input was changed");
    assertFalse(Files.exists(cwd.resolve("clips")), "no output directory for a failed job");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badOptions")
  void badOptionsAreRefusedBeforeAnyWork(List<String> args, @TempDir Path home, @TempDir Path cwd)
      throws Exception {
    Cli.Run run = Cli.clipper(home, cwd, 60, args.toArray(String[]::new));
    assertEquals(2, run.exitCode(), run.stderr());
    assertTrue(run.stderr().startsWith("error: bad_option: "), run.stderr());
  }

  static Stream<Arguments> badOptions() {
    return Stream.of(
        Arguments.of(List.of("clip", "x.mp4", "--clips", "0")),
        Arguments.of(List.of("clip", "x.mp4", "--min", "40", "--max", "20")),
        Arguments.of(List.of("clip", "x.mp4", "--max", "lots")),
        Arguments.of(List.of("clip")));
  }

  private static String digest(String input) throws IOException, java.security.NoSuchAlgorithmException {
    Path p = Path.of(input);
    if (input.startsWith("http") || !Files.exists(p)) return "absent";
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
