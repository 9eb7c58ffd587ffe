package dev.clipper.stage.track;

import dev.clipper.crop.CropPath;
import dev.clipper.crop.CropPath.Keyframe;
import dev.clipper.stage.track.BlazeFace.Face;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Turns what was seen in the sampled frames into a crop path: splits the clip into shots at scene cuts, links
 * detections into face tracks, picks the subject of each shot, and moves the window after it calmly (dead zone,
 * speed limit, smoothing, or not at all when the subject stays put). Pure: no media, no model.
 */
final class PathFitter {
  /**
   * A detection joins a track when its centre is within this many face sizes of the track's last detection
   * (plus half a face size per further missed sample); farther is another face.
   */
  private static final double LINK_DISTANCE = 1.0;
  /** A detection joins a track only if its size is within this factor of the track's last detection. */
  private static final double LINK_SIZE_RATIO = 2.0;
  /** Keyframe times are written with millisecond precision. */
  private static final double TIME_QUANTUM = 1000.0;

  /** A sampled frame: its time from the clip start, its faces (source pixels), and whether a cut precedes it. */
  record Sample(double t, List<Face> faces, boolean cutBefore) {
    Sample {
      faces = List.copyOf(faces);
    }
  }

  private final TrackSettings settings;
  private final int sourceWidth;
  private final int sourceHeight;
  private final int outWidth;
  private final int outHeight;
  private final int width;
  private final int height;

  PathFitter(TrackSettings settings, int sourceWidth, int sourceHeight, int outWidth, int outHeight) {
    this.settings = settings;
    this.sourceWidth = sourceWidth;
    this.sourceHeight = sourceHeight;
    this.outWidth = outWidth;
    this.outHeight = outHeight;
    int[] size = CropPath.cropSize(sourceWidth, sourceHeight, outWidth, outHeight);
    this.width = size[0];
    this.height = size[1];
  }

  CropPath centre(String reason) {
    return CropPath.centre(sourceWidth, sourceHeight, outWidth, outHeight, reason);
  }

  /** The path for a clip of {@code duration} seconds sampled as {@code samples}, or a centre crop with the reason. */
  CropPath fit(List<Sample> samples, double duration) {
    int n = samples.size();
    if (n == 0) return centre("no frames could be sampled from the clip");
    long withFace = samples.stream().filter(s -> !s.faces().isEmpty()).count();
    if (withFace == 0) return centre("no face found in " + n + " sampled frames");
    if (withFace < settings.minFaceFraction() * n) {
      return centre("a face was found in only " + withFace + " of " + n + " sampled frames");
    }

    double[] cx = new double[n];
    double[] cy = new double[n];
    List<int[]> shots = shots(samples);
    boolean[] faceless = new boolean[shots.size()];
    int followed = 0;
    int steady = 0;
    for (int s = 0; s < shots.size(); s++) {
      int[] shot = shots.get(s);
      double[][] target = targets(samples, shot[0], shot[1]);
      if (target == null) {
        faceless[s] = true;
        continue;
      }
      followed++;
      boolean stillX = follow(target[0], width, sourceWidth, cx, shot[0]);
      boolean stillY = follow(target[1], height, sourceHeight, cy, shot[0]);
      if (stillX && stillY) steady++;
    }
    holdThroughFacelessShots(shots, faceless, cx, cy);

    List<Keyframe> keyframes = keyframes(samples, shots, cx, cy, duration);
    String reason = String.format("followed the main face in %d of %d shot(s)%s; a face was seen in %d of %d "
        + "sampled frames", followed, shots.size(), steady == 0 ? "" : " (" + steady + " held steady)", withFace, n);
    return new CropPath(sourceWidth, sourceHeight, width, height, keyframes, "face", reason);
  }

