package dev.clipper.stage.track;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clipper.crop.CropPath;
import dev.clipper.process.ProcessRunner;
import dev.clipper.sample.Assets;
import dev.clipper.sample.SampleVideo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timings, printed rather than asserted (machines differ): detector milliseconds per frame and tracker wall time
 * per clip-second on a 1080p source. Run with {@code -Dclipper.bench=true -Dtest=TrackBenchmark}.
 */
@EnabledIfSystemProperty(named = "clipper.bench", matches = "true")
class TrackBenchmark {
  @TempDir
  Path dir;

  @Test
  void detectorAndTrackerSpeed() {
    for (int threads : new int[] {1, 2}) {
      try (BlazeFace detector = new BlazeFace(Assets.faceModel(), threads, 0.7)) {
        RgbFrame photo = RgbFrame.read(Assets.photo("bar55_2.jpg"));
        RgbFrame frame = new RgbFrame(640, 360, java.util.Arrays.copyOf(photo.pixels(), 640 * 360 * 3));
        for (int i = 0; i < 100; i++) detector.detect(frame);
        int runs = 300;
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) detector.detect(frame);
        System.out.printf("BENCH detector, %d thread(s), 640x360 frame: %.2f ms/frame%n", threads,
            (System.nanoTime() - t0) / 1e6 / runs);
      }
    }

    long b0 = System.nanoTime();
    SampleVideo.Built video = SampleVideo.talkingVideo(Assets.photo("jesper_2.jpg"), SampleVideo.talk(0.5),
        SampleVideo.Look.FULL_HD, dir.resolve("hd.mp4"));
    System.out.printf("BENCH built a %.1f s 1080p video in %.1f s%n", video.durationSeconds(),
        (System.nanoTime() - b0) / 1e9);
    // The sample video is x264 "ultrafast" (no CABAC, cheap to decode); typical downloads decode slower, so
    // time a "veryfast" High-profile copy as well.
    Path typical = dir.resolve("hd-veryfast.mp4");
    ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", video.file().toString(),
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-c:a", "copy", typical.toString()),
        Duration.ofMinutes(10));
    try (FaceTracker tracker = new FaceTracker(Assets.faceModel(), TrackSettings.DEFAULTS)) {
      tracker.track(video.file(), 0, 3, 1080, 1920); // warm-up
      for (Path file : List.of(video.file(), typical)) {
        long t0 = System.nanoTime();
        CropPath path = tracker.track(file, 0, video.durationSeconds(), 1080, 1920);
        double wall = (System.nanoTime() - t0) / 1e9;
        assertEquals("face", path.method(), path.reason());
        System.out.printf("BENCH tracker, 1080p %s: %.1f s for %.1f s of clip = %.3f s per clip-second, "
            + "%d keyframes%n", file.getFileName(), wall, video.durationSeconds(), wall / video.durationSeconds(),
            path.keyframes().size());
      }
    }
  }
}
