package dev.clipper.stage.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.crop.CropPath;
import dev.clipper.crop.CropPath.Keyframe;
import dev.clipper.media.FFprobe;
import dev.clipper.media.MediaInfo;
import dev.clipper.sample.Assets;
import dev.clipper.sample.SampleVideo;
import dev.clipper.stage.track.BlazeFace.Face;
import dev.clipper.stage.track.TestVideos.PannedFace;
import dev.clipper.stage.track.TestVideos.Still;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracker on real talking videos built from real photos, checked against where the face truly is: the face
 * is found once in the still photo, and the video's known pan expression says where it is in every frame.
 */
class FaceTrackerTest {
  private static final TrackSettings SETTINGS = TrackSettings.DEFAULTS;
  /** A 9:16 window over a 640x360 frame is 202 px wide. */
  private static final int OUT_W = 1080;
  private static final int OUT_H = 1920;

  private static FaceTracker tracker;
  private static BlazeFace detector;

  @TempDir
  Path dir;

  @BeforeAll
  static void load() {
    tracker = new FaceTracker(Assets.faceModel(), SETTINGS);
    detector = new BlazeFace(Assets.faceModel());
  }

  @AfterAll
  static void close() {
    tracker.close();
    detector.close();
  }

  @Test
  void followsAPanningFaceSmoothly() {
    SampleVideo.Look look = new SampleVideo.Look(640, 360, 25, 100, 6);
    Path photo = Assets.photo("jesper_2.jpg");
    SampleVideo.Built clean = SampleVideo.talkingVideo(photo, SampleVideo.talk(0.25), look, dir.resolve("pan.mp4"));
    // Sensor-like noise, fresh in every frame, makes the detections wobble as they do on real footage.
    SampleVideo.Built video =
        new SampleVideo.Built(dir.resolve("noisy.mp4"), clean.sentences(), clean.durationSeconds());
    TestVideos.addNoise(clean.file(), 15, video.file());
    PannedFace face = truth(photo, look, 0);

    List<Double> progress = new ArrayList<>();
    MediaInfo info = FFprobe.probe(video.file());
    CropPath path = tracker.track(video.file(), info, 0, video.durationSeconds(), OUT_W, OUT_H, progress::add);

    assertEquals("face", path.method(), path.reason());
    assertEquals(202, path.width());
    assertEquals(360, path.height());
    int inside = 0;
    List<Double> offsets = new ArrayList<>();
    int checks = 0;
    for (double t = 0; t < video.durationSeconds(); t += 0.1, checks++) {
      Keyframe k = TestVideos.at(path, t);
      double fx = face.x(t);
      if (fx >= k.x() && fx <= k.x() + path.width()) inside++;
      offsets.add(Math.abs(fx - (k.x() + path.width() / 2.0)));
    }
    offsets.sort(Comparator.naturalOrder());
    double median = offsets.get(offsets.size() / 2);
    assertTrue(inside >= 0.95 * checks, "face inside the window at " + inside + " of " + checks + " times");
    assertTrue(median < 0.15 * path.width(), "median offset from the window centre " + median + " px");

    assertSmooth(path, video.durationSeconds(), look);
    assertEquals(1.0, progress.get(progress.size() - 1));
    assertTrue(progress.size() > 10, "progress reported " + progress.size() + " times");
  }

  @Test
  void holdsStillWhenTheSubjectBarelyMoves() {
    // A pan of ±12 px: a little beyond the dead zone (16 px), but so small that steady mode must keep one window
    // for the whole clip.
    SampleVideo.Look look = new SampleVideo.Look(640, 360, 25, 12, 4);
    Path photo = Assets.photo("jesper_2.jpg");
    SampleVideo.Built video = SampleVideo.talkingVideo(photo, SampleVideo.talk(0.1), look, dir.resolve("still.mp4"));
    PannedFace face = truth(photo, look, 0);

    CropPath path = tracker.track(video.file(), 0, video.durationSeconds(), OUT_W, OUT_H);

    assertEquals("face", path.method(), path.reason());
    assertEquals(1, path.keyframes().size(), () -> "keyframes: " + path.keyframes());
    Keyframe k = path.keyframes().get(0);
    assertTrue(Math.abs(face.x(0) - (k.x() + path.width() / 2.0)) < 0.1 * path.width(),
        "face at " + face.x(0) + ", window " + k);
  }

  @Test
  void staysOnOneOfTwoFaces() {
    // bar55_2.jpg: two people side by side, about 150 px apart in a 640 px frame, panning together. The window
    // (202 px) cannot hold both; it must pick one and stay with it rather than hop between them.
    SampleVideo.Look look = new SampleVideo.Look(640, 360, 25, 80, 5);
    Path photo = Assets.photo("bar55_2.jpg");
    SampleVideo.Built video = SampleVideo.talkingVideo(photo, SampleVideo.talk(0.15), look, dir.resolve("two.mp4"));
    PannedFace left = truth(photo, look, 0);
    PannedFace right = truth(photo, look, 1);

    CropPath path = tracker.track(video.file(), 0, video.durationSeconds(), OUT_W, OUT_H);

    assertEquals("face", path.method(), path.reason());
    int nearLeft = 0;
    int nearRight = 0;
    for (double t = 0; t < video.durationSeconds(); t += 0.1) {
      Keyframe k = TestVideos.at(path, t);
      double centre = k.x() + path.width() / 2.0;
      double dl = Math.abs(left.x(t) - centre);
      double dr = Math.abs(right.x(t) - centre);
      if (Math.min(dl, dr) < path.width() / 2.0) {
        if (dl < dr) nearLeft++;
        else nearRight++;
      }
    }
    int total = nearLeft + nearRight;
    assertTrue(Math.max(nearLeft, nearRight) >= 0.95 * total && total > 0,
        "window near the left face " + nearLeft + " times, near the right face " + nearRight + " times");
    assertSmooth(path, video.durationSeconds(), look);
  }

