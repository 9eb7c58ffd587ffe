package dev.clipper.stage.track;

import dev.clipper.crop.CropPath;
import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.media.FFprobe;
import dev.clipper.media.MediaInfo;
import dev.clipper.process.ProcessRunner;
import dev.clipper.stage.track.BlazeFace.Face;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 4, track: where the crop window should sit, over time, so that a clip cut from a wide source keeps the
 * speaker in frame. Samples frames with ffmpeg (streamed, never written to disk), finds faces with
 * {@link BlazeFace}, and fits a calm path with {@link PathFitter}.
 *
 * <p>Detection trouble never fails a clip: when there are no faces, too few, or the model or ffmpeg fails, the
 * result is a centre crop whose {@code reason} says why. Only a source that ffprobe cannot read and
 * cancellation (interruption) are thrown.
 *
 * <p>Thread-safe; one instance (one loaded model) can serve several clips at once.
 */
public final class FaceTracker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FaceTracker.class);
  /** Bins per colour channel of the histogram compared across samples to find scene cuts. */
  private static final int HISTOGRAM_BINS = 8;

  private final TrackSettings settings;
  private final BlazeFace detector;
  private final String modelProblem;

  /** Loads the BlazeFace model. If it cannot be loaded, every clip gets a centre crop saying so. */
  public FaceTracker(Path modelFile, TrackSettings settings) {
    this.settings = settings;
    BlazeFace loaded = null;
    String problem = null;
    try {
      loaded = new BlazeFace(modelFile, settings.detectorThreads(), settings.minFaceScore());
    } catch (RuntimeException e) {
      log.error("face tracking is off, every clip will be centre-cropped: {}", e.getMessage());
      problem = "the face model could not be loaded (" + e.getMessage() + ")";
    }
    this.detector = loaded;
    this.modelProblem = problem;
  }

  public TrackSettings settings() {
    return settings;
  }

  /** Probes the source, then {@link #track(Path, MediaInfo, double, double, int, int, DoubleConsumer)}. */
  public CropPath track(Path source, double start, double end, int outWidth, int outHeight) {
    return track(source, FFprobe.probe(source), start, end, outWidth, outHeight, p -> {});
  }

  /**
   * The crop path for the clip [start, end) of {@code source} (seconds), for output of aspect
   * {@code outWidth:outHeight}. Keyframe times are seconds from {@code start}.
   *
   * @param info what ffprobe says about the source (its displayed width and height are used)
   * @param progress told the fraction done, 0..1, from the thread that reads ffmpeg's output
   * @throws ClipperException {@link ErrorCode#CANCELLED} when the thread is interrupted
   */
  public CropPath track(Path source, MediaInfo info, double start, double end, int outWidth, int outHeight,
      DoubleConsumer progress) {
    if (!(end > start) || start < 0) throw new IllegalArgumentException("bad clip span " + start + ".." + end);
    if (outWidth <= 0 || outHeight <= 0) throw new IllegalArgumentException("bad output size");
    if (!info.hasVideo() || info.width() <= 0 || info.height() <= 0) {
      throw new ClipperException(ErrorCode.NOT_A_VIDEO, source.getFileName() + " has no video stream to track");
    }
    PathFitter fitter = new PathFitter(settings, info.width(), info.height(), outWidth, outHeight);
    if (detector == null) return done(fitter.centre(modelProblem), progress);

    double duration = end - start;
    Sampled sampled = sample(source, start, duration, info, true, progress);
    double available = info.durationSeconds() > 0 ? Math.min(duration, info.durationSeconds() - start) : duration;
    if (sampled.problem() == null && sampled.samples().size() < available * settings.sampleFps() / 2) {
      // Decoders that call every frame unreferenced (some intra-only streams) skip them all: decode everything.
      log.info("few frames from {} when skipping unreferenced frames; decoding all of them", source);
      sampled = sample(source, start, duration, info, false, progress);
    }
    if (sampled.problem() != null) return done(fitter.centre(sampled.problem()), progress);
    return done(fitter.fit(sampled.samples(), duration), progress);
  }

  /** The sampled frames, or why there are none. */
  private record Sampled(List<PathFitter.Sample> samples, String problem) {}

  private Sampled sample(Path source, double start, double duration, MediaInfo info, boolean skipUnreferenced,
      DoubleConsumer progress) {
    Sampling sampling = new Sampling(info.width(), info.height(), duration, progress);
    List<String> command = command(source, start, duration, sampling.width, sampling.height, skipUnreferenced);
    Duration timeout = Duration.ofMillis(Math.max(settings.minDecodeTimeout().toMillis(),
        (long) (duration * settings.decodeTimeoutFactor() * 1000)));
    ProcessRunner.Result result;
    try {
      result = ProcessRunner.run(command, timeout, sampling::read, null);
    } catch (ClipperException e) {
      if (e.code() == ErrorCode.CANCELLED) throw e;
      log.warn("sampling {} failed: {}", source, e.getMessage());
      return new Sampled(List.of(), "frames could not be sampled: " + e.getMessage());
    }
    if (result.exitCode() != 0) {
      return new Sampled(List.of(), "ffmpeg could not decode the clip (exit code " + result.exitCode()
          + lastLine(result.stderrTail()) + ")");
    }
    return new Sampled(sampling.samples(), sampling.problem());
  }

  private static CropPath done(CropPath path, DoubleConsumer progress) {
    progress.accept(1.0);
    return path;
  }

  private List<String> command(Path source, double start, double duration, int width, int height,
      boolean skipUnreferenced) {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-v", "error"));
    if (skipUnreferenced) {
      // Not decoding frames nothing refers to (B-frames) cuts decoding time by about 40% on typical H.264;
      // the fps filter then takes a neighbouring frame, a few hundredths of a second away.
      cmd.addAll(List.of("-skip_frame", "noref"));
    }
    cmd.addAll(List.of("-ss", seconds(start), "-t", seconds(duration), "-i", source.toString(),
        "-map", "0:v:0", "-an", "-sn", "-dn",
        "-vf", "fps=" + seconds(settings.sampleFps()) + ",scale=" + width + ":" + height + ":flags=area",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"));
    return cmd;
  }

  private static String seconds(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String lastLine(String tail) {
    if (tail == null || tail.isBlank()) return "";
    String[] lines = tail.strip().split("\n");
    return ": " + lines[lines.length - 1];
  }

  /**
   * One clip's frames as they stream out of ffmpeg: each is run through the detector and compared with the one
   * before for a scene cut. Runs on ProcessRunner's stdout thread and must never throw, or the unread pipe would
   * stall ffmpeg until its timeout.
   */
  private final class Sampling {
    final int width;
    final int height;
    private final double scaleX;
    private final double scaleY;
    private final int expected;
    private final DoubleConsumer progress;
    private final List<PathFitter.Sample> samples = new ArrayList<>();
    private String problem;

    Sampling(int sourceWidth, int sourceHeight, double duration, DoubleConsumer progress) {
      // Never upscale; keep the aspect; even sizes keep ffmpeg's scaler exact.
      int w = Math.min(settings.analysisWidth(), sourceWidth);
      w -= w % 2;
      int h = (int) Math.round((double) sourceHeight * w / sourceWidth);
      h = Math.max(2, h - h % 2);
      this.width = Math.max(2, w);
      this.height = h;
      this.scaleX = (double) sourceWidth / width;
      this.scaleY = (double) sourceHeight / height;
      this.expected = Math.max(1, (int) Math.ceil(duration * settings.sampleFps()));
      this.progress = progress;
    }

    void read(InputStream in) {
      int frameBytes = width * height * 3;
      double[] previous = null;
      try {
        while (true) {
          byte[] pixels = in.readNBytes(frameBytes);
          if (pixels.length < frameBytes) break;
          RgbFrame frame = new RgbFrame(width, height, pixels);
          List<Face> faces = new ArrayList<>();
          for (Face f : detector.detect(frame)) faces.add(toSource(f));
          double[] histogram = histogram(frame);
          boolean cut = previous != null && distance(previous, histogram) > settings.sceneCutThreshold();
          previous = histogram;
          int i = samples.size();
          synchronized (this) {
            samples.add(new PathFitter.Sample(i / settings.sampleFps(), faces, cut));
          }
          progress.accept(Math.min(0.99, (i + 1.0) / expected));
        }
      } catch (IOException e) {
        fail("reading ffmpeg's frames failed: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        fail("face detection failed: " + e.getMessage(), e);
      }
    }

    private synchronized void fail(String message, Exception e) {
      log.warn("face tracking gives up: {}", message, e);
      problem = message;
    }

    synchronized String problem() {
      return problem;
    }

    synchronized List<PathFitter.Sample> samples() {
      return List.copyOf(samples);
    }

    private Face toSource(Face f) {
      List<BlazeFace.Point> points = new ArrayList<>();
      for (BlazeFace.Point p : f.keypoints()) points.add(new BlazeFace.Point(p.x() * scaleX, p.y() * scaleY));
      return new Face(f.x() * scaleX, f.y() * scaleY, f.width() * scaleX, f.height() * scaleY, f.score(), points);
    }
  }

  /** A coarse joint RGB histogram (every other pixel), normalised to sum 1: cheap, and blind to panning. */
  static double[] histogram(RgbFrame frame) {
    int bins = HISTOGRAM_BINS;
    double[] h = new double[bins * bins * bins];
    int shift = 8 - Integer.numberOfTrailingZeros(bins);
    byte[] px = frame.pixels();
    int count = 0;
    for (int y = 0; y < frame.height(); y += 2) {
      for (int x = 0; x < frame.width(); x += 2) {
        int p = (y * frame.width() + x) * 3;
        int r = (px[p] & 0xff) >> shift;
        int g = (px[p + 1] & 0xff) >> shift;
        int b = (px[p + 2] & 0xff) >> shift;
        h[(r * bins + g) * bins + b]++;
        count++;
      }
    }
    for (int i = 0; i < h.length; i++) h[i] /= count;
    return h;
  }

  /** Half the L1 distance between normalised histograms: 0 for identical, 1 for disjoint colours. */
  static double distance(double[] a, double[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) d += Math.abs(a[i] - b[i]);
    return d / 2;
  }

  @Override
  public void close() {
    if (detector != null) detector.close();
  }
}
