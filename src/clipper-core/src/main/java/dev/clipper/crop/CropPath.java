package dev.clipper.crop;

import java.util.List;

/**
 * Where the crop window sits over time, for one clip. Times are seconds from the clip's start; x and y are
 * the top-left corner of a {@code width}×{@code height} window in source pixels. Between keyframes the
 * window holds the last keyframe's position (it is fed to ffmpeg's crop through sendcmd).
 * {@code method} is "face" when it follows a detected subject, "centre" otherwise; {@code reason} says why
 * (always set for "centre").
 */
public record CropPath(int sourceWidth, int sourceHeight, int width, int height, List<Keyframe> keyframes,
    String method, String reason) {

  public record Keyframe(double t, int x, int y) {}

  public CropPath {
    keyframes = List.copyOf(keyframes);
  }

  /** A static centre crop with the given aspect ratio (outW:outH), for when tracking is not possible. */
  public static CropPath centre(int sourceWidth, int sourceHeight, int outWidth, int outHeight, String reason) {
    int[] size = cropSize(sourceWidth, sourceHeight, outWidth, outHeight);
    int x = (sourceWidth - size[0]) / 2;
    int y = (sourceHeight - size[1]) / 2;
    return new CropPath(sourceWidth, sourceHeight, size[0], size[1], List.of(new Keyframe(0, x, y)), "centre",
        reason);
  }

  /** The largest even-sized window of aspect outW:outH that fits the source. */
  public static int[] cropSize(int sourceWidth, int sourceHeight, int outWidth, int outHeight) {
    double aspect = (double) outWidth / outHeight;
    int w;
    int h;
    if ((double) sourceWidth / sourceHeight > aspect) {
      h = sourceHeight;
      w = (int) Math.round(h * aspect);
    } else {
      w = sourceWidth;
      h = (int) Math.round(w / aspect);
    }
    w -= w % 2;
    h -= h % 2;
    return new int[] {Math.min(w, sourceWidth - sourceWidth % 2), Math.min(h, sourceHeight - sourceHeight % 2)};
  }
}
