package dev.clipper.sample;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.media.FFprobe;
import dev.clipper.process.ProcessRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds talking videos from real public media: a real face photo panning under a 16:9 frame, with speech of
 * known text (ffmpeg's flite voice). Used by {@code clipper demo}, the benchmark and the tests, which know
 * every sentence's text and time span, and so can measure word error rate, sentence alignment and face
 * position against the truth.
 */
public final class SampleVideo {
  private SampleVideo() {}

  /** A sentence of the speech and where it sits in the audio, in seconds. */
  public record Sentence(String text, double start, double end) {}

  /** Built media and the truth about it. */
  public record Built(Path file, List<Sentence> sentences, double durationSeconds) {
    public String text() {
      return String.join(" ", sentences.stream().map(Sentence::text).toList());
    }
  }

  /**
   * How the video looks: output size, frame rate, and the face motion (the picture pans horizontally by
   * {@code panPixels}·sin(2πt/{@code panPeriod}); 0 keeps it still). With {@code photoHeight} 0 the photo itself
   * is scaled to 1.5× the frame width (a close-up that fills the frame); otherwise it is scaled to that
   * fraction of the frame height and set on a plain dark wall 1.5× the frame width, like a person
   * filmed at a talking-head distance.
   */
  public record Look(int width, int height, int fps, double panPixels, double panPeriod, double photoHeight) {
    public static final Look HD = new Look(1280, 720, 25, 280, 8, 0.6);
    public static final Look FULL_HD = new Look(1920, 1080, 30, 420, 8, 0.6);

    /** A close-up look: the photo fills a canvas 1.5× the frame width. */
    public Look(int width, int height, int fps, double panPixels, double panPeriod) {
      this(width, height, fps, panPixels, panPeriod, 0);
    }

    int canvasWidth() {
      return width * 3 / 2;
    }

    /** Left edge of the visible frame on the canvas at time t. */
    double cropX(double t, int canvasWidth) {
      double pan = panPixels == 0 ? 0 : panPixels * Math.sin(2 * Math.PI * t / panPeriod);
      return (canvasWidth - width) / 2.0 + pan;
    }
  }

  /**
   * Where the point ({@code px}, {@code py}) of a {@code photoWidth}×{@code photoHeight} photo appears in the
   * frame of a {@link #talkingVideo} made with {@code look}, at time t: {x, y} in frame pixels. Tests use it as
   * the truth for face positions.
   */
  public static double[] framePosition(Look look, int photoWidth, int photoHeight, double px, double py,
      double t) {
    if (look.photoHeight() == 0) {
      double scale = look.canvasWidth() / (double) photoWidth;
      int scaledHeight = (int) Math.round(photoHeight * scale / 2) * 2;
      double top = Math.max(0, Math.min(scaledHeight - look.height(), (scaledHeight - look.height()) / 3.0));
      return new double[] {px * scale - look.cropX(t, look.canvasWidth()), py * scale - top};
    }
    int fh = even(look.height() * look.photoHeight());
    int fw = even(photoWidth * (double) fh / photoHeight);
    double scale = fh / (double) photoHeight;
    double left = (look.canvasWidth() - fw) / 2.0;
    double top = (look.height() - fh) / 2.0;
    return new double[] {left + px * scale - look.cropX(t, look.canvasWidth()), top + py * scale};
  }

  private static int even(double v) {
    return (int) Math.round(v / 2) * 2;
  }

  /**
   * Speaks the sentences one by one (flite voice "slt"), joined with {@code gapSeconds} of silence after each,
   * into a 16 kHz mono WAV.
   */
  public static Built speech(List<String> sentences, double gapSeconds, Path outWav) {
    try {
      Path dir = Files.createTempDirectory("clipper-speech");
      try {
        List<Sentence> spans = new ArrayList<>();
        StringBuilder concat = new StringBuilder();
        double t = 0;
        for (int i = 0; i < sentences.size(); i++) {
          Path txt = dir.resolve("s" + i + ".txt");
          Files.writeString(txt, sentences.get(i));
          Path wav = dir.resolve("s" + i + ".wav");
          ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
              "flite=textfile=" + txt + ":voice=slt", "-af",
              "aresample=16000,apad=pad_dur=" + gapSeconds, "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le",
              wav.toString()), Duration.ofSeconds(60));
          double d = FFprobe.probe(wav).durationSeconds();
          spans.add(new Sentence(sentences.get(i), t, t + d - gapSeconds));
          t += d;
          concat.append("file '").append(wav).append("'\n");
        }
        Path list = dir.resolve("list.txt");
        Files.writeString(list, concat);
        ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0",
            "-i", list.toString(), "-c:a", "pcm_s16le", outWav.toString()), Duration.ofSeconds(120));
        return new Built(outWav, spans, FFprobe.probe(outWav).durationSeconds());
      } finally {
        deleteTree(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A talking video: {@code photo} scaled to 1.5× the frame width, panning under the frame as {@code look}
   * says, with the sentences spoken. H.264 + AAC in MP4.
   */
  public static Built talkingVideo(Path photo, List<String> sentences, Look look, Path outMp4) {
    try {
      Path wav = Files.createTempFile("clipper-talk", ".wav");
      Path canvas = Files.createTempFile("clipper-canvas", ".png");
      try {
        Built audio = speech(sentences, 0.6, wav);
        int cw = look.canvasWidth();
        Path picture = photo;
        String fit;
        if (look.photoHeight() > 0) {
          // the backdrop and the framed photo, rendered once rather than for every frame
          int fh = even(look.height() * look.photoHeight());
          ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
              "color=c=0x283038:s=" + cw + "x" + look.height(), "-i", photo.toString(),
              "-filter_complex", "[1:v]scale=-2:" + fh + "[fg];[0:v][fg]overlay=(W-w)/2:(H-h)/2",
              "-frames:v", "1", canvas.toString()), Duration.ofSeconds(60));
          picture = canvas;
          fit = "";
        } else {
          fit = "scale=" + cw + ":-2,";
        }
        String pan = look.panPixels() == 0 ? "(in_w-out_w)/2"
            : "(in_w-out_w)/2+" + look.panPixels() + "*sin(2*PI*t/" + look.panPeriod() + ")";
        String filter = "[0:v]" + fit + "crop=" + look.width() + ":" + look.height() + ":x='" + pan
            + "':y='max(0,min(in_h-out_h,(in_h-out_h)/3))',format=yuv420p[v]";
        ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-loop", "1", "-framerate",
            String.valueOf(look.fps()), "-i", picture.toString(), "-i", wav.toString(), "-filter_complex", filter,
            "-map", "[v]", "-map", "1:a", "-t", String.valueOf(audio.durationSeconds()), "-c:v", "libx264",
            "-preset", "ultrafast", "-crf", "26", "-g", String.valueOf(look.fps() * 2), "-c:a", "aac", "-b:a",
            "96k", "-movflags", "+faststart", outMp4.toString()), Duration.ofMinutes(20));
        return new Built(outMp4, audio.sentences(), FFprobe.probe(outMp4).durationSeconds());
      } finally {
        Files.deleteIfExists(wav);
        Files.deleteIfExists(canvas);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sentences of the bundled sample talk, cycling through it until the speech would last about
   * {@code minutes} (flite's slt voice speaks about 3.1 words a second, measured, plus the 0.6 s gaps).
   */
  public static List<String> talk(double minutes) {
    List<String> all = talkSentences();
    List<String> out = new ArrayList<>();
    double seconds = 0;
    for (int i = 0; seconds < minutes * 60; i++) {
      String s = all.get(i % all.size());
      out.add(s);
      seconds += s.split("\\s+").length / 3.1 + 0.6;
    }
    return out;
  }

  /** Every sentence of the bundled sample talk, in order. */
  public static List<String> talkSentences() {
    InputStream in = SampleVideo.class.getResourceAsStream("/sample-talk.txt");
    if (in == null) throw new ClipperException(ErrorCode.INTERNAL, "sample-talk.txt is missing from the build");
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank() && !line.startsWith("#")) out.add(line.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
