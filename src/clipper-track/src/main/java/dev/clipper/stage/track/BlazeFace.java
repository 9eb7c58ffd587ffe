package dev.clipper.stage.track;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * MediaPipe's BlazeFace face detector (the "back camera" 256×256 model) on ONNX Runtime. Finds faces in an RGB
 * image and returns them in the image's own pixels.
 *
 * <p>Thread-safe: an ONNX Runtime session may be run from several threads and every call keeps its buffers to
 * itself. Close it to free the native session.
 */
public final class BlazeFace implements AutoCloseable {
  /** Real faces score about 0.82–0.95; animals seen so far 0.58 (a rabbit) up to 0.77 (a dog's face, close up). */
  public static final double DEFAULT_MIN_SCORE = 0.7;
  /** Boxes that overlap at least this much are one face (MediaPipe's weighted NMS setting). */
  private static final double NMS_IOU = 0.3;
  private static final int KEYPOINTS = 6;
  private static final int VALUES_PER_ANCHOR = 4 + 2 * KEYPOINTS;

  private final OrtEnvironment env;
  private final OrtSession session;
  private final String inputName;
  private final int size;
  private final float[][] anchors;
  private final double minScore;

  /** A point in image pixels. */
  public record Point(double x, double y) {}

  /**
   * A detected face: its box (top-left x, y and size, in image pixels), the model's confidence (0..1) and six
   * keypoints in order: right eye, left eye, nose tip, mouth centre, right ear, left ear (the subject's right
   * and left).
   */
  public record Face(double x, double y, double width, double height, double score, List<Point> keypoints) {
    public Face {
      keypoints = List.copyOf(keypoints);
    }

    public double centreX() {
      return x + width / 2;
    }

    public double centreY() {
      return y + height / 2;
    }

    public double area() {
      return width * height;
    }

    double iou(Face o) {
      double ix = Math.max(0, Math.min(x + width, o.x + o.width) - Math.max(x, o.x));
      double iy = Math.max(0, Math.min(y + height, o.y + o.height) - Math.max(y, o.y));
      double inter = ix * iy;
      double union = area() + o.area() - inter;
      return union <= 0 ? 0 : inter / union;
    }
  }

  /** Loads the model with two intra-op threads and the default score threshold. */
  public BlazeFace(Path modelFile) {
    this(modelFile, 2, DEFAULT_MIN_SCORE);
  }

