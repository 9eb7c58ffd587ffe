package dev.clipper.stage.fetch;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.media.MediaInfo;
import dev.clipper.storage.BlobStore;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleConsumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 1, fetch: takes a local file, a {@code file:} URI or an http(s) URL, makes sure it is a usable talking
 * video, and stores it in blob storage under its SHA-256 ("sources/&lt;sha256&gt;.&lt;ext&gt;") so that any
 * node can run the later stages. Side-car captions next to a local file are stored beside it.
 *
 * <p>Failures are {@link ClipperException}s with stable codes; only network trouble ({@code download_failed})
 * and tool or storage hiccups are transient. Whatever happens, the work directory is left as it was found.
 */
public final class Fetcher {
  private static final Logger log = LoggerFactory.getLogger(Fetcher.class);
  private static final Pattern URL_LIKE = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]+:.*", Pattern.DOTALL);
  private static final Pattern SAFE_EXTENSION = Pattern.compile("[a-z0-9]{1,8}");
  /** Container (ffprobe's first format name) → extensions that fit it, the first being the default. */
  private static final Map<String, List<String>> EXTENSIONS = Map.of(
      "mov", List.of("mp4", "mov", "m4v", "3gp", "3g2"),
      "matroska", List.of("mkv", "webm"),
      "avi", List.of("avi"),
      "flv", List.of("flv"),
      "mpegts", List.of("ts", "mts", "m2ts"),
      "mpeg", List.of("mpg", "mpeg", "vob"),
      "asf", List.of("wmv", "asf"),
      "ogg", List.of("ogv", "ogg"));

  // Download phase, then checks, then hashing and storing, as fractions of the whole.
  private static final double DOWNLOAD_SHARE = 0.7;
  private static final double CHECK_END_REMOTE = 0.95;
  private static final double CHECK_END_LOCAL = 0.8;

  private final BlobStore blobs;
  private final FetchSettings settings;
  private final HttpDownloader http;
  private final SourceValidator validator;

  public Fetcher(BlobStore blobs, FetchSettings settings) {
    this(blobs, settings, new UrlGuard(settings));
  }

  /** With a guard of one's own, e.g. one whose resolver pins addresses. */
  public Fetcher(BlobStore blobs, FetchSettings settings, UrlGuard guard) {
    this.blobs = Objects.requireNonNull(blobs);
    this.settings = Objects.requireNonNull(settings);
    this.http = new HttpDownloader(settings, Objects.requireNonNull(guard));
    this.validator = new SourceValidator(settings);
  }

  public FetchSettings settings() {
    return settings;
  }

  public FetchedSource fetch(FetchRequest request) {
    String input = request.input().strip();
    if (input.isEmpty()) {
      throw new ClipperException(ErrorCode.BAD_OPTION, "no input: give a video file or an http(s) URL");
    }
    Progress progress = new Progress(request.progress());
    if (input.regionMatches(true, 0, "file:", 0, 5)) {
      return fetchLocal(fileUriPath(input), request, progress);
    }
    if (URL_LIKE.matcher(input).matches() && !existsLocally(input)) {
      return fetchRemote(parseUrl(input), request, progress);
    }
    return fetchLocal(localPath(input), request, progress);
  }

  private FetchedSource fetchLocal(Path file, FetchRequest request, Progress progress) {
    Path path = file.toAbsolutePath().normalize();
    if (!Files.exists(path)) {
      throw new ClipperException(ErrorCode.SOURCE_NOT_FOUND, "no such file: " + path + urlHint(request.input()));
    }
    if (Files.isDirectory(path)) throw new ClipperException(ErrorCode.NOT_A_VIDEO, path + " is a directory, not a video");
    if (!Files.isReadable(path)) {
      throw new ClipperException(ErrorCode.NOT_A_VIDEO, "the file " + path + " cannot be read (permission denied)");
    }
    MediaInfo media = validator.validate(path, request.minDurationSeconds(), progress.range(0, CHECK_END_LOCAL));
    String sha = Hashing.sha256(path);
    String name = path.getFileName().toString();
    String key = storeSource(path, sha, extensionFor(name, media));
    Optional<String> captions = storeSideCarCaptions(path, sha);
    progress.accept(1.0);
    log.info("fetched {} as {} ({} s, {}x{})", path, key, media.durationSeconds(), media.width(), media.height());
    return new FetchedSource(key, sha, media, name, captions, request.input());
  }

  private FetchedSource fetchRemote(URI url, FetchRequest request, Progress progress) {
    String name = displayName(url);
    Path part = null;
    try {
      Files.createDirectories(request.workDir());
      part = Files.createTempFile(request.workDir(), "fetch-", "." + extensionOf(name).filter(
          e -> SAFE_EXTENSION.matcher(e).matches()).orElse("part"));
      HttpDownloader.Download download = http.download(url, part, progress.range(0, DOWNLOAD_SHARE));
      MediaInfo media = validator.validate(part, request.minDurationSeconds(),
          progress.range(DOWNLOAD_SHARE, CHECK_END_REMOTE));
      String key = storeSource(part, download.sha256(), extensionFor(name, media));
      progress.accept(1.0);
      log.info("fetched {} ({} bytes) as {}", url, download.bytes(), key);
      return new FetchedSource(key, download.sha256(), media, name, Optional.empty(), request.input());
    } catch (IOException e) {
      throw new ClipperException(ErrorCode.STORAGE_FAILED, "cannot use the work directory " + request.workDir()
          + ": " + e.getMessage(), e);
    } finally {
      if (part != null) deleteQuietly(part);
    }
  }

  /** Stores the source unless a blob with the same content is already there (same hash, same bytes). */
  private String storeSource(Path file, String sha, String extension) {
    String key = "sources/" + sha + "." + extension;
    if (!blobs.exists(key)) blobs.put(key, file);
    return key;
  }

  /**
   * Looks beside a local video for captions: VIDEO.srt, VIDEO.vtt (the whole name plus a suffix), then the
   * same stem (video.mp4 → video.srt, video.vtt). The first that is a plausible caption file is stored.
   */
  private Optional<String> storeSideCarCaptions(Path video, String sha) {
    String name = video.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    Set<String> candidates = new LinkedHashSet<>(List.of(name + ".srt", name + ".vtt", stem + ".srt", stem + ".vtt"));
    for (String candidate : candidates) {
      Path file = video.resolveSibling(candidate);
      if (!Files.isRegularFile(file)) continue;
      try {
        long size = Files.size(file);
        if (size > settings.maxCaptionBytes()) {
          log.warn("ignoring captions {}: {} bytes is over the limit of {}", file, size, settings.maxCaptionBytes());
          continue;
        }
        byte[] bytes = Files.readAllBytes(file);
        if (!new String(bytes, StandardCharsets.UTF_8).contains("-->")) {
          log.warn("ignoring captions {}: it holds no cue timings", file);
          continue;
        }
        String key = "sources/" + sha + candidate.substring(candidate.lastIndexOf('.'));
        // Always written: the same video may come with corrected captions.
        blobs.putBytes(key, bytes);
        return Optional.of(key);
      } catch (IOException e) {
        log.warn("ignoring captions {}: {}", file, e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** An extension that fits the container ffprobe saw, keeping the original one when it fits too. */
  static String extensionFor(String fileName, MediaInfo media) {
    String given = extensionOf(fileName).orElse("");
    String first = media.formatName().split(",")[0].strip().toLowerCase(Locale.ROOT);
    List<String> fitting = EXTENSIONS.get(first);
    if (fitting != null) return fitting.contains(given) ? given : fitting.get(0);
    if (SAFE_EXTENSION.matcher(given).matches()) return given;
    String cleaned = first.replaceAll("[^a-z0-9]", "");
    return cleaned.isEmpty() ? "video" : cleaned.substring(0, Math.min(8, cleaned.length()));
  }

  private static Optional<String> extensionOf(String fileName) {
    int dot = fileName.lastIndexOf('.');
    if (dot <= 0 || dot == fileName.length() - 1) return Optional.empty();
    return Optional.of(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private static String displayName(URI url) {
    String path = url.getPath();
    if (path != null) {
      String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
      String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
      if (!last.isBlank()) return last;
    }
    return url.getHost() == null ? url.toString() : url.getHost();
  }

  private static Path fileUriPath(String input) {
    try {
      return Path.of(new URI(input));
    } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
      throw new ClipperException(ErrorCode.UNSUPPORTED_URL, "'" + input + "' is not a valid file: URI (use "
          + "file:///absolute/path)", e);
    }
  }

  private static URI parseUrl(String input) {
    try {
      return new URI(input);
    } catch (URISyntaxException e) {
      throw new ClipperException(ErrorCode.UNSUPPORTED_URL, "'" + input + "' is not a valid URL: "
          + e.getReason(), e);
    }
  }

  private static Path localPath(String input) {
    try {
      return Path.of(input);
    } catch (InvalidPathException e) {
      throw new ClipperException(ErrorCode.SOURCE_NOT_FOUND, "no such file: " + input + " (" + e.getReason() + ")",
          e);
    }
  }

  /** A file whose name merely looks like "scheme:..." is still a file. */
  private static boolean existsLocally(String input) {
    try {
      return Files.exists(Path.of(input));
    } catch (InvalidPathException e) {
      return false;
    }
  }

  private static String urlHint(String input) {
    String s = input.strip().toLowerCase(Locale.ROOT);
    return s.startsWith("www.") || s.contains(".com/") || s.startsWith("youtu")
        ? " (for a URL, include http:// or https://)" : "";
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("cannot delete {}: {}", file, e.getMessage());
    }
  }

  /** Maps phases onto 0..1 and never reports a smaller fraction, or the same one twice. */
  private static final class Progress implements DoubleConsumer {
    private final DoubleConsumer listener;
    private double last = -1;

    Progress(DoubleConsumer listener) {
      this.listener = listener;
    }

    @Override
    public void accept(double fraction) {
      double f = Math.max(0, Math.min(1, fraction));
      // Whole percents are plenty for a progress bar, and a byte loop calls this for every buffer.
      if (f >= 1 ? last < 1 : f >= last + 0.01) {
        last = f;
        listener.accept(f);
      }
    }

    DoubleConsumer range(double from, double to) {
      return f -> accept(from + (to - from) * Math.max(0, Math.min(1, f)));
    }
  }
}