  @Test
  void jumpsAtASceneCutInsteadOfPanning() {
    // Two shots: a face at the left of the frame, then a different person at the right.
    Path a = Assets.photo("jesper_2.jpg");
    Path b = Assets.photo("anne_helene.jpg");
    Path video = dir.resolve("cut.mp4");
    TestVideos.shots(List.of(new Still(a, 960, 320, 92, 3.0), new Still(b, 960, 0, 290, 3.0)), 640, 360, 25, video);
    double faceA = detector.detect(a).get(0).centreX() * 960 / 800 - 320;
    double faceB = detector.detect(b).get(0).centreX() * 960 / 400;

    CropPath path = tracker.track(video, 0, 6.0, OUT_W, OUT_H);

    assertEquals("face", path.method(), path.reason());
    double before = TestVideos.at(path, 2.7).x() + path.width() / 2.0;
    double after = TestVideos.at(path, 3.3).x() + path.width() / 2.0;
    assertTrue(Math.abs(before - faceA) < 0.15 * path.width(), "before the cut the window is at " + before
        + ", the face at " + faceA);
    assertTrue(Math.abs(after - faceB) < 0.15 * path.width(), "after the cut the window is at " + after
        + ", the face at " + faceB);
    assertTrue(path.keyframes().size() <= 3, () -> "two still shots need two keyframes: " + path.keyframes());
  }

  @Test
  void fallsBackToACentreCropWithoutFaces() {
    SampleVideo.Look look = new SampleVideo.Look(640, 360, 25, 40, 6);
    SampleVideo.Built video = SampleVideo.talkingVideo(Assets.photo("spiff.jpg"), SampleVideo.talk(0.05), look,
        dir.resolve("rabbit.mp4"));

    CropPath path = tracker.track(video.file(), 0, video.durationSeconds(), OUT_W, OUT_H);

    assertEquals("centre", path.method());
    assertTrue(path.reason().startsWith("no face found in "), path.reason());
    assertEquals(List.of(new Keyframe(0, (640 - 202) / 2, 0)), path.keyframes());
  }

  @Test
  void fallsBackToACentreCropWhenFfmpegCannotDecode() throws Exception {
    Path notVideo = dir.resolve("broken.mp4");
    java.nio.file.Files.write(notVideo, new byte[4096]);
    MediaInfo claimed = new MediaInfo(10, true, false, 1920, 1080, 30, "h264", null, "mov,mp4", 4096);

    CropPath path = tracker.track(notVideo, claimed, 0, 5, OUT_W, OUT_H, p -> {});

    assertEquals("centre", path.method());
    assertTrue(path.reason().startsWith("ffmpeg could not decode the clip"), path.reason());
    assertEquals(608, path.width());
    assertEquals(1080, path.height());
  }

  @Test
  void fallsBackToACentreCropWhenTheModelIsMissing() {
    try (FaceTracker broken = new FaceTracker(dir.resolve("missing.onnx"), SETTINGS)) {
      MediaInfo info = new MediaInfo(10, true, false, 1280, 720, 25, "h264", null, "mov,mp4", 1);

      CropPath path = broken.track(dir.resolve("any.mp4"), info, 0, 5, OUT_W, OUT_H, p -> {});

      assertEquals("centre", path.method());
      assertTrue(path.reason().startsWith("the face model could not be loaded"), path.reason());
    }
  }

  /** The face of the photo with index {@code which} (0 = leftmost), as it moves in the video. */
  private static PannedFace truth(Path photo, SampleVideo.Look look, int which) {
    RgbFrame still = RgbFrame.read(photo);
    List<Face> faces = detector.detect(still).stream().sorted(Comparator.comparingDouble(Face::centreX)).toList();
    return PannedFace.of(faces.get(which), still.width(), still.height(), look);
  }

  /**
   * No step faster than the speed limit allows (plus rounding), and no jitter: the window turns around no more
   * often than the subject does (the pan reverses twice per period).
   */
  private static void assertSmooth(CropPath path, double duration, SampleVideo.Look look) {
    List<Keyframe> ks = path.keyframes();
    double maxStep = 0;
    for (int i = 1; i < ks.size(); i++) {
      Keyframe a = ks.get(i - 1);
      Keyframe b = ks.get(i);
      double allowed = SETTINGS.maxSpeed() * path.width() * (b.t() - a.t()) + 2;
      int step = Math.abs(b.x() - a.x());
      maxStep = Math.max(maxStep, step);
      assertTrue(step <= allowed, "the window moved " + step + " px between " + a + " and " + b);
    }
    int reversals = 0;
    int direction = 0;
    for (int i = 1; i < ks.size(); i++) {
      int d = Integer.signum(ks.get(i).x() - ks.get(i - 1).x());
      if (d != 0 && direction != 0 && d != direction) reversals++;
      if (d != 0) direction = d;
    }
    double subjectReversals = Math.ceil(2 * duration / look.panPeriod());
    assertTrue(reversals <= subjectReversals + 1,
        "the window reversed " + reversals + " times; the subject about " + subjectReversals);
  }
}
