package dev.clipper.stage.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.crop.CropPath;
import dev.clipper.crop.CropPath.Keyframe;
import dev.clipper.stage.track.BlazeFace.Face;
import dev.clipper.stage.track.PathFitter.Sample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Subject choice and shot handling on detections laid out by hand, for situations real test media cannot stage
 * reliably (faces detected in alternate frames, a subject leaving, a cutaway). A 1920x1080 source and a 9:16
 * window, 608 px wide; 5 samples a second.
 */
class PathFitterTest {
  private static final TrackSettings SETTINGS = TrackSettings.DEFAULTS;
  private static final int WINDOW = 608;

  private final PathFitter fitter = new PathFitter(SETTINGS, 1920, 1080, 1080, 1920);

  @Test
  void keepsOneSubjectWhenTwoFacesAreEachSeenOnlyEveryOtherFrame() {
    // Two people 600 px apart, each missed in every other sample: a per-frame choice would hop between them.
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Face left = face(500, 400, 200, 0.90);
      Face right = face(1100, 400, 190, 0.92);
      samples.add(new Sample(i / 5.0, List.of(i % 2 == 0 ? left : right), false));
    }

    CropPath path = fitter.fit(samples, 10);

    assertEquals("face", path.method());
    assertEquals(1, path.keyframes().size(), () -> "keyframes " + path.keyframes());
    double centre = path.keyframes().get(0).x() + WINDOW / 2.0;
    assertTrue(Math.abs(centre - 500) < 30 || Math.abs(centre - 1100) < 30, "window centre " + centre);
  }

  @Test
  void turnsToTheRemainingPersonWhenTheSubjectLeaves() {
    // A large face for 6 s, a smaller one throughout (the large one weighs more: 30 sightings x 300 px against
    // 60 x 120 px); after it leaves, the window moves over to the other.
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      List<Face> faces = new ArrayList<>();
      if (i < 30) faces.add(face(500, 400, 300, 0.9));
      faces.add(face(1400, 450, 120, 0.85));
      samples.add(new Sample(i / 5.0, faces, false));
    }

    CropPath path = fitter.fit(samples, 12);

    assertEquals("face", path.method());
    assertEquals(500, TestVideos.at(path, 2.0).x() + WINDOW / 2.0, 30);
    assertEquals(1400, TestVideos.at(path, 11.9).x() + WINDOW / 2.0, 0.1 * WINDOW);
    assertSpeedLimited(path);
  }

  @Test
  void holdsThePlaceThroughAFacelessCutawayAndJumpsAtTheNextCut() {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      boolean cut = i == 10 || i == 15;
      List<Face> faces = i < 10 ? List.of(face(400, 400, 200, 0.9))
          : i < 15 ? List.of()
          : List.of(face(1400, 400, 200, 0.9));
      samples.add(new Sample(i / 5.0, faces, cut));
    }

    CropPath path = fitter.fit(samples, 6);

    assertEquals("face", path.method());
    assertEquals(400, TestVideos.at(path, 2.5).x() + WINDOW / 2.0, 2, "the cutaway keeps the window");
    assertEquals(1400, TestVideos.at(path, 3.0).x() + WINDOW / 2.0, 2, "the next shot starts on its face");
    assertEquals(List.of(0.0, 2.9), path.keyframes().stream().map(Keyframe::t).toList());
  }

  @Test
  void givesACentreCropWhenFacesAreTooRare() {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      samples.add(new Sample(i / 5.0, i < 3 ? List.of(face(400, 400, 200, 0.9)) : List.of(), false));
    }

    CropPath path = fitter.fit(samples, 8);

    assertEquals("centre", path.method());
    assertEquals("a face was found in only 3 of 40 sampled frames", path.reason());
  }

  private static Face face(double centreX, double centreY, double size, double score) {
    return new Face(centreX - size / 2, centreY - size / 2, size, size, score, List.of());
  }

  private static void assertSpeedLimited(CropPath path) {
    List<Keyframe> ks = path.keyframes();
    for (int i = 1; i < ks.size(); i++) {
      double allowed = SETTINGS.maxSpeed() * path.width() * (ks.get(i).t() - ks.get(i - 1).t()) + 2;
      int step = Math.abs(ks.get(i).x() - ks.get(i - 1).x());
      assertTrue(step <= allowed, "moved " + step + " px between " + ks.get(i - 1) + " and " + ks.get(i));
    }
  }
}