  /**
   * A shot without faces (a cutaway, or a flash mistaken for a cut) keeps the window where the previous shot
   * left it, or where the next one starts: jumping to the centre and back for a moment looks like a glitch.
   */
  private static void holdThroughFacelessShots(List<int[]> shots, boolean[] faceless, double[] cx, double[] cy) {
    int firstWithFace = 0;
    while (faceless[firstWithFace]) firstWithFace++;
    for (int s = 0; s < shots.size(); s++) {
      if (!faceless[s]) continue;
      int[] shot = shots.get(s);
      int from = s < firstWithFace ? shots.get(firstWithFace)[0] : shot[0] - 1;
      Arrays.fill(cx, shot[0], shot[1], cx[from]);
      Arrays.fill(cy, shot[0], shot[1], cy[from]);
    }
  }

  /** Index ranges [from, to) of the samples between scene cuts. */
  private static List<int[]> shots(List<Sample> samples) {
    List<int[]> shots = new ArrayList<>();
    int from = 0;
    for (int i = 1; i < samples.size(); i++) {
      if (samples.get(i).cutBefore()) {
        shots.add(new int[] {from, i});
        from = i;
      }
    }
    shots.add(new int[] {from, samples.size()});
    return shots;
  }

  /** A face followed over consecutive samples. */
  private static final class Track {
    final List<Integer> at = new ArrayList<>();
    final List<Face> faces = new ArrayList<>();
    double weight;

    void add(int sample, Face f) {
      at.add(sample);
      faces.add(f);
      // Persistent and large faces win: every sighting counts, bigger and surer ones more.
      weight += f.score() * Math.sqrt(f.area());
    }

    Face last() {
      return faces.get(faces.size() - 1);
    }

    int first() {
      return at.get(0);
    }

    int end() {
      return at.get(at.size() - 1);
    }

    /** The face centre at sample {@code i} within the track's span, interpolated across missed samples. */
    double[] centreAt(int i) {
      int k = 0;
      while (k < at.size() - 1 && at.get(k + 1) <= i) k++;
      Face a = faces.get(k);
      if (at.get(k) == i || k == at.size() - 1) return new double[] {a.centreX(), a.centreY()};
      Face b = faces.get(k + 1);
      double f = (double) (i - at.get(k)) / (at.get(k + 1) - at.get(k));
      return new double[] {a.centreX() + f * (b.centreX() - a.centreX()),
          a.centreY() + f * (b.centreY() - a.centreY())};
    }
  }

  /**
   * Where the window centre should be at each sample of the shot [from, to), following one subject at a time,
   * or null when the shot has no face. The strongest track is the subject wherever it is present (gaps
   * included); weaker tracks take only the stretches it leaves uncovered, and only if seen long enough, so the
   * window never flickers between two faces.
   */
  private double[][] targets(List<Sample> samples, int from, int to) {
    List<Track> tracks = link(samples, from, to);
    if (tracks.isEmpty()) return null;
    tracks.sort(Comparator.comparingDouble((Track t) -> t.weight).reversed());
    Track[] owner = new Track[to - from];
    int minSightings = (int) Math.ceil(settings.minSubjectSeconds() * settings.sampleFps());
    for (Track t : tracks) {
      int sightings = 0;
      for (int i : t.at) if (owner[i - from] == null) sightings++;
      if (t != tracks.get(0) && sightings < minSightings) continue;
      for (int i = t.first(); i <= t.end(); i++) if (owner[i - from] == null) owner[i - from] = t;
    }
    double[][] target = new double[2][to - from];
    int firstOwned = -1;
    for (int i = from; i < to; i++) {
      Track t = owner[i - from];
      if (t == null) continue;
      if (firstOwned < 0) firstOwned = i - from;
      double[] c = t.centreAt(i);
      target[0][i - from] = c[0];
      target[1][i - from] = c[1] + (0.5 - settings.faceVerticalPosition()) * height;
    }
    // Where nobody is followed, hold where the subject was last, or (before anyone appears) where they will be.
    for (int k = 0; k < to - from; k++) {
      if (owner[k] != null) continue;
      int src = k < firstOwned ? firstOwned : k - 1;
      target[0][k] = target[0][src];
      target[1][k] = target[1][src];
    }
    return target;
  }