  /**
   * @param threads ONNX Runtime intra-op threads for one detection
   * @param minScore faces scoring below this are dropped before non-maximum suppression
   */
  public BlazeFace(Path modelFile, int threads, double minScore) {
    if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
    this.minScore = minScore;
    this.env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      // Spinning worker threads burn the cores that ffmpeg and the other stage workers need, and measured
      // slower here with two threads (about 20 ms instead of 10 per frame).
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      this.session = env.createSession(modelFile.toString(), options);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot load the face model " + modelFile + ": " + e.getMessage(), e);
    }
    this.inputName = session.getInputNames().iterator().next();
    long[] shape = inputShape();
    if (shape.length != 4 || shape[1] != shape[2] || shape[3] != 3) {
      close();
      throw new IllegalStateException(
          modelFile + " is not a BlazeFace model: input shape " + Arrays.toString(shape) + ", expected [1,S,S,3]");
    }
    this.size = (int) shape[1];
    this.anchors = anchors();
  }

  private long[] inputShape() {
    try {
      var info = (ai.onnxruntime.TensorInfo) session.getInputInfo().get(inputName).getInfo();
      return info.getShape();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot read the face model's input shape", e);
    }
  }

  /** The model's input side in pixels (256 for the back-camera model). */
  public int inputSize() {
    return size;
  }

  public double minScore() {
    return minScore;
  }

  public List<Face> detect(BufferedImage image) {
    return detect(RgbFrame.of(image));
  }

  public List<Face> detect(Path imageFile) {
    return detect(RgbFrame.read(imageFile));
  }

  /**
   * Faces in the frame, best first, each scoring at least {@link #minScore()}.
   *
   * @throws IllegalStateException when ONNX Runtime fails
   */
  public List<Face> detect(RgbFrame frame) {
    Letterbox box = new Letterbox(frame.width(), frame.height(), size);
    float[] input = box.tensor(frame);
    float[] scores = new float[anchors.length];
    float[] regressors = new float[anchors.length * VALUES_PER_ANCHOR];
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {1, size, size, 3});
        OrtSession.Result out = session.run(Map.of(inputName, tensor))) {
      // Identity:0/Identity_2:0 hold the 16x16 grid's 512 anchors, Identity_1:0/Identity_3:0 the 8x8 grid's 384.
      int fine = copy(out, "Identity:0", scores, 0);
      copy(out, "Identity_1:0", scores, fine);
      int fineValues = copy(out, "Identity_2:0", regressors, 0);
      copy(out, "Identity_3:0", regressors, fineValues);
    } catch (OrtException e) {
      throw new IllegalStateException("face detection failed: " + e.getMessage(), e);
    }
    return suppress(decode(scores, regressors, box));
  }

  private static int copy(OrtSession.Result out, String name, float[] into, int offset) throws OrtException {
    var value = out.get(name).orElseThrow(() -> new IllegalStateException("the face model has no output " + name));
    FloatBuffer buf = ((OnnxTensor) value).getFloatBuffer();
    int n = buf.remaining();
    buf.get(into, offset, n);
    return n;
  }

  private List<Face> decode(float[] scores, float[] r, Letterbox box) {
    List<Face> faces = new ArrayList<>();
    for (int i = 0; i < anchors.length; i++) {
      double score = sigmoid(Math.max(-100, Math.min(100, scores[i])));
      if (score < minScore) continue;
      int o = i * VALUES_PER_ANCHOR;
      double ax = anchors[i][0];
      double ay = anchors[i][1];
      double cx = ax + r[o] / size;
      double cy = ay + r[o + 1] / size;
      double w = r[o + 2] / size;
      double h = r[o + 3] / size;
      List<Point> points = new ArrayList<>(KEYPOINTS);
      for (int k = 0; k < KEYPOINTS; k++) {
        points.add(box.toImage(ax + r[o + 4 + 2 * k] / size, ay + r[o + 5 + 2 * k] / size));
      }
      Point topLeft = box.toImage(cx - w / 2, cy - h / 2);
      Point bottomRight = box.toImage(cx + w / 2, cy + h / 2);
      faces.add(new Face(topLeft.x(), topLeft.y(), bottomRight.x() - topLeft.x(), bottomRight.y() - topLeft.y(),
          score, points));
    }
    return faces;
  }

  /**
   * Weighted non-maximum suppression as MediaPipe does it: the best box and every box overlapping it are
   * averaged, weighted by score, which steadies the box from frame to frame better than keeping the best alone.
   */
  static List<Face> suppress(List<Face> candidates) {
    List<Face> remaining = new ArrayList<>(candidates);
    remaining.sort(Comparator.comparingDouble(Face::score).reversed());
    List<Face> kept = new ArrayList<>();
    while (!remaining.isEmpty()) {
      Face best = remaining.get(0);
      List<Face> cluster = new ArrayList<>();
      List<Face> rest = new ArrayList<>();
      for (Face f : remaining) (best.iou(f) >= NMS_IOU ? cluster : rest).add(f);
      double total = 0;
      double x = 0;
      double y = 0;
      double w = 0;
      double h = 0;
      double[] kx = new double[KEYPOINTS];
      double[] ky = new double[KEYPOINTS];
      for (Face f : cluster) {
        double s = f.score();
        total += s;
        x += s * f.x();
        y += s * f.y();
        w += s * f.width();
        h += s * f.height();
        for (int k = 0; k < KEYPOINTS; k++) {
          kx[k] += s * f.keypoints().get(k).x();
          ky[k] += s * f.keypoints().get(k).y();
        }
      }
      List<Point> points = new ArrayList<>(KEYPOINTS);
      for (int k = 0; k < KEYPOINTS; k++) points.add(new Point(kx[k] / total, ky[k] / total));
      kept.add(new Face(x / total, y / total, w / total, h / total, best.score(), points));
      remaining = rest;
    }
    return kept;
  }

  /** 896 anchors: a 16×16 grid with 2 per cell, then an 8×8 grid with 6 per cell; centres only (fixed size). */
  private static float[][] anchors() {
    float[][] a = new float[896][];
    int i = 0;
    for (int[] layer : new int[][] {{16, 2}, {8, 6}}) {
      int grid = layer[0];
      for (int y = 0; y < grid; y++) {
        for (int x = 0; x < grid; x++) {
          for (int k = 0; k < layer[1]; k++) a[i++] = new float[] {(x + 0.5f) / grid, (y + 0.5f) / grid};
        }
      }
    }
    return a;
  }

  private static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close the face model session", e);
    }
  }

  /**
   * The image scaled to fit the model's square input with its aspect kept, centred, the border black; and the
   * way back from the model's 0..1 coordinates to image pixels.
   */
  private record Letterbox(int imageWidth, int imageHeight, int side, int scaledWidth, int scaledHeight, int padX,
      int padY) {

    Letterbox(int imageWidth, int imageHeight, int side) {
      this(imageWidth, imageHeight, side, scaled(imageWidth, imageWidth, imageHeight, side),
          scaled(imageHeight, imageWidth, imageHeight, side));
    }

    private Letterbox(int imageWidth, int imageHeight, int side, int scaledWidth, int scaledHeight) {
      this(imageWidth, imageHeight, side, scaledWidth, scaledHeight, (side - scaledWidth) / 2,
          (side - scaledHeight) / 2);
    }

    private static int scaled(int length, int w, int h, int side) {
      double scale = Math.min((double) side / w, (double) side / h);
      return Math.max(1, Math.min(side, (int) Math.round(length * scale)));
    }

    Point toImage(double nx, double ny) {
      return new Point((nx * side - padX) * imageWidth / scaledWidth,
          (ny * side - padY) * imageHeight / scaledHeight);
    }

    /** NHWC float input, values v/127.5 − 1; the border is black (−1). */
    float[] tensor(RgbFrame frame) {
      float[] out = new float[side * side * 3];
      Arrays.fill(out, -1f);
      Resample cols = new Resample(imageWidth, scaledWidth);
      Resample rows = new Resample(imageHeight, scaledHeight);
      // Horizontal pass into a scaledWidth-wide float image, then the vertical pass straight into the tensor.
      float[] horizontal = new float[imageHeight * scaledWidth * 3];
      byte[] px = frame.pixels();
      for (int y = 0; y < imageHeight; y++) {
        int rowIn = y * imageWidth * 3;
        int rowOut = y * scaledWidth * 3;
        for (int x = 0; x < scaledWidth; x++) {
          float r = 0;
          float g = 0;
          float b = 0;
          int first = cols.first[x];
          float[] w = cols.weights[x];
          for (int k = 0; k < w.length; k++) {
            int p = rowIn + (first + k) * 3;
            r += w[k] * (px[p] & 0xff);
            g += w[k] * (px[p + 1] & 0xff);
            b += w[k] * (px[p + 2] & 0xff);
          }
          int o = rowOut + x * 3;
          horizontal[o] = r;
          horizontal[o + 1] = g;
          horizontal[o + 2] = b;
        }
      }
      for (int y = 0; y < scaledHeight; y++) {
        int first = rows.first[y];
        float[] w = rows.weights[y];
        int rowOut = ((y + padY) * side + padX) * 3;
        for (int x = 0; x < scaledWidth * 3; x++) {
          float v = 0;
          for (int k = 0; k < w.length; k++) v += w[k] * horizontal[(first + k) * scaledWidth * 3 + x];
          out[rowOut + x] = v / 127.5f - 1f;
        }
      }
      return out;
    }
  }

  /**
   * One axis of a resize: for each output pixel, the first source pixel it reads and the weights of the
   * consecutive source pixels. Shrinking averages the covered area (no aliasing from skipped pixels);
   * enlarging interpolates linearly.
   */
  private static final class Resample {
    final int[] first;
    final float[][] weights;

    Resample(int from, int to) {
      first = new int[to];
      weights = new float[to][];
      double step = (double) from / to;
      for (int o = 0; o < to; o++) {
        if (step >= 1) {
          double lo = o * step;
          double hi = Math.min(from, (o + 1) * step);
          int a = (int) Math.floor(lo);
          int b = Math.min(from, (int) Math.ceil(hi));
          float[] w = new float[b - a];
          for (int i = a; i < b; i++) w[i - a] = (float) ((Math.min(hi, i + 1) - Math.max(lo, i)) / (hi - lo));
          first[o] = a;
          weights[o] = w;
        } else {
          double c = Math.max(0, Math.min(from - 1, (o + 0.5) * step - 0.5));
          int a = Math.min((int) Math.floor(c), Math.max(0, from - 2));
          double f = c - a;
          first[o] = a;
          weights[o] = from == 1 ? new float[] {1f} : new float[] {(float) (1 - f), (float) f};
        }
      }
    }
  }
}
