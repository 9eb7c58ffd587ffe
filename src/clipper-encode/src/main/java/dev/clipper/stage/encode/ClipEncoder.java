package dev.clipper.stage.encode;

import dev.clipper.crop.CropPath;
import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.media.FFprobe;
import dev.clipper.media.MediaInfo;
import dev.clipper.process.ProcessRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.DoubleConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 5: encodes one clip in one ffmpeg pass — input seek, the crop window moved over time by
 * {@code sendcmd}, scale to the output size, word-highlighted ASS captions, H.264 + AAC, {@code +faststart}
 * — and writes the clip's SRT, VTT and a JPEG thumbnail (taken from the same pass, cropped but without
 * captions). Every file is written under a temporary name in the output directory and renamed into place
 * only after ffprobe has checked the video, the video last; on any failure nothing with a final name is left
 * behind, so a killed ffmpeg never leaves a partial MP4 that looks finished. Safe to call concurrently.
 */
public final class ClipEncoder {
  private static final Logger log = LoggerFactory.getLogger(ClipEncoder.class);

  private final EncodeSettings settings;
  private final CaptionFont font;

  public ClipEncoder(EncodeSettings settings) {
    this.settings = settings;
    this.font = CaptionFont.resolve(settings.captions());
    if (font.fallback()) {
      log.warn("caption font '{}' not found in {} or the system fonts; using '{}' instead",
          settings.captions().fontName(), settings.captions().fontsDir(), font.name());
    }
  }

  public ClipEncoder() {
    this(EncodeSettings.DEFAULTS);
  }

  public EncodeSettings settings() {
    return settings;
  }

  /** The font the captions are drawn with (the configured one, or the fallback when it is missing). */
  public CaptionFont font() {
    return font;
  }

  public EncodedClip encode(EncodeRequest request) {
    return encode(request, p -> {});
  }

  /**
   * Encodes the clip; {@code progress} receives fractions in [0, 1], non-decreasing, 1 only once every file
   * is committed. Throws {@link ErrorCode#TOOL_FAILED} when ffmpeg fails (exit code in the message, stderr tail
   * as detail) or its output fails validation, {@link ErrorCode#STORAGE_FAILED} when files cannot be written.
   */
  public EncodedClip encode(EncodeRequest request, DoubleConsumer progress) {
    Path dir = request.outputDir();
    String stem = request.stem();
    String token = UUID.randomUUID().toString().substring(0, 8);
    Path work = null;
    Path srtTmp = temp(dir, stem, "srt", token);
    Path vttTmp = temp(dir, stem, "vtt", token);
    Path jpgTmp = temp(dir, stem, "jpg", token);
    Path mp4Tmp = temp(dir, stem, "mp4", token);
    List<Path> committed = new ArrayList<>();
    boolean done = false;
    try {
      Files.createDirectories(dir);
      removeLeftovers(dir, stem);
      work = Files.createDirectory(dir.resolve("." + stem + ".work-" + token));

      CaptionSettings cs = settings.captions();
      Captions captions = Captions.forClip(request.words(), request.clip().start(), request.clip().end());
      Files.writeString(srtTmp, captions.srt(cs), StandardCharsets.UTF_8);
      Files.writeString(vttTmp, captions.vtt(cs), StandardCharsets.UTF_8);
      String cropCommands = cropCommands(request.crop(), request.duration());
      Path cropFile = null;
      if (!cropCommands.isEmpty()) {
        cropFile = work.resolve("crop.cmd");
        Files.writeString(cropFile, cropCommands, StandardCharsets.UTF_8);
      }
      Path assFile = null;
      if (settings.burnCaptions() && !captions.words().isEmpty()) {
        assFile = work.resolve("captions.ass");
        Files.writeString(assFile, captions.ass(request.width(), request.height(), cs, font), StandardCharsets.UTF_8);
      }

      List<String> command = command(request, cropFile, assFile, mp4Tmp, jpgTmp);
      ProgressReader reader = new ProgressReader(request.duration(), progress);
      long started = System.nanoTime();
      ProcessRunner.Result result = ProcessRunner.run(command, settings.timeout(), reader::read, null);
      double seconds = (System.nanoTime() - started) / 1e9;
      if (result.exitCode() != 0) {
        throw new ClipperException(ErrorCode.TOOL_FAILED, "ffmpeg failed with exit code " + result.exitCode()
            + signalNote(result.exitCode()) + " while encoding " + stem + lastLine(result.stderrTail()),
            result.stderrTail(), null);
      }
      MediaInfo info = validate(request, mp4Tmp, jpgTmp);

      // the video goes last: a final-named MP4 means its captions and thumbnail are already in place
      EncodedClip clip = new EncodedClip(dir.resolve(stem + ".mp4"), dir.resolve(stem + ".srt"),
          dir.resolve(stem + ".vtt"), dir.resolve(stem + ".jpg"), info, seconds);
      commit(srtTmp, clip.srt(), committed);
      commit(vttTmp, clip.vtt(), committed);
      commit(jpgTmp, clip.thumbnail(), committed);
      commit(mp4Tmp, clip.video(), committed);
      done = true;
      log.info("encoded {} ({} s of video) in {} s", stem, String.format(Locale.ROOT, "%.1f", request.duration()),
          String.format(Locale.ROOT, "%.1f", seconds));
      reader.finish();
      return clip;
    } catch (IOException e) {
      throw new ClipperException(ErrorCode.STORAGE_FAILED, "could not write the outputs of " + stem + " in " + dir
          + ": " + e, e);
    } finally {
      for (Path p : List.of(srtTmp, vttTmp, jpgTmp, mp4Tmp)) deleteQuietly(p);
      if (work != null) deleteTree(work);
      if (!done) committed.forEach(ClipEncoder::deleteQuietly);
    }
  }

