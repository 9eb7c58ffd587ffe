package dev.clipper.stage.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clipper.clip.ScoredClip;
import dev.clipper.clip.Scores;
import dev.clipper.crop.CropPath;
import dev.clipper.media.FFprobe;
import dev.clipper.process.ProcessRunner;
import dev.clipper.sample.Assets;
import dev.clipper.sample.SampleVideo;
import dev.clipper.transcript.Word;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * What captions, sendcmd and the thumbnail cost: a 30 s clip of a 1920×1080 talking video encoded to
 * 1080×1920 by the ClipEncoder (moving crop + captions), by the ClipEncoder without captions, and by a plain
 * ffmpeg crop+scale+x264+aac of the same range, interleaved over two rounds. Slow (minutes), so only with
 * {@code -Dclipper.bench=true -Dtest=EncodeOverheadBenchmark}.
 */
@EnabledIfSystemProperty(named = "clipper.bench", matches = "true")
class EncodeOverheadBenchmark {
  @TempDir Path tmp;

  /**
   * CPU seconds used by this JVM's finished, reaped children (cutime + cstime of /proc/self/stat): unlike wall
   * time, not inflated by other work sharing the machine.
   */
  private static double childCpuSeconds() {
    try {
      String stat = java.nio.file.Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields after the command: state is field 3 overall, so cutime (16) and cstime (17) are at 13 and 14
      return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void encoderOverheadAgainstAPlainFfmpegPass() {
    SampleVideo.Built src = SampleVideo.talkingVideo(Assets.photo("jesper.jpg"), SampleVideo.talk(0.7),
        SampleVideo.Look.FULL_HD, tmp.resolve("talk.mp4"));
    double start = 5;
    double end = 35;
    List<Word> words = TalkingWords.of(src);
    int[] size = CropPath.cropSize(1920, 1080, 1080, 1920);
    // a tracked-looking path: a keyframe every half second following the pan
    List<CropPath.Keyframe> keys = new ArrayList<>();
    for (double t = 0; t < end - start; t += 0.5) {
      int x = (int) Math.round((1920 - size[0]) / 2.0 + 300 * Math.sin(2 * Math.PI * (start + t) / 8));
      keys.add(new CropPath.Keyframe(t, x, 0));
    }
    CropPath path = new CropPath(1920, 1080, size[0], size[1], keys, "face", "bench");
    ScoredClip clip = new ScoredClip(1, start, end, 50, new Scores(50, 50, 50, 50), "bench", "bench");
    ClipEncoder full = new ClipEncoder();
    ClipEncoder noCaptions = new ClipEncoder(EncodeSettings.DEFAULTS.withBurnCaptions(false));

    double[] plain = new double[2];
    double[] encoder = new double[2];
    double[] bare = new double[2];
    double[] plainCpu = new double[2];
    double[] encoderCpu = new double[2];
    double[] bareCpu = new double[2];
    for (int round = 0; round < 2; round++) {
      Path out = tmp.resolve("plain" + round + ".mp4");
      double c0 = childCpuSeconds();
      long t0 = System.nanoTime();
      ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", "5", "-t", "30", "-i",
          src.file().toString(), "-vf", "crop=" + size[0] + ":" + size[1] + ":656:0,scale=1080:1920", "-c:v",
          "libx264", "-preset", "veryfast", "-crf", "21", "-c:a", "aac", out.toString()), Duration.ofMinutes(10));
      plain[round] = (System.nanoTime() - t0) / 1e9;
      plainCpu[round] = childCpuSeconds() - c0;
      assertEquals(1080, FFprobe.probe(out).width());

      c0 = childCpuSeconds();
      t0 = System.nanoTime();
      full.encode(new EncodeRequest(src.file(), clip, words, path, 1080, 1920, tmp.resolve("enc" + round), "c"));
      encoder[round] = (System.nanoTime() - t0) / 1e9;
      encoderCpu[round] = childCpuSeconds() - c0;

      c0 = childCpuSeconds();
      t0 = System.nanoTime();
      noCaptions.encode(new EncodeRequest(src.file(), clip, words, path, 1080, 1920, tmp.resolve("bare" + round),
          "c"));
      bare[round] = (System.nanoTime() - t0) / 1e9;
      bareCpu[round] = childCpuSeconds() - c0;
    }
    System.out.printf(Locale.ROOT, "CPU (user+sys of child processes): plain %.1f / %.1f s; ClipEncoder %.1f / %.1f s;"
        + " without captions %.1f / %.1f s%nCPU ratio ClipEncoder/plain %.3f, without captions/plain %.3f%n",
        plainCpu[0], plainCpu[1], encoderCpu[0], encoderCpu[1], bareCpu[0], bareCpu[1],
        (encoderCpu[0] + encoderCpu[1]) / (plainCpu[0] + plainCpu[1]),
        (bareCpu[0] + bareCpu[1]) / (plainCpu[0] + plainCpu[1]));
    double p = (plain[0] + plain[1]) / 2;
    double e = (encoder[0] + encoder[1]) / 2;
    double b = (bare[0] + bare[1]) / 2;
    System.out.printf(Locale.ROOT, "plain ffmpeg %.2f / %.2f s; ClipEncoder %.2f / %.2f s; without captions "
        + "%.2f / %.2f s%nratio ClipEncoder/plain %.3f, without captions/plain %.3f%n", plain[0], plain[1],
        encoder[0], encoder[1], bare[0], bare[1], e / p, b / p);
  }
}
