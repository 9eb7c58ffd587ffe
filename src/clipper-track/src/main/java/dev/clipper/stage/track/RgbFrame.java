package dev.clipper.stage.track;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A packed 8-bit RGB image (rgb24: three bytes per pixel, rows top to bottom, no padding), the layout ffmpeg
 * writes with {@code -f rawvideo -pix_fmt rgb24}.
 */
public record RgbFrame(int width, int height, byte[] pixels) {

  public RgbFrame {
    if (width <= 0 || height <= 0) throw new IllegalArgumentException("empty frame " + width + "x" + height);
    if (pixels.length != width * height * 3) {
      throw new IllegalArgumentException(
          "a " + width + "x" + height + " rgb24 frame needs " + width * height * 3 + " bytes, got " + pixels.length);
    }
  }

  public static RgbFrame of(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    byte[] rgb = new byte[w * h * 3];
    for (int i = 0; i < argb.length; i++) {
      rgb[3 * i] = (byte) (argb[i] >> 16);
      rgb[3 * i + 1] = (byte) (argb[i] >> 8);
      rgb[3 * i + 2] = (byte) argb[i];
    }
    return new RgbFrame(w, h, rgb);
  }

  /** Reads a JPEG, PNG or any other format ImageIO knows. */
  public static RgbFrame read(Path imageFile) {
    try {
      BufferedImage image = ImageIO.read(imageFile.toFile());
      if (image == null) throw new IllegalArgumentException(imageFile + " is not an image ImageIO can read");
      return of(image);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Channel {@code c} (0 red, 1 green, 2 blue) of pixel (x, y), 0..255. */
  public int sample(int x, int y, int c) {
    return pixels[(y * width + x) * 3 + c] & 0xff;
  }
}
