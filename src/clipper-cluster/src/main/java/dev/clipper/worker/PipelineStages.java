package dev.clipper.worker;

import com.typesafe.config.Config;
import dev.clipper.clip.ScoredClip;
import dev.clipper.crop.CropPath;
import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.json.Json;
import dev.clipper.media.MediaInfo;
import dev.clipper.stage.encode.ClipEncoder;
import dev.clipper.stage.encode.EncodeRequest;
import dev.clipper.stage.encode.EncodeSettings;
import dev.clipper.stage.encode.EncodedClip;
import dev.clipper.stage.fetch.FetchRequest;
import dev.clipper.stage.fetch.FetchSettings;
import dev.clipper.stage.fetch.FetchedSource;
import dev.clipper.stage.fetch.Fetcher;
import dev.clipper.stage.score.ClipSelector;
import dev.clipper.stage.score.ScoreSettings;
import dev.clipper.stage.track.FaceTracker;
import dev.clipper.stage.track.TrackSettings;
import dev.clipper.stage.transcribe.TranscribeRequest;
import dev.clipper.stage.transcribe.TranscribeSettings;
import dev.clipper.stage.transcribe.Transcriber;
import dev.clipper.storage.BlobStore;
import dev.clipper.storage.FileBlobStore;
import dev.clipper.transcript.Transcript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link StageRunner}: runs the pipeline stages against blob storage. Inputs come from blobs (kept
 * as local files where the store is a directory, else downloaded once into the node's cache), outputs go back
 * as blobs under stable keys, so a retried unit of work rewrites the same keys and any node can run any
 * unit. Each unit works in its own directory under the work dir, removed when it ends.
 *
 * <p>Blob layout: {@code sources/<sha256>.<ext>} (and side-car captions), {@code transcripts/<sha256>.json}
 * (cached by source identity), {@code jobs/<job>/crop/clip-NN.json}, {@code jobs/<job>/clip-NN.mp4|srt|vtt|jpg}.
 */
public final class PipelineStages implements StageRunner, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PipelineStages.class);

  private final BlobStore blobs;
  private final Path workDir;
  private final Fetcher fetcher;
  private final Transcriber transcriber;
  private final ScoreSettings scoreSettings;
  private final FaceTracker tracker;
  private final ClipEncoder encoder;
  /** Threads running a unit of work now, interrupted on close so their child processes are killed. */
  private final Set<Thread> running = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private PipelineStages(BlobStore blobs, Path workDir, FetchSettings fetch, TranscribeSettings transcribe,
      ScoreSettings score, Path faceModel, TrackSettings track, EncodeSettings encode) {
    this.blobs = blobs;
    this.workDir = workDir;
    this.fetcher = new Fetcher(blobs, fetch);
    this.transcriber = Transcriber.standard(transcribe);
    this.scoreSettings = score;
    this.tracker = new FaceTracker(faceModel, track);
    this.encoder = new ClipEncoder(encode);
  }

  /** Builds the stages from the {@code clipper} configuration (blob store, work dir, stage settings). */
  public static PipelineStages create(Config config) {
    Config c = config.getConfig("clipper");
    Path work = Path.of(c.getString("work-dir"));
    try {
      Files.createDirectories(work);
    } catch (IOException e) {
      throw new ClipperException(ErrorCode.STORAGE_FAILED, "cannot create work directory " + work, e);
    }
    return new PipelineStages(new FileBlobStore(Path.of(c.getString("blob-dir"))), work,
        StageSettings.fetch(c.getConfig("fetch")), StageSettings.transcribe(c.getConfig("transcribe")),
        StageSettings.score(c.getConfig("score")), faceModel(c), StageSettings.track(c.getConfig("track")),
        StageSettings.encode(c.getConfig("encode")));
  }

  private static Path faceModel(Config c) {
    if (c.hasPath("track.model")) return Path.of(c.getString("track.model"));
    return dev.clipper.sample.Assets.faceModel();
  }

  public BlobStore blobs() {
    return blobs;
  }

  @Override
  public StageResult run(StageWork work, DoubleConsumer progress) throws Exception {
    // a directory per attempt: an earlier attempt of the same unit may still be running somewhere
    Path dir = Files.createDirectories(workDir.resolve(work.jobId())
        .resolve(work.workKey() + "-" + UUID.randomUUID().toString().substring(0, 8)));
    Thread self = Thread.currentThread();
    running.add(self);
    try {
      if (work instanceof StageWork.Fetch f) return fetch(f, dir, progress);
      if (work instanceof StageWork.Transcribe t) return transcribe(t, dir, progress);
      if (work instanceof StageWork.Score s) return score(s);
      if (work instanceof StageWork.Track t) return track(t, progress);
      return encode((StageWork.Encode) work, dir, progress);
    } finally {
      running.remove(self);
      deleteTree(dir);
      deleteIfEmpty(workDir.resolve(work.jobId()));
    }
  }

  private StageResult fetch(StageWork.Fetch w, Path dir, DoubleConsumer progress) {
    FetchedSource s = fetcher.fetch(FetchRequest.of(w.input(), dir, w.options().minSeconds())
        .withProgress(progress));
    MediaInfo m = s.media();
    return new StageResult.Fetched(s.blobKey(), s.sha256(), s.displayName(), m.durationSeconds(), m.width(),
        m.height(), m.fps(), m.sizeBytes(), s.captionsKey().orElse(null));
  }

  private StageResult transcribe(StageWork.Transcribe w, Path dir, DoubleConsumer progress) throws IOException {
    String key = "transcripts/" + w.sourceHash() + (w.captionsKey() != null ? "-captions" : "") + ".json";
    if (blobs.exists(key)) {
      Transcript cached = Json.MAPPER.readValue(blobs.getBytes(key), Transcript.class);
      log.info("transcript of {} from the cache ({} words)", w.sourceHash(), cached.words().size());
      return new StageResult.Transcribed(key, cached.words().size(), cached.provider());
    }
    TranscribeRequest request = TranscribeRequest.of(localFile(w.sourceKey())).withWorkDir(dir);
    if (w.captionsKey() != null) {
      Path captions = dir.resolve(Path.of(w.captionsKey()).getFileName().toString());
      blobs.download(w.captionsKey(), captions);
      request = request.withCaptions(captions);
    }
    Transcript t = transcriber.transcribe(request, progress);
    blobs.putBytes(key, Json.MAPPER.writeValueAsBytes(t));
    return new StageResult.Transcribed(key, t.words().size(), t.provider());
  }

  private StageResult score(StageWork.Score w) throws IOException {
    Transcript t = Json.MAPPER.readValue(blobs.getBytes(w.transcriptKey()), Transcript.class);
    List<ScoredClip> clips = ClipSelector.select(t, w.sourceDuration(), w.options(), scoreSettings);
    return new StageResult.Scored(clips);
  }

  private StageResult track(StageWork.Track w, DoubleConsumer progress) throws IOException {
    ScoredClip clip = w.clip();
    Path source = localFile(w.sourceKey());
    CropPath path = tracker.track(source, dev.clipper.media.FFprobe.probe(source), clip.start(), clip.end(),
        w.options().width(), w.options().height(), progress);
    String key = "jobs/" + w.jobId() + "/crop/" + stem(clip) + ".json";
    blobs.putBytes(key, Json.MAPPER.writeValueAsBytes(path));
    return new StageResult.Tracked(clip.index(), key, path.method(), path.reason());
  }

  private StageResult encode(StageWork.Encode w, Path dir, DoubleConsumer progress) throws IOException {
    ScoredClip clip = w.clip();
    Transcript t = Json.MAPPER.readValue(blobs.getBytes(w.transcriptKey()), Transcript.class);
    CropPath crop = Json.MAPPER.readValue(blobs.getBytes(w.cropKey()), CropPath.class);
    String stem = stem(clip);
    EncodedClip out = encoder.encode(new EncodeRequest(localFile(w.sourceKey()), clip,
        t.between(clip.start() - 1, clip.end() + 1), crop, w.options().width(), w.options().height(), dir, stem),
        progress);
    String prefix = "jobs/" + w.jobId() + "/" + stem;
    // the video last: its key existing means the clip is complete
    blobs.put(prefix + ".srt", out.srt());
    blobs.put(prefix + ".vtt", out.vtt());
    blobs.put(prefix + ".jpg", out.thumbnail());
    blobs.put(prefix + ".mp4", out.video());
    return new StageResult.Encoded(clip.index(), prefix + ".mp4", prefix + ".srt", prefix + ".vtt",
        prefix + ".jpg", out.media().durationSeconds());
  }

  private static String stem(ScoredClip clip) {
    return String.format(Locale.ROOT, "clip-%02d", clip.index());
  }

  /** A local file holding the blob: the blob itself on a directory store, else a per-node cached copy. */
  private Path localFile(String key) {
    if (blobs instanceof FileBlobStore fs) {
      Path p = fs.pathOf(key);
      if (!Files.isRegularFile(p)) throw new ClipperException(ErrorCode.STORAGE_FAILED, "blob " + key + " is missing");
      return p;
    }
    Path cached = workDir.resolve("cache").resolve(key);
    if (!Files.isRegularFile(cached)) blobs.download(key, cached);
    return cached;
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("cannot remove work directory {}: {}", dir, e.getMessage());
    }
  }

  private static void deleteIfEmpty(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException notEmpty) {
      // another unit of the same job is still working here
    }
  }

  /** Stops: running units are interrupted (their ffmpeg/recogniser processes are killed), then the model freed. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    running.forEach(Thread::interrupt);
    long deadline = System.currentTimeMillis() + 10_000;
    while (!running.isEmpty() && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    tracker.close();
  }
}
