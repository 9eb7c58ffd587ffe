package dev.clipper.stage.fetch;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.media.FFprobe;
import dev.clipper.media.MediaInfo;
import dev.clipper.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.DoubleConsumer;

/**
 * Decides whether a file is a usable source: a readable, complete video with an audible audio track, of a
 * length the job can use. Every check is cheap: ffprobe reads headers, the completeness check decodes two
 * short pieces, and the silence check listens to the whole track only when it is short, otherwise to
 * windows spread over it.
 */
final class SourceValidator {
  /** Each piece decoded by the completeness check, in seconds. */
  private static final double PIECE = 0.8;
  /** Sources up to this long have their whole audio track measured for silence. */
  private static final double WHOLE_TRACK_SECONDS = 600;
  private static final int SILENCE_WINDOWS = 8;
  private static final double SILENCE_WINDOW_SECONDS = 20;

  private final FetchSettings settings;

  SourceValidator(FetchSettings settings) {
    this.settings = settings;
  }

  /** Returns what ffprobe says of a usable source, or throws a permanent {@link ClipperException}. */
  MediaInfo validate(Path file, double minSeconds, DoubleConsumer progress) {
    long size = sizeOf(file);
    if (size == 0) throw notAVideo("the file is empty");
    if (size > settings.maxSourceBytes()) {
      throw new ClipperException(ErrorCode.SOURCE_TOO_LARGE, "the file is " + size + " bytes; the limit is "
          + settings.maxSourceBytes() + " bytes");
    }
    MediaInfo info = probe(file);
    progress.accept(0.2);
    if (isStillImage(info)) throw notAVideo("the file is a still image (" + info.formatName() + "), not a video");
    if (!info.hasVideo()) {
      throw notAVideo(info.hasAudio()
          ? "the file has only audio (no video stream; a cover picture does not count), Clipper needs a video"
          : "the file has neither a video nor an audio stream");
    }
    if (!info.hasAudio()) {
      throw new ClipperException(ErrorCode.NO_AUDIO, "the video has no audio track; Clipper cuts clips from "
          + "speech, so it needs one");
    }
    if (info.durationSeconds() <= 0) info = withDuration(info, measureDuration(file));
    if (info.durationSeconds() > settings.maxDurationSeconds()) {
      throw new ClipperException(ErrorCode.SOURCE_TOO_LARGE, "the video is " + clock(info.durationSeconds())
          + " long; the limit is " + clock(settings.maxDurationSeconds()));
    }
    if (info.durationSeconds() < minSeconds) {
      throw new ClipperException(ErrorCode.SOURCE_TOO_SHORT, String.format(Locale.ROOT,
          "the video is %.1f s long, shorter than the minimum clip length of %.1f s", info.durationSeconds(),
          minSeconds));
    }
    requireComplete(file, info.durationSeconds());
    progress.accept(0.6);
    requireAudible(file, info.durationSeconds());
    progress.accept(1.0);
    return info;
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw notAVideo("the file cannot be read: " + e.getMessage());
    }
  }

  private static MediaInfo probe(Path file) {
    try {
      return FFprobe.probe(file);
    } catch (ClipperException e) {
      if (e.code() != ErrorCode.NOT_A_VIDEO) throw e;
      byte[] head = head(file, 4096);
      if (looksLikeText(head)) {
        throw new ClipperException(ErrorCode.NOT_A_VIDEO, "the file is not a readable media file: it holds text, "
            + "not video", e.detail(), e);
      }
      if (e.detail() != null && e.detail().contains("moov atom not found") && looksLikeMp4(head)) {
        // An MP4 whose index sits at the end and never arrived: a cut-off download or copy.
        throw new ClipperException(ErrorCode.NOT_A_VIDEO,
            "the file is truncated or corrupt (its MP4 index, the moov atom, is missing)", e.detail(), e);
      }
      throw e;
    }
  }

  private static byte[] head(Path file, int max) {
    try (var in = Files.newInputStream(file)) {
      return in.readNBytes(max);
    } catch (IOException e) {
      throw notAVideo("the file cannot be read: " + e.getMessage());
    }
  }

  /** Printable characters and white space only (UTF-8 multi-byte sequences count as printable). */
  private static boolean looksLikeText(byte[] head) {
    if (head.length == 0) return false;
    for (byte b : head) {
      int c = b & 0xff;
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') return false;
      if (c == 0x7f) return false;
    }
    return true;
  }

  /** MP4 files are a sequence of boxes; the first one is one of a few known types. */
  private static boolean looksLikeMp4(byte[] head) {
    if (head.length < 8) return false;
    String type = new String(head, 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
    return List.of("ftyp", "mdat", "moov", "free", "skip", "wide", "pnot", "styp").contains(type);
  }

  /** ffprobe reads a JPEG or PNG as a one-frame video stream; that is a photo, not a talk. */
  private static boolean isStillImage(MediaInfo info) {
    String format = info.formatName();
    return format.equals("image2") || format.endsWith("_pipe");
  }

  /**
   * Catches a file whose header promises more than its data holds (an MP4 with its index in front, cut off):
   * decodes a short piece from the middle and one from the end. A complete file yields frames in both; a cut
   * one yields none at the end, or the demuxer reports a "partial file".
   */
  private void requireComplete(Path file, double duration) {
    double middle = duration / 2;
    double end = Math.max(0, duration - 1.0);
    List<String> cmd = List.of("ffmpeg", "-nostdin", "-hide_banner", "-v", "error",
        "-ss", seconds(middle), "-t", seconds(PIECE), "-i", file.toString(),
        "-ss", seconds(end), "-t", seconds(PIECE), "-i", file.toString(),
        "-map", "0:v:0", "-map", "0:a:0", "-map", "1:v:0", "-map", "1:a:0", "-f", "framecrc", "-");
    ConcurrentLinkedQueue<String> partial = new ConcurrentLinkedQueue<>();
    ProcessRunner.Result r = ProcessRunner.run(cmd, settings.checkTimeout(), null, line -> {
      if (line.contains("partial file")) partial.add(line);
    });
    if (r.exitCode() != 0) {
      throw new ClipperException(ErrorCode.NOT_A_VIDEO, "the file is truncated or corrupt: ffmpeg cannot decode "
          + "it (" + lastLine(r.stderrTail()) + ")", r.stderrTail(), null);
    }
    int middleFrames = 0;
    int endFrames = 0;
    for (String line : r.stdoutText().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      String stream = line.substring(0, Math.max(0, line.indexOf(','))).strip();
      if (stream.equals("0") || stream.equals("1")) middleFrames++;
      if (stream.equals("2") || stream.equals("3")) endFrames++;
    }
    if (!partial.isEmpty() || middleFrames == 0 || endFrames == 0) {
      String where = middleFrames == 0 ? "around " + clock(middle) : "at " + clock(end);
      throw new ClipperException(ErrorCode.NOT_A_VIDEO, "the file is truncated or corrupt: its header says "
          + clock(duration) + " but the data stops before the end (nothing decodes " + where + ")",
          String.join("\n", partial.isEmpty() ? List.of(r.stderrTail()) : List.copyOf(partial)), null);
    }
  }

  /**
   * Refuses an audio track that is silent throughout (its loudest sample below the threshold). Long sources
   * are measured in windows spread over the whole length, which costs the same whatever the length.
   */
  private void requireAudible(Path file, double duration) {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-v", "info"));
    if (duration <= WHOLE_TRACK_SECONDS) {
      cmd.addAll(List.of("-i", file.toString(), "-map", "0:a:0", "-af", "volumedetect"));
    } else {
      StringBuilder graph = new StringBuilder();
      double step = duration / SILENCE_WINDOWS;
      for (int i = 0; i < SILENCE_WINDOWS; i++) {
        double start = Math.max(0, step * i + (step - SILENCE_WINDOW_SECONDS) / 2);
        cmd.addAll(List.of("-ss", seconds(start), "-t", seconds(SILENCE_WINDOW_SECONDS), "-i", file.toString()));
        graph.append('[').append(i).append(":a:0]");
      }
      graph.append("concat=n=").append(SILENCE_WINDOWS).append(":v=0:a=1,volumedetect[out]");
      cmd.addAll(List.of("-filter_complex", graph.toString(), "-map", "[out]"));
    }
    cmd.addAll(List.of("-vn", "-f", "null", "-"));
    ConcurrentLinkedQueue<String> found = new ConcurrentLinkedQueue<>();
    ProcessRunner.Result r = ProcessRunner.run(cmd, settings.checkTimeout(), null, line -> {
      int at = line.indexOf("max_volume:");
      if (at >= 0) found.add(line.substring(at + "max_volume:".length()).replace("dB", "").strip());
    });
    if (r.exitCode() != 0) {
      String tail = r.stderrTail() == null ? "" : r.stderrTail();
      if (tail.contains("Invalid data") || tail.contains("Decoder") || tail.contains("decoding")) {
        throw new ClipperException(ErrorCode.NOT_A_VIDEO, "the audio track cannot be decoded ("
            + lastLine(tail) + ")", tail, null);
      }
      ProcessRunner.requireSuccess(cmd, r);
    }
    // The last report is the one that counts: ffmpeg may configure the graph twice, and a first instance
    // that saw no samples prints none.
    List<String> levels = List.copyOf(found);
    double maxDb = levels.isEmpty() ? Double.NEGATIVE_INFINITY : parseDb(levels.get(levels.size() - 1));
    if (maxDb < settings.silenceThresholdDb()) {
      throw new ClipperException(ErrorCode.NO_SPEECH, found.isEmpty()
          ? "the audio track is silent (it holds no samples)"
          : String.format(Locale.ROOT, "the audio track is silent (its loudest moment is %.1f dB, below %.1f dB)",
              maxDb, settings.silenceThresholdDb()));
    }
  }

  /** For the rare container that states no duration: reads it from the packets (no decoding). */
  private double measureDuration(Path file) {
    List<String> cmd = List.of("ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-i", file.toString(),
        "-map", "0:v:0", "-map", "0:a:0", "-c", "copy", "-f", "null", "-progress", "pipe:1", "-nostats", "-");
    ProcessRunner.Result r = ProcessRunner.run(cmd, settings.checkTimeout());
    double seconds = 0;
    for (String line : r.stdoutText().split("\n")) {
      if (line.startsWith("out_time_us=")) {
        try {
          seconds = Math.max(seconds, Long.parseLong(line.substring("out_time_us=".length()).strip()) / 1e6);
        } catch (NumberFormatException ignored) {
          // "N/A" before the first packet
        }
      }
    }
    if (r.exitCode() != 0 || seconds <= 0) throw notAVideo("the file states no duration and none can be read "
        + "from its data");
    return seconds;
  }

  private static MediaInfo withDuration(MediaInfo m, double duration) {
    return new MediaInfo(duration, m.hasVideo(), m.hasAudio(), m.width(), m.height(), m.fps(), m.videoCodec(),
        m.audioCodec(), m.formatName(), m.sizeBytes());
  }

  private static double parseDb(String text) {
    if (text.startsWith("-inf")) return Double.NEGATIVE_INFINITY;
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new ClipperException(ErrorCode.TOOL_FAILED, "ffmpeg volumedetect printed an unreadable level: " + text);
    }
  }

  private static ClipperException notAVideo(String message) {
    return new ClipperException(ErrorCode.NOT_A_VIDEO, message);
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.3f", s);
  }

  /** "1:02:03" or "2:03" or "4.5 s", for messages. */
  static String clock(double seconds) {
    if (seconds < 60) return String.format(Locale.ROOT, "%.1f s", seconds);
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  private static String lastLine(String text) {
    if (text == null || text.isBlank()) return "no details";
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1];
  }
}
