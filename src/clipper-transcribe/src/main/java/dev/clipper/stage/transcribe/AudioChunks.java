package dev.clipper.stage.transcribe;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts long 16 kHz mono s16le audio into pieces at its quietest moments, so the recogniser can run on several
 * pieces at once without cutting through words.
 */
final class AudioChunks {
  static final int SAMPLE_RATE = 16000;
  static final int FRAMES_PER_SECOND = 100;
  private static final int SAMPLES_PER_FRAME = SAMPLE_RATE / FRAMES_PER_SECOND;
  /** The cut goes in the middle of the quietest stretch this long (longer than a stop consonant's closure). */
  private static final int QUIET_FRAMES = 30;

  private AudioChunks() {}

  /** A piece of the audio, in samples: [firstSample, endSample). */
  record Chunk(int index, long firstSample, long endSample) {
    double startSeconds() {
      return (double) firstSample / SAMPLE_RATE;
    }

    double seconds() {
      return (double) (endSample - firstSample) / SAMPLE_RATE;
    }
  }

  /** Loudness of every 10 ms frame in dB (full scale is about 90 dB). */
  static float[] frameLoudness(Path raw) throws IOException {
    long samples = Files.size(raw) / 2;
    float[] out = new float[(int) ((samples + SAMPLES_PER_FRAME - 1) / SAMPLES_PER_FRAME)];
    byte[] buf = new byte[SAMPLES_PER_FRAME * 2];
    try (InputStream in = new BufferedInputStream(Files.newInputStream(raw), 1 << 16)) {
      for (int f = 0; f < out.length; f++) {
        int n = in.readNBytes(buf, 0, buf.length);
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n).order(ByteOrder.LITTLE_ENDIAN);
        double sum = 0;
        int count = n / 2;
        for (int i = 0; i < count; i++) {
          double v = bb.getShort();
          sum += v * v;
        }
        out[f] = (float) (10 * Math.log10(sum / Math.max(1, count) + 1));
      }
    }
    return out;
  }

  /**
   * Plans pieces of about {@code chunkSeconds}: each cut goes in the quietest 0.3 s within a quarter of a chunk
   * of its target, so a pause between sentences wins over a breath inside a word. Audio up to 1.25 chunks long
   * stays whole; no piece is shorter than 3/8 of a chunk or longer than 1.25 chunks.
   */
  static List<Chunk> plan(float[] loudness, long totalSamples, double chunkSeconds) {
    int frames = loudness.length;
    int chunk = (int) Math.round(chunkSeconds * FRAMES_PER_SECOND);
    int slack = chunk / 4;
    List<Chunk> out = new ArrayList<>();
    int from = 0;
    while (frames - from > chunk + slack) {
      // the last two pieces share what is left evenly, so no tiny tail gets a recogniser of its own
      int target = from + Math.min(chunk, (frames - from) / 2);
      int cut = quietestCentre(loudness, Math.max(from + QUIET_FRAMES, target - slack),
          Math.min(frames - QUIET_FRAMES, target + slack));
      out.add(new Chunk(out.size(), (long) from * SAMPLES_PER_FRAME, (long) cut * SAMPLES_PER_FRAME));
      from = cut;
    }
    out.add(new Chunk(out.size(), (long) from * SAMPLES_PER_FRAME, totalSamples));
    return out;
  }

  /** Centre of the window of {@link #QUIET_FRAMES} frames, starting in [lo, hi), with the lowest mean loudness. */
  private static int quietestCentre(float[] loudness, int lo, int hi) {
    double sum = 0;
    for (int i = lo; i < lo + QUIET_FRAMES; i++) sum += loudness[i];
    double best = sum;
    int bestStart = lo;
    for (int s = lo + 1; s < hi; s++) {
      sum += loudness[s + QUIET_FRAMES - 1] - loudness[s - 1];
      if (sum < best) {
        best = sum;
        bestStart = s;
      }
    }
    return bestStart + QUIET_FRAMES / 2;
  }

  /** Copies a chunk's samples into their own raw file. */
  static void write(Path raw, Chunk chunk, Path out) throws IOException {
    try (FileChannel in = FileChannel.open(raw, StandardOpenOption.READ);
        FileChannel o = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      long pos = chunk.firstSample() * 2;
      long left = (chunk.endSample() - chunk.firstSample()) * 2;
      while (left > 0) {
        long n = in.transferTo(pos, left, o);
        if (n <= 0) break;
        pos += n;
        left -= n;
      }
    }
  }

  static String describe(List<Chunk> chunks) {
    return Arrays.toString(chunks.stream().mapToDouble(c -> Math.round(c.seconds() * 10) / 10.0).toArray());
  }
}
