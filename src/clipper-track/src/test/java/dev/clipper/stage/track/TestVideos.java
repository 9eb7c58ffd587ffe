package dev.clipper.stage.track;

import dev.clipper.crop.CropPath;
import dev.clipper.process.ProcessRunner;
import dev.clipper.sample.SampleVideo;
import dev.clipper.stage.track.BlazeFace.Face;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Test media built from the real photos, and the truth about where the faces in them are. */
final class TestVideos {
  private TestVideos() {}

  /** Where a face of the photo is at time t in a {@link SampleVideo#talkingVideo} made with {@code look}. */
  record PannedFace(double photoX, double photoY, int photoWidth, int photoHeight, SampleVideo.Look look) {
    static PannedFace of(Face faceInPhoto, int photoWidth, int photoHeight, SampleVideo.Look look) {
      return new PannedFace(faceInPhoto.centreX(), faceInPhoto.centreY(), photoWidth, photoHeight, look);
    }

    double x(double t) {
      return SampleVideo.framePosition(look, photoWidth, photoHeight, photoX, photoY, t)[0];
    }

    double y() {
      return SampleVideo.framePosition(look, photoWidth, photoHeight, photoX, photoY, 0)[1];
    }
  }


  /** A still shot: the photo scaled to {@code scaledWidth}, cropped to width×height at (x, y), for some seconds. */
  record Still(Path photo, int scaledWidth, int x, int y, double seconds) {}

  /** Video only (H.264), the stills one after another with hard cuts between them. */
  static void shots(List<Still> stills, int width, int height, int fps, Path out) {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-y"));
    StringBuilder filter = new StringBuilder();
    for (int i = 0; i < stills.size(); i++) {
      Still s = stills.get(i);
      cmd.addAll(List.of("-loop", "1", "-framerate", String.valueOf(fps), "-t", num(s.seconds()), "-i",
          s.photo().toString()));
      filter.append(String.format(Locale.ROOT, "[%d:v]scale=%d:-2,crop=%d:%d:%d:%d,setsar=1,format=yuv420p[v%d];",
          i, s.scaledWidth(), width, height, s.x(), s.y(), i));
    }
    for (int i = 0; i < stills.size(); i++) filter.append("[v").append(i).append(']');
    filter.append("concat=n=").append(stills.size()).append(":v=1:a=0[v]");
    cmd.addAll(List.of("-filter_complex", filter.toString(), "-map", "[v]", "-c:v", "libx264", "-preset",
        "ultrafast", "-crf", "26", out.toString()));
    ProcessRunner.runChecked(cmd, Duration.ofMinutes(2));
  }

  /** Re-encodes a video with temporal noise of the given strength (ffmpeg's noise filter, 0..100). */
  static void addNoise(Path in, int strength, Path out) {
    ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", in.toString(), "-vf",
        "noise=alls=" + strength + ":allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "26", "-c:a",
        "copy", out.toString()), Duration.ofMinutes(2));
  }

  /** The window's left edge at time t: the last keyframe at or before t holds. */
  static CropPath.Keyframe at(CropPath path, double t) {
    CropPath.Keyframe current = path.keyframes().get(0);
    for (CropPath.Keyframe k : path.keyframes()) {
      if (k.t() <= t) current = k;
    }
    return current;
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
