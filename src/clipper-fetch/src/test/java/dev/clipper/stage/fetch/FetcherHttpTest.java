package dev.clipper.stage.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.sample.SampleVideo;
import dev.clipper.storage.FileBlobStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * http(s) sources, against a real JDK HTTP server on 127.0.0.1 (the only address these tests ever connect
 * to). Reaching it needs {@code allowPrivateAddresses}; the tests that leave it off prove the server saw
 * nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FetcherHttpTest {
  private static final double MIN_SECONDS = 3;
  private static final long LIMIT = 64 * 1024;
  private static final FetchSettings LOOPBACK_OK = FetchSettings.DEFAULTS.withAllowPrivateAddresses(true);

  private SampleVideo.Built talk;
  private byte[] talkBytes;
  private HttpServer server;
  private ExecutorService serverThreads;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  @TempDir Path work;
  @TempDir Path blobRoot;
  private FileBlobStore blobs;

  @BeforeAll
  void start(@TempDir Path media) throws IOException {
    talk = TestMedia.talkingVideo(media.resolve("talk.mp4"));
    talkBytes = Files.readAllBytes(talk.file());
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serverThreads = Executors.newCachedThreadPool();
    server.setExecutor(serverThreads);
    server.createContext("/", this::serve);
    server.start();
  }

  @AfterAll
  void stop() {
    server.stop(0);
    serverThreads.shutdownNow();
  }

  @BeforeEach
  void reset() {
    hits.clear();
    blobs = new FileBlobStore(blobRoot);
  }

  private void serve(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    try (ex) {
      switch (path) {
        case "/media/talk.mp4" -> send(ex, 200, talkBytes);
        case "/missing.mp4" -> send(ex, 404, "not here".getBytes());
        case "/gone.mp4" -> send(ex, 410, "gone".getBytes());
        case "/broken.mp4" -> send(ex, 503, "try later".getBytes());
        case "/moved.mp4" -> redirect(ex, "/media/talk.mp4");
        case "/to-localhost.mp4" -> redirect(ex, "http://localhost:" + port() + "/media/talk.mp4");
        case "/loop.mp4" -> redirect(ex, "/loop.mp4");
        case "/huge.mp4" -> {
          // Declares 8 GiB; the client must give up on the header alone.
          ex.sendResponseHeaders(200, 8L * 1024 * 1024 * 1024);
          writeQuietly(ex.getResponseBody(), new byte[1024]);
        }
        case "/endless.mp4" -> {
          // No Content-Length (chunked), then more bytes than the limit.
          ex.sendResponseHeaders(200, 0);
          for (int i = 0; i < 64 && writeQuietly(ex.getResponseBody(), new byte[4096]); i++) {
            // keeps writing until the client hangs up or 256 KiB are out
          }
        }
        case "/stall.mp4" -> {
          ex.sendResponseHeaders(200, talkBytes.length);
          writeQuietly(ex.getResponseBody(), java.util.Arrays.copyOf(talkBytes, 1000));
          sleep(Duration.ofSeconds(20));
        }
        default -> send(ex, 500, "unknown test path".getBytes());
      }
    }
  }

  @Test
  void streamsAnHttpVideoIntoStorageUnderTheSameHashAsTheFile() {
    List<Double> progress = new ArrayList<>();
    FetchedSource source = fetcher(LOOPBACK_OK)
        .fetch(FetchRequest.of(url("/media/talk.mp4"), work, MIN_SECONDS).withProgress(progress::add));

    String sha = TestMedia.sha256(talk.file());
    assertEquals(sha, source.sha256());
    assertEquals("sources/" + sha + ".mp4", source.blobKey());
    assertArrayEquals(talkBytes, blobs.getBytes(source.blobKey()));
    assertEquals(640, source.media().width());
    assertEquals(talk.durationSeconds(), source.media().durationSeconds(), 0.05);
    assertEquals("talk.mp4", source.displayName());
    assertEquals(Optional.empty(), source.captionsKey());
    assertEquals(1.0, progress.get(progress.size() - 1));
    assertTrue(progress.size() >= 3, "progress while downloading and checking: " + progress);
    for (int i = 1; i < progress.size(); i++) assertTrue(progress.get(i) > progress.get(i - 1), "progress " + progress);
    assertEquals(List.of(), TestMedia.listTree(work), "the download is removed once stored");
  }

  @Test
  void followsARedirectToTheVideo() {
    FetchedSource source = fetcher(LOOPBACK_OK).fetch(FetchRequest.of(url("/moved.mp4"), work, MIN_SECONDS));
    assertEquals(TestMedia.sha256(talk.file()), source.sha256());
    assertEquals(1, hits.get("/media/talk.mp4").get());
  }

  @Test
  void aMissingPageIsSourceNotFound() {
    assertRefused(url("/missing.mp4"), LOOPBACK_OK, ErrorCode.SOURCE_NOT_FOUND, "(HTTP 404)");
    assertRefused(url("/gone.mp4"), LOOPBACK_OK, ErrorCode.SOURCE_NOT_FOUND, "(HTTP 410)");
  }

  @Test
  void aServerErrorIsATransientDownloadFailure() {
    assertRefused(url("/broken.mp4"), LOOPBACK_OK, ErrorCode.DOWNLOAD_FAILED, "answered HTTP 503");
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedBeforeReadingTheBody() {
    assertRefused(url("/huge.mp4"), LOOPBACK_OK, ErrorCode.SOURCE_TOO_LARGE, "declares 8589934592 bytes");
  }

  @Test
  void aBodyThatGoesOnPastTheLimitIsCutOff() {
    assertRefused(url("/endless.mp4"), LOOPBACK_OK.withMaxSourceBytes(LIMIT), ErrorCode.SOURCE_TOO_LARGE,
        "sent more than " + LIMIT + " bytes");
  }

  @Test
  void aServerThatStopsSendingTimesOut() {
    ClipperException e = assertRefused(url("/stall.mp4"),
        LOOPBACK_OK.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1)), ErrorCode.DOWNLOAD_FAILED,
        "sent nothing for 1 s after 1000 bytes");
    assertTrue(e.isTransient());
  }

  @Test
  void aClosedPortIsATransientDownloadFailure() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertRefused("http://127.0.0.1:" + port + "/talk.mp4", LOOPBACK_OK, ErrorCode.DOWNLOAD_FAILED,
        "could not connect to 127.0.0.1:" + port);
  }

  @Test
  void tooManyRedirectsFail() {
    assertRefused(url("/loop.mp4"), LOOPBACK_OK, ErrorCode.DOWNLOAD_FAILED, "redirected more than 5 times");
    assertEquals(6, hits.get("/loop.mp4").get());
  }

  @Test
  void loopbackIsRefusedByDefaultWithoutSendingARequest() {
    ClipperException e = assertRefused(url("/media/talk.mp4"), FetchSettings.DEFAULTS, ErrorCode.URL_BLOCKED,
        "127.0.0.1 is a loopback address");
    assertTrue(e.getMessage().contains("only from public addresses"), e.getMessage());
    assertEquals(Map.of(), hits, "the server saw no request");
  }

  @Test
  void aRedirectToLoopbackIsRefusedAtThatHop() {
    // The first hop is explicitly allowed; the hop it points to is not.
    FetchSettings settings = FetchSettings.DEFAULTS.withAllowedHosts(Set.of("127.0.0.1"));
    ClipperException e = assertRefused(url("/to-localhost.mp4"), settings, ErrorCode.URL_BLOCKED,
        "redirected to a URL that cannot be fetched; the URL http://localhost:" + port() + "/media/talk.mp4 is blocked: "
        + "localhost names a host on the local network");
    assertEquals(1, hits.get("/to-localhost.mp4").get());
    assertEquals(null, hits.get("/media/talk.mp4"), "the redirect target was never requested");
  }

  @Test
  void theMetadataEndpointAndPrivateNetworksAreRefusedBeforeConnecting() {
    // A connection attempt to these would hang until the 10 s connect timeout; refusing takes milliseconds.
    // The loopback ones go first: should the guard ever be skipped, they reach our own server and fail the
    // test before anything is sent to the other addresses.
    for (String url : List.of(url("/canary.mp4"), "http://[::ffff:127.0.0.1]:" + port() + "/x",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/", "http://10.11.12.13/talk.mp4",
        "http://192.168.1.1/talk.mp4", "http://metadata.google.internal/computeMetadata/v1/")) {
      long start = System.nanoTime();
      assertRefused(url, FetchSettings.DEFAULTS, ErrorCode.URL_BLOCKED, "is blocked");
      assertTrue(System.nanoTime() - start < 1_000_000_000L, url + " took over a second");
    }
    assertEquals(Map.of(), hits);
  }

  @Test
  void otherSchemesAndYouTubeAreUnsupported() {
    assertRefused("ftp://127.0.0.1/talk.mp4", LOOPBACK_OK, ErrorCode.UNSUPPORTED_URL, "only http and https");
    assertRefused("https://www.youtube.com/watch?v=dQw4w9WgXcQ", LOOPBACK_OK, ErrorCode.UNSUPPORTED_URL,
        "YouTube download is not available yet");
  }

  private ClipperException assertRefused(String url, FetchSettings settings, ErrorCode code, String messagePart) {
    long start = System.nanoTime();
    ClipperException e = assertThrows(ClipperException.class,
        () -> fetcher(settings).fetch(FetchRequest.of(url, work, MIN_SECONDS)));
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("%-60s %-17s %5d ms  %s%n", url, e.code().code(), millis, e.getMessage());
    assertEquals(code, e.code(), e.toString());
    assertTrue(e.getMessage().contains(messagePart), "message: " + e.getMessage());
    assertEquals(code.isTransient(), e.isTransient());
    assertTrue(millis < 10_000, "took " + millis + " ms");
    assertEquals(List.of(), blobs.list(""), "nothing stored");
    assertEquals(List.of(), TestMedia.listTree(work), "nothing left in the work directory");
    return e;
  }

  private Fetcher fetcher(FetchSettings settings) {
    return new Fetcher(blobs, settings);
  }

  private int port() {
    return server.getAddress().getPort();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length);
    writeQuietly(ex.getResponseBody(), body);
  }

  private static void redirect(HttpExchange ex, String location) throws IOException {
    ex.getResponseHeaders().set("Location", location);
    ex.sendResponseHeaders(302, -1);
  }

  /** Writes unless the client has hung up, which several tests expect it to. */
  private static boolean writeQuietly(OutputStream out, byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
