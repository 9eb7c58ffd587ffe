package dev.clipper.stage.transcribe;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.process.ProcessRunner;
import dev.clipper.transcript.Transcript;
import dev.clipper.transcript.Word;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local offline recogniser: CMU pocketsphinx ({@code pocketsphinx_continuous}) with the US English model.
 *
 * <p>ffmpeg decodes the audio to 16 kHz mono s16; long audio is cut at quiet moments into chunks of about
 * {@link TranscribeSettings#chunkSeconds()} that run {@link TranscribeSettings#parallelism()} at a time, since
 * one pocketsphinx process uses one core. Word times are shifted back by each chunk's offset.
 *
 * <p>Confidence: this pocketsphinx build prints {@code logmath_exp(posterior)}, i.e. the word's lattice
 * posterior probability, already on [0, 1] but with log-table rounding that yields values like 1.0011; those
 * are clamped to 1. Builds that print the raw log posterior (a negative integer in pocketsphinx's log base
 * 1.0001) are mapped back with {@code 1.0001^x}. Either way 1 means the decoder saw no competing word.
 */
public final class PocketsphinxProvider implements TranscriptProvider {
  private static final Logger log = LoggerFactory.getLogger(PocketsphinxProvider.class);
  /** Share of the progress bar the ffmpeg decode takes. */
  private static final double DECODE_SHARE = 0.05;

  private final TranscribeSettings settings;

  public PocketsphinxProvider(TranscribeSettings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return "pocketsphinx";
  }

  @Override
  public Optional<Transcript> transcribe(TranscribeRequest request, DoubleConsumer progress) {
    long began = System.nanoTime();
    Path dir;
    try {
      Files.createDirectories(request.workDir());
      dir = Files.createTempDirectory(request.workDir(), "asr-");
    } catch (IOException e) {
      throw new ClipperException(ErrorCode.STORAGE_FAILED, "cannot create a working directory for the recogniser", e);
    }
    try {
      Path raw = dir.resolve("audio.s16");
      ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", request.media().toString(),
          "-vn", "-sn", "-dn", "-ac", "1", "-ar", String.valueOf(AudioChunks.SAMPLE_RATE), "-acodec", "pcm_s16le",
          "-f", "s16le", raw.toString()), settings.extractTimeout());
      progress.accept(DECODE_SHARE);
      long samples = Files.size(raw) / 2;
      List<AudioChunks.Chunk> chunks = AudioChunks.plan(AudioChunks.frameLoudness(raw), samples,
          settings.chunkSeconds());
      List<Word> words = recogniseAll(raw, dir, chunks, samples, progress);
      double audioSeconds = (double) samples / AudioChunks.SAMPLE_RATE;
      double took = (System.nanoTime() - began) / 1e9;
      log.info("pocketsphinx: {} words from {} s of audio in {} chunks {} in {} s ({}x real time)", words.size(),
          String.format(Locale.ROOT, "%.1f", audioSeconds), chunks.size(), AudioChunks.describe(chunks),
          String.format(Locale.ROOT, "%.1f", took),
          String.format(Locale.ROOT, "%.3f", audioSeconds == 0 ? 0 : took / audioSeconds));
      return Optional.of(new Transcript(words, name()));
    } catch (IOException e) {
      throw new ClipperException(ErrorCode.STORAGE_FAILED, "cannot read or write the recogniser's audio files", e);
    } finally {
      deleteTree(dir);
    }
  }

  private List<Word> recogniseAll(Path raw, Path dir, List<AudioChunks.Chunk> chunks, long totalSamples,
      DoubleConsumer progress) {
    AtomicLong doneSamples = new AtomicLong();
    int threads = Math.min(settings.parallelism(), chunks.size());
    AtomicInteger threadNo = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "pocketsphinx-" + threadNo.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<List<Word>>> futures = new ArrayList<>();
      for (AudioChunks.Chunk c : chunks) {
        futures.add(pool.submit(() -> {
          List<Word> w = recogniseChunk(raw, dir, c);
          long done = doneSamples.addAndGet(c.endSample() - c.firstSample());
          progress.accept(DECODE_SHARE + (1 - DECODE_SHARE) * done / Math.max(1, totalSamples));
          return w;
        }));
      }
      List<Word> words = new ArrayList<>();
      for (Future<List<Word>> f : futures) words.addAll(f.get());
      words.sort(Comparator.comparingDouble(Word::start));
      return words;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ClipperException ce) throw ce;
      if (e.getCause() instanceof UncheckedIOException io) {
        throw new ClipperException(ErrorCode.STORAGE_FAILED, "cannot write a chunk of audio for the recogniser", io);
      }
      throw new ClipperException(ErrorCode.INTERNAL, "the recogniser failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClipperException(ErrorCode.CANCELLED, "transcription was interrupted", e);
    } finally {
      // interrupting the workers makes ProcessRunner kill their recognisers before the files go away
      pool.shutdownNow();
      try {
        pool.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private List<Word> recogniseChunk(Path raw, Path dir, AudioChunks.Chunk chunk) {
    Path file = dir.resolve("chunk-" + chunk.index() + ".s16");
    try {
      AudioChunks.write(raw, chunk, file);
      // no -logfn: pocketsphinx logs to stderr, so a failure keeps its own explanation in the stderr tail
      List<String> cmd = List.of(settings.pocketsphinx().toString(), "-infile", file.toString(),
          "-samprate", String.valueOf(AudioChunks.SAMPLE_RATE), "-hmm", settings.hmm().toString(),
          "-lm", settings.languageModel().toString(), "-dict", settings.dictionary().toString(), "-time", "yes");
      Duration timeout = Duration.ofSeconds(60 + Math.round(chunk.seconds() * settings.recogniserTimeoutPerSecond()));
      ProcessRunner.Result r = ProcessRunner.runChecked(cmd, timeout);
      return parse(r.stdoutText(), chunk.startSeconds());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // the whole directory goes when the provider finishes
      }
    }
  }

  /** Markers and fillers the decoder emits that are not words anyone said. */
  private static final Set<String> NON_WORDS = Set.of("<s>", "</s>", "<sil>");

  /**
   * Parses {@code word start end confidence} lines; the decoder also prints each utterance's plain hypothesis,
   * which has no numbers and is skipped. Times are shifted by {@code offset} seconds.
   */
  static List<Word> parse(String stdout, double offset) {
    List<Word> out = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length != 4) continue;
      double start;
      double end;
      double conf;
      try {
        start = Double.parseDouble(f[1]);
        end = Double.parseDouble(f[2]);
        conf = Double.parseDouble(f[3]);
      } catch (NumberFormatException e) {
        continue;
      }
      String w = f[0];
      if (NON_WORDS.contains(w) || w.startsWith("[") || w.startsWith("+") || w.startsWith("<")) continue;
      w = w.replaceFirst("\\(\\d+\\)$", "");
      if (w.isEmpty()) continue;
      out.add(new Word(display(w), offset + start, offset + Math.max(start, end), confidence(conf)));
    }
    return out;
  }

  /** The model's vocabulary is lower case; "i" and its contractions read wrongly that way in captions. */
  private static String display(String w) {
    return w.equals("i") || w.startsWith("i'") ? "I" + w.substring(1) : w;
  }

  static double confidence(double printed) {
    if (Double.isNaN(printed)) return 0;
    if (printed < 0) return Math.exp(printed * Math.log(1.0001));
    return Math.min(1.0, printed);
  }

  private static void deleteTree(Path dir) {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("could not delete {}: {}", dir, e.toString());
    }
  }
}
