package dev.clipper.stage.encode;

import dev.clipper.process.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Decoded frames as raw pixels, through ffmpeg, for comparing pictures in tests. */
final class Frames {
  private Frames() {}

  /** One frame at {@code t} seconds as 8-bit grey, after the optional filter chain {@code vf}. */
  static byte[] gray(Path video, double t, String vf) {
    return grab(video, t, vf, "gray");
  }

  /** One frame at {@code t} seconds as packed RGB24. */
  static byte[] rgb(Path video, double t) {
    return grab(video, t, null, "rgb24");
  }

  private static byte[] grab(Path video, double t, String vf, String pixFmt) {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error"));
    // a still image yields nothing when "seeked" to 0, so only seek into real videos
    if (t > 0) cmd.addAll(List.of("-ss", String.format(java.util.Locale.ROOT, "%.3f", t)));
    cmd.addAll(List.of("-i", video.toString(), "-frames:v", "1"));
    if (vf != null) cmd.addAll(List.of("-vf", vf));
    cmd.addAll(List.of("-f", "rawvideo", "-pix_fmt", pixFmt, "-"));
    return ProcessRunner.runChecked(cmd, Duration.ofSeconds(60)).stdout();
  }

  /** Mean absolute difference of two grey frames of the given width over rows [fromRow, toRow). */
  static double meanAbsDiff(byte[] a, byte[] b, int width, int fromRow, int toRow) {
    if (a.length != b.length) throw new IllegalArgumentException("frames differ in size");
    long sum = 0;
    for (int i = fromRow * width; i < toRow * width; i++) sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
    return (double) sum / ((long) (toRow - fromRow) * width);
  }

  /** How many pixels in rows [fromRow, toRow) of an RGB frame are close to the colour {@code #rrggbb}. */
  static int pixelsNear(byte[] rgb, int width, int fromRow, int toRow, int colour, int tolerance) {
    int r = colour >> 16 & 0xFF;
    int g = colour >> 8 & 0xFF;
    int b = colour & 0xFF;
    int n = 0;
    for (int i = fromRow * width; i < toRow * width; i++) {
      int pr = rgb[3 * i] & 0xFF;
      int pg = rgb[3 * i + 1] & 0xFF;
      int pb = rgb[3 * i + 2] & 0xFF;
      if (Math.abs(pr - r) <= tolerance && Math.abs(pg - g) <= tolerance && Math.abs(pb - b) <= tolerance) n++;
    }
    return n;
  }

  /** What {@code ffmpeg -v error -i video -f null -} prints: empty when the file decodes cleanly. */
  static String decodeErrors(Path video) {
    ProcessRunner.Result r = ProcessRunner.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-i", video.toString(),
        "-f", "null", "-"), Duration.ofMinutes(2));
    return (r.exitCode() == 0 ? "" : "exit " + r.exitCode() + "\n") + r.stderrTail();
  }
}