  /** The ffmpeg command line. Package-private so tests and the benchmark can see exactly what runs. */
  List<String> command(EncodeRequest r, Path cropFile, Path assFile, Path mp4Out, Path jpgOut) {
    CropPath crop = r.crop();
    CropPath.Keyframe first = initialKeyframe(crop);
    int[] thumb = thumbnailSize(r.width(), r.height());
    double thumbAt = Math.max(0, Math.min(r.duration() * settings.thumbnailAt(), r.duration() - 0.5));

    StringBuilder graph = new StringBuilder("[0:v]");
    if (cropFile != null) graph.append("sendcmd=f=").append(filterValue(cropFile.toString())).append(',');
    graph.append("crop=w=").append(crop.width()).append(":h=").append(crop.height())
        .append(":x=").append(clampX(crop, first.x())).append(":y=").append(clampY(crop, first.y()))
        .append(",scale=").append(r.width()).append(':').append(r.height())
        .append(",setsar=1,split=2[main][still];[main]");
    if (assFile != null) {
      graph.append("ass=filename=").append(filterValue(assFile.toString()));
      if (font.dir() != null) graph.append(":fontsdir=").append(filterValue(font.dir().toString()));
      graph.append(',');
    }
    graph.append("format=yuv420p[v];[still]trim=start=").append(seconds(thumbAt))
        .append(",setpts=PTS-STARTPTS,scale=").append(thumb[0]).append(':').append(thumb[1]).append("[thumb]");

    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-nostats",
        "-progress", "pipe:1", "-y",
        "-ss", seconds(r.clip().start()), "-t", seconds(r.duration()), "-i", r.source().toString(),
        "-filter_complex", graph.toString(),
        "-map", "[v]", "-map", "0:a:0",
        "-c:v", "libx264", "-preset", settings.preset(), "-crf", String.valueOf(settings.crf())));
    if (settings.x264Threads() > 0) cmd.addAll(List.of("-threads", String.valueOf(settings.x264Threads())));
    cmd.addAll(List.of("-c:a", "aac", "-b:a", settings.audioBitrateKbps() + "k",
        "-map_metadata", "-1", "-movflags", "+faststart", "-f", "mp4", mp4Out.toString(),
        "-map", "[thumb]", "-frames:v", "1", "-c:v", "mjpeg", "-q:v", String.valueOf(settings.jpegQuality()),
        "-f", "image2", jpgOut.toString()));
    return cmd;
  }

  /**
   * The sendcmd script that moves the crop window: one line per keyframe after the first, e.g.
   * {@code 12.400 crop x 730, crop y 120;}. Times are seconds of the filtered stream, which starts at 0 at the
   * clip's start because the seek is on the input. Keyframes at or past the clip's end are dropped; positions
   * are clamped into the source.
   */
  static String cropCommands(CropPath crop, double duration) {
    List<CropPath.Keyframe> keys = crop.keyframes().stream()
        .sorted(Comparator.comparingDouble(CropPath.Keyframe::t)).toList();
    StringBuilder sb = new StringBuilder();
    CropPath.Keyframe first = initialKeyframe(crop);
    int x = clampX(crop, first.x());
    int y = clampY(crop, first.y());
    for (CropPath.Keyframe k : keys) {
      if (k.t() <= 0 || k.t() >= duration) continue;
      int nx = clampX(crop, k.x());
      int ny = clampY(crop, k.y());
      if (nx == x && ny == y) continue;
      sb.append(String.format(Locale.ROOT, "%.3f crop x %d, crop y %d;%n", k.t(), nx, ny));
      x = nx;
      y = ny;
    }
    return sb.toString();
  }

  /** The window at t = 0: the last keyframe at or before the start, else the earliest one. */
  private static CropPath.Keyframe initialKeyframe(CropPath crop) {
    CropPath.Keyframe best = null;
    for (CropPath.Keyframe k : crop.keyframes()) {
      if (k.t() <= 0 && (best == null || k.t() >= best.t())) best = k;
    }
    if (best != null) return best;
    return crop.keyframes().stream().min(Comparator.comparingDouble(CropPath.Keyframe::t)).orElseThrow();
  }

  private static int clampX(CropPath c, int x) {
    return Math.max(0, Math.min(x, c.sourceWidth() - c.width()));
  }

  private static int clampY(CropPath c, int y) {
    return Math.max(0, Math.min(y, c.sourceHeight() - c.height()));
  }

  /** Thumbnail size: the configured width (at most the output's), height following the output aspect; even. */
  int[] thumbnailSize(int width, int height) {
    int w = Math.min(settings.thumbnailWidth(), width);
    w -= w % 2;
    int h = (int) Math.round((double) w * height / width);
    h -= h % 2;
    return new int[] {w, Math.max(2, h)};
  }

  private MediaInfo validate(EncodeRequest r, Path mp4, Path jpg) {
    MediaInfo info;
    try {
      info = FFprobe.probe(mp4);
    } catch (ClipperException e) {
      throw new ClipperException(ErrorCode.TOOL_FAILED, "ffmpeg wrote an unreadable video for " + r.stem(),
          e.detail(), e);
    }
    List<String> problems = new ArrayList<>();
    if (!info.hasVideo()) {
      problems.add("it has no video stream");
    } else if (info.width() != r.width() || info.height() != r.height()) {
      problems.add("the video is " + info.width() + "x" + info.height() + ", not " + r.width() + "x" + r.height());
    }
    if (!info.hasAudio()) problems.add("it has no audio stream");
    if (Math.abs(info.durationSeconds() - r.duration()) > settings.durationTolerance()) {
      problems.add(String.format(Locale.ROOT, "it lasts %.2f s, not %.2f s", info.durationSeconds(), r.duration()));
    }
    int[] thumb = thumbnailSize(r.width(), r.height());
    if (!Files.isRegularFile(jpg) || sizeOf(jpg) == 0) {
      problems.add("no thumbnail was written");
    } else {
      try {
        MediaInfo t = FFprobe.probe(jpg);
        if (t.width() != thumb[0] || t.height() != thumb[1]) {
          problems.add("the thumbnail is " + t.width() + "x" + t.height());
        }
      } catch (ClipperException e) {
        problems.add("the thumbnail is unreadable");
      }
    }
    if (!problems.isEmpty()) {
      throw new ClipperException(ErrorCode.TOOL_FAILED,
          "the encoded clip " + r.stem() + " failed validation: " + String.join("; ", problems));
    }
    return info;
  }

  private static void commit(Path from, Path to, List<Path> committed) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    committed.add(to);
  }

  private static Path temp(Path dir, String stem, String ext, String token) {
    return dir.resolve("." + stem + "." + ext + "." + token + ".tmp");
  }

  /** Temporary files and work directories of this stem left by an attempt whose JVM died. */
  private static void removeLeftovers(Path dir, String stem) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "." + stem + ".*")) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (name.endsWith(".tmp") || name.startsWith("." + stem + ".work-")) deleteTree(p);
      }
    }
  }

  /**
   * Escapes a value for an ffmpeg filter option inside a filtergraph: first for the option parser
   * ({@code \ ' :}), then for the graph parser ({@code \ ' [ ] , ;}).
   */
  static String filterValue(String value) {
    StringBuilder option = new StringBuilder();
    for (char c : value.toCharArray()) {
      if (c == '\\' || c == '\'' || c == ':') option.append('\\');
      option.append(c);
    }
    StringBuilder graph = new StringBuilder();
    for (char c : option.toString().toCharArray()) {
      if ("\\'[],;".indexOf(c) >= 0) graph.append('\\');
      graph.append(c);
    }
    return graph.toString();
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.3f", s);
  }

  private static String signalNote(int exitCode) {
    return exitCode > 128 && exitCode < 160 ? " (killed by signal " + (exitCode - 128) + ")" : "";
  }

  private static String lastLine(String tail) {
    if (tail == null || tail.isBlank()) return "";
    String[] lines = tail.strip().split("\n");
    return ": " + lines[lines.length - 1];
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("could not delete {}: {}", p, e.toString());
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(ClipEncoder::deleteQuietly);
    } catch (IOException e) {
      log.warn("could not delete {}: {}", root, e.toString());
    }
  }

  /**
   * Reads ffmpeg's {@code -progress pipe:1} key=value lines and reports {@code out_time_us} as a fraction of
   * the clip. Capped below 1 until the files are committed; a throwing callback is switched off rather than
   * allowed to stop the reading (ffmpeg would die on a closed pipe).
   */
  private static final class ProgressReader {
    private final double duration;
    private final DoubleConsumer callback;
    private double last = -1;
    private boolean broken;

    ProgressReader(double duration, DoubleConsumer callback) {
      this.duration = duration;
      this.callback = callback;
    }

    /** Reads to the end of the stream but leaves closing it to ProcessRunner, which drains it afterwards. */
    void read(InputStream in) {
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      try {
        String line;
        while ((line = r.readLine()) != null) {
          if (!line.startsWith("out_time_us=")) continue;
          try {
            double us = Double.parseDouble(line.substring("out_time_us=".length()).trim());
            report(Math.min(0.99, Math.max(0, us / 1e6 / duration)));
          } catch (NumberFormatException ignored) {
            // "N/A" before the first frame is out
          }
        }
      } catch (IOException e) {
        // the process ended or was killed; its exit code tells the story
      }
    }

    synchronized void report(double fraction) {
      if (broken || fraction <= last) return;
      last = fraction;
      try {
        callback.accept(fraction);
      } catch (RuntimeException e) {
        broken = true;
        log.warn("progress callback failed; no more progress will be reported", e);
      }
    }

    void finish() {
      report(1.0);
    }
  }
}
