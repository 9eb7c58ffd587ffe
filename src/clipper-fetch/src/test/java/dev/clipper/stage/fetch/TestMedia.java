package dev.clipper.stage.fetch;

import dev.clipper.process.ProcessRunner;
import dev.clipper.sample.Assets;
import dev.clipper.sample.SampleVideo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Builds small real media with ffmpeg for the fetch tests. */
final class TestMedia {
  static final SampleVideo.Look SMALL = new SampleVideo.Look(640, 360, 15, 60, 4);

  private TestMedia() {}

  /** About six seconds of a real face and real (synthesised) speech, H.264 + AAC, moov in front. */
  static SampleVideo.Built talkingVideo(Path out) {
    return SampleVideo.talkingVideo(Assets.photo("jesper.jpg"),
        List.of("Clipper fetches this video before anything else.", "Then it checks that people can hear it."),
        SMALL, out);
  }

  /** A test pattern with whatever audio {@code audioSource} (a lavfi source, or null for none) makes. */
  static Path pattern(Path out, double seconds, String audioSource, boolean faststart) {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
        "testsrc2=size=640x360:rate=15:duration=" + seconds));
    if (audioSource != null) cmd.addAll(List.of("-f", "lavfi", "-i", audioSource + ":duration=" + seconds));
    cmd.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p"));
    if (audioSource != null) cmd.addAll(List.of("-c:a", "aac", "-b:a", "64k"));
    if (faststart) cmd.addAll(List.of("-movflags", "+faststart"));
    cmd.add(out.toString());
    ProcessRunner.runChecked(cmd, Duration.ofSeconds(60));
    return out;
  }

  /**
   * A long, tiny video (160x90 at 1 fps, so it builds in seconds) whose tone is muted for the first
   * {@code silentSeconds}.
   */
  static Path longVideo(Path out, double seconds, double silentSeconds) {
    ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
        "testsrc2=size=160x90:rate=1:duration=" + seconds, "-f", "lavfi", "-i",
        "sine=frequency=440:duration=" + seconds, "-filter_complex",
        "[1:a]volume=volume=0:enable='lt(t," + silentSeconds + ")'[a]", "-map", "0:v", "-map", "[a]",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-c:a", "aac", "-b:a", "32k",
        "-movflags", "+faststart", out.toString()), Duration.ofSeconds(120));
    return out;
  }

  /** Speech-like tone as AAC in M4A, with the photo as its cover picture (what music files look like). */
  static Path audioWithCover(Path out) {
    ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
        "sine=frequency=300:duration=6", "-i", Assets.photo("jesper.jpg").toString(), "-map", "0:a", "-map", "1:v",
        "-c:a", "aac", "-c:v", "mjpeg", "-vf", "scale=160:-2", "-disposition:v:0", "attached_pic", out.toString()),
        Duration.ofSeconds(60));
    return out;
  }

  static Path wav(Path out) {
    ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
        "sine=frequency=300:duration=6", "-ac", "1", "-ar", "16000", out.toString()), Duration.ofSeconds(60));
    return out;
  }

  /** The first {@code fraction} of a file's bytes, as {@code head -c} would cut it. */
  static Path cut(Path source, double fraction, Path out) {
    try {
      byte[] all = Files.readAllBytes(source);
      Files.write(out, Arrays.copyOf(all, (int) (all.length * fraction)));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(Path file) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Path> listTree(Path dir) {
    try (var s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
