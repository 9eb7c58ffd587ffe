package dev.clipper.stage.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.sample.Assets;
import dev.clipper.stage.track.BlazeFace.Face;
import dev.clipper.stage.track.BlazeFace.Point;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** BlazeFace on real photos; expected places were read off the photos by eye. */
class BlazeFaceTest {
  private static BlazeFace detector;

  @BeforeAll
  static void load() {
    detector = new BlazeFace(Assets.faceModel());
  }

  @AfterAll
  static void close() {
    detector.close();
  }

  @Test
  void findsTheOneFaceInAClose_up() {
    List<Face> faces = detector.detect(Assets.photo("jesper.jpg"));

    assertEquals(1, faces.size(), () -> "faces: " + faces);
    Face face = faces.get(0);
    assertTrue(face.score() > 0.7, "score " + face.score());
    // The face fills the middle of the 800x533 photo, centred near (430, 230), about 600 px across.
    assertNear(430, 230, face.centreX(), face.centreY(), 60);
    assertTrue(face.width() > 450 && face.width() < 750, "width " + face.width());
  }

  @Test
  void placesBoxAndEyesOnAFrontalFace() {
    List<Face> faces = detector.detect(Assets.photo("jesper_2.jpg"));

    assertEquals(1, faces.size(), () -> "faces: " + faces);
    Face face = faces.get(0);
    assertTrue(face.score() > 0.7, "score " + face.score());
    // Eyes at about (325, 210) and (440, 212); nose tip at about (373, 285); mouth at about (378, 345).
    assertNear(325, 210, face.keypoints().get(0), 20);
    assertNear(440, 212, face.keypoints().get(1), 20);
    assertNear(373, 285, face.keypoints().get(2), 25);
    assertNear(378, 345, face.keypoints().get(3), 25);
    assertTrue(face.x() < 300 && face.x() + face.width() > 470, "box spans both cheeks: " + face);
  }

  @Test
  void findsTheTwoFacesInFrontInABar() {
    // bar55.jpg: a couple in front; a woman at the left edge, half cut off, scores only about 0.55, and three
    // people behind them are small, dim or in profile: at 0.7 only the couple counts.
    List<Face> faces = detector.detect(Assets.photo("bar55.jpg")).stream()
        .sorted(Comparator.comparingDouble(Face::centreX)).toList();

    assertEquals(2, faces.size(), () -> "faces: " + faces);
    assertNear(312, 295, faces.get(0).centreX(), faces.get(0).centreY(), 40);
    assertNear(408, 225, faces.get(1).centreX(), faces.get(1).centreY(), 40);
  }

  @Test
  void findsNoFaceOnAnimals() {
    // A rabbit that scores about 0.58 and a dog whose face is not found at all.
    assertEquals(List.of(), detector.detect(Assets.photo("spiff.jpg")));
    assertEquals(List.of(), detector.detect(Assets.photo("donna.jpg")));
  }

  @Test
  void lowerThresholdRevealsTheHalfHiddenFace() throws Exception {
    try (BlazeFace lenient = new BlazeFace(Assets.faceModel(), 1, 0.5)) {
      List<Face> faces = lenient.detect(ImageIO.read(Assets.photo("bar55.jpg").toFile()));

      assertEquals(3, faces.size(), () -> "faces: " + faces);
      assertTrue(faces.stream().anyMatch(f -> f.centreX() < 60 && Math.abs(f.centreY() - 200) < 40),
          () -> "no face at the left edge: " + faces);
    }
  }

  @Test
  void findsAFaceInAnImageSmallerThanTheModelInput() throws Exception {
    // 160x106: the detector enlarges it into its 256x256 input; the face must come back in this image's pixels.
    BufferedImage photo = ImageIO.read(Assets.photo("jesper_2.jpg").toFile());
    BufferedImage small = new BufferedImage(160, 106, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = small.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(photo, 0, 0, 160, 106, null);
    g.dispose();

    List<Face> faces = detector.detect(small);

    assertEquals(1, faces.size(), () -> "faces: " + faces);
    // jesper_2.jpg's face centre, about (393, 263), scaled by 0.2.
    assertNear(78.6, 52.6, faces.get(0).centreX(), faces.get(0).centreY(), 6);
  }

  private static void assertNear(double x, double y, Point p, double tolerance) {
    assertNear(x, y, p.x(), p.y(), tolerance);
  }

  private static void assertNear(double x, double y, double ax, double ay, double tolerance) {
    double d = Math.hypot(ax - x, ay - y);
    assertTrue(d <= tolerance, String.format("(%.0f, %.0f) is %.0f px from (%.0f, %.0f)", ax, ay, d, x, y));
  }
}