  /** Links the shot's detections into tracks, nearest first, allowing gaps of up to maxGapSeconds. */
  private List<Track> link(List<Sample> samples, int from, int to) {
    int maxGap = (int) Math.round(settings.maxGapSeconds() * settings.sampleFps()) + 1;
    List<Track> all = new ArrayList<>();
    for (int i = from; i < to; i++) {
      List<Face> faces = samples.get(i).faces();
      List<Track> open = new ArrayList<>();
      for (Track t : all) if (i - t.end() <= maxGap) open.add(t);
      List<double[]> pairs = new ArrayList<>(); // {distance, track index in open, face index}
      for (int a = 0; a < open.size(); a++) {
        Track t = open.get(a);
        Face last = t.last();
        int gap = i - t.end();
        for (int b = 0; b < faces.size(); b++) {
          Face f = faces.get(b);
          double sizeA = Math.sqrt(last.area());
          double sizeB = Math.sqrt(f.area());
          double ratio = Math.max(sizeA, sizeB) / Math.max(1e-9, Math.min(sizeA, sizeB));
          double d = Math.hypot(f.centreX() - last.centreX(), f.centreY() - last.centreY()) / Math.max(sizeA, sizeB);
          if (ratio <= LINK_SIZE_RATIO && d <= LINK_DISTANCE + 0.5 * (gap - 1)) pairs.add(new double[] {d, a, b});
        }
      }
      pairs.sort(Comparator.comparingDouble(p -> p[0]));
      boolean[] trackTaken = new boolean[open.size()];
      boolean[] faceTaken = new boolean[faces.size()];
      for (double[] p : pairs) {
        int a = (int) p[1];
        int b = (int) p[2];
        if (trackTaken[a] || faceTaken[b]) continue;
        trackTaken[a] = true;
        faceTaken[b] = true;
        open.get(a).add(i, faces.get(b));
      }
      for (int b = 0; b < faces.size(); b++) {
        if (faceTaken[b]) continue;
        Track t = new Track();
        t.add(i, faces.get(b));
        all.add(t);
      }
    }
    return all;
  }

  /**
   * Fits the window centre along one axis for one shot, writing it into {@code out} from {@code offset}.
   * Returns true when the window holds still for the whole shot (steady mode).
   */
  private boolean follow(double[] target, int window, int frame, double[] out, int offset) {
    int n = target.length;
    double lo = window / 2.0;
    double hi = frame - window / 2.0;
    double[] t = new double[n];
    for (int i = 0; i < n; i++) t[i] = clamp(target[i], lo, hi);

    if (hi - lo < 1 || spread(t) <= settings.steadyMaxSpread() * window) {
      double[] sorted = t.clone();
      Arrays.sort(sorted);
      double still = (percentile(sorted, 0.05) + percentile(sorted, 0.95)) / 2;
      Arrays.fill(out, offset, offset + n, clamp(still, lo, hi));
      return true;
    }

    // A median of three drops single-frame detection outliers before anything reacts to them.
    double[] m = new double[n];
    for (int i = 0; i < n; i++) {
      m[i] = i == 0 || i == n - 1 ? t[i] : median(t[i - 1], t[i], t[i + 1]);
    }
    // Follow lazily: hold while the subject stays within the dead zone, otherwise move just enough to bring it
    // back to the zone's edge, never faster than maxSpeed. Starting from the subject's early position avoids a
    // slow pan in from the frame centre.
    double zone = settings.deadZone() * window;
    double step = settings.maxSpeed() * window / settings.sampleFps();
    double[] c = new double[n];
    double[] head = Arrays.copyOf(m, Math.max(1, Math.min(n, (int) Math.round(settings.sampleFps()))));
    Arrays.sort(head);
    double pos = head[head.length / 2];
    for (int i = 0; i < n; i++) {
      double e = m[i] - pos;
      double move = Math.abs(e) <= zone ? 0 : e - Math.signum(e) * zone;
      pos += clamp(move, -step, step);
      c[i] = pos;
    }
    double[] smooth = gaussian(c, settings.smoothingSeconds() * settings.sampleFps());
    for (int i = 0; i < n; i++) out[offset + i] = clamp(smooth[i], lo, hi);
    return false;
  }

