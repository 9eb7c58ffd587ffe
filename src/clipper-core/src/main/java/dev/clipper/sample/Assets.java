package dev.clipper.sample;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the assets that {@code scripts/setup.sh} fetches (the face model, sample photos, LibriVox speech):
 * the {@code clipper.assets} system property, else {@code CLIPPER_ASSETS}, else the nearest {@code .assets}
 * directory above the working directory. Missing assets are an error that names the setup command, never a
 * silent skip.
 */
public final class Assets {
  private Assets() {}

  public static Path dir() {
    String prop = System.getProperty("clipper.assets");
    if (prop != null && !prop.isBlank()) return check(Path.of(prop));
    String env = System.getenv("CLIPPER_ASSETS");
    if (env != null && !env.isBlank()) return check(Path.of(env));
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve(".assets"))) return p.resolve(".assets");
    }
    throw new IllegalStateException("assets not found: run scripts/setup.sh (or ./clipper demo) first");
  }

  private static Path check(Path p) {
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("assets directory " + p + " does not exist: run scripts/setup.sh first");
    }
    return p;
  }

  private static Path require(Path p) {
    if (!Files.exists(p)) throw new IllegalStateException(p + " is missing: run scripts/setup.sh first");
    return p;
  }

  /** The BlazeFace back-camera 256×256 model. */
  public static Path faceModel() {
    return require(dir().resolve("blazeface/face_detection_back_256x256_barracuda.onnx"));
  }

  /** A kphotoalbum demo photo by file name, e.g. "jesper.jpg". */
  public static Path photo(String name) {
    return require(dir().resolve("kphotoalbum/usr/share/kphotoalbum/demo").resolve(name));
  }

  /** The LibriVox recordings (16 kHz mono WAV) and their "transcription" file. */
  public static Path librivox() {
    return require(dir().resolve("pocketsphinx-testdata/usr/share/pocketsphinx/test/data/librivox"));
  }
}