  /** Gaussian smoothing with the kernel renormalised at the ends, so a still stretch stays exactly still. */
  private static double[] gaussian(double[] v, double sigma) {
    if (sigma <= 0) return v.clone();
    int radius = (int) Math.ceil(3 * sigma);
    double[] kernel = new double[2 * radius + 1];
    for (int k = -radius; k <= radius; k++) kernel[k + radius] = Math.exp(-0.5 * k * k / (sigma * sigma));
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      double sum = 0;
      double weight = 0;
      for (int k = -radius; k <= radius; k++) {
        int j = i + k;
        if (j < 0 || j >= v.length) continue;
        sum += kernel[k + radius] * v[j];
        weight += kernel[k + radius];
      }
      out[i] = sum / weight;
    }
    return out;
  }

  /**
   * Writes the path out: a keyframe wherever the (even) window position changes when sampled at keyframeRate,
   * linearly interpolated between analysed samples; at a cut the window jumps halfway between the two samples.
   */
  private List<Keyframe> keyframes(List<Sample> samples, List<int[]> shots, double[] cx, double[] cy,
      double duration) {
    List<Keyframe> out = new ArrayList<>();
    int maxX = sourceWidth - width;
    int maxY = sourceHeight - height;
    double dt = 1 / settings.keyframeRate();
    for (int s = 0; s < shots.size(); s++) {
      int from = shots.get(s)[0];
      int to = shots.get(s)[1];
      double start = s == 0 ? 0 : (samples.get(from - 1).t() + samples.get(from).t()) / 2;
      double end = s == shots.size() - 1 ? Math.max(duration, samples.get(to - 1).t())
          : (samples.get(to - 1).t() + samples.get(to).t()) / 2;
      for (double t = start; t < end || t == start; t += dt) {
        double time = Math.round(t * TIME_QUANTUM) / TIME_QUANTUM;
        int x = evenClamp(interpolate(samples, cx, from, to, t) - width / 2.0, maxX);
        int y = evenClamp(interpolate(samples, cy, from, to, t) - height / 2.0, maxY);
        Keyframe last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (last == null || last.x() != x || last.y() != y) out.add(new Keyframe(time, x, y));
      }
    }
    return out;
  }

  private static double interpolate(List<Sample> samples, double[] v, int from, int to, double t) {
    if (t <= samples.get(from).t()) return v[from];
    for (int i = from; i < to - 1; i++) {
      double a = samples.get(i).t();
      double b = samples.get(i + 1).t();
      if (t <= b) return v[i] + (v[i + 1] - v[i]) * (t - a) / (b - a);
    }
    return v[to - 1];
  }

  /** A top-left coordinate rounded to even (ffmpeg crops 4:2:0 video on even pixels) and kept inside the frame. */
  private static int evenClamp(double v, int max) {
    int evenMax = max - Math.floorMod(max, 2);
    int e = (int) Math.round(v / 2) * 2;
    return Math.max(0, Math.min(evenMax, e));
  }

  private static double spread(double[] v) {
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    return percentile(sorted, 0.95) - percentile(sorted, 0.05);
  }

  private static double percentile(double[] sorted, double p) {
    double pos = p * (sorted.length - 1);
    int i = (int) Math.floor(pos);
    int j = Math.min(sorted.length - 1, i + 1);
    return sorted[i] + (sorted[j] - sorted[i]) * (pos - i);
  }

  private static double median(double a, double b, double c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
