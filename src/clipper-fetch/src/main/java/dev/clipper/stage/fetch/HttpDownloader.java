package dev.clipper.stage.fetch;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.function.DoubleConsumer;

/**
 * Streams an http(s) URL to a file, following redirects by hand so that {@link UrlGuard} checks every hop,
 * enforcing the size limit on the declared length and on the bytes actually received, and hashing as it
 * writes.
 */
final class HttpDownloader {
  private static final String USER_AGENT = "Clipper/0.1";

  /** A finished download. */
  record Download(URI finalUrl, long bytes, String sha256) {}

  private final HttpClient client;
  private final UrlGuard guard;
  private final FetchSettings settings;

  HttpDownloader(FetchSettings settings, UrlGuard guard) {
    this.settings = settings;
    this.guard = guard;
    this.client = HttpClient.newBuilder()
        .connectTimeout(settings.connectTimeout())
        // Redirects are followed here, not by the client, so each hop passes the guard.
        .followRedirects(HttpClient.Redirect.NEVER)
        // No proxy: the guard's address check only means something when we connect ourselves.
        .proxy(HttpClient.Builder.NO_PROXY)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  Download download(URI url, Path target, DoubleConsumer progress) {
    URI current = url;
    for (int hop = 0; ; hop++) {
      try {
        guard.check(current);
      } catch (ClipperException e) {
        if (hop == 0) throw e;
        throw new ClipperException(e.code(), url + " redirected to a URL that cannot be fetched; "
            + e.getMessage(), e.detail(), e);
      }
      HttpResponse<InputStream> response = send(current);
      int status = response.statusCode();
      if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
        closeQuietly(response.body());
        URI from = current;
        String location = response.headers().firstValue("Location")
            .orElseThrow(() -> failed("the server at " + host(from) + " redirected without saying where"));
        if (hop >= settings.maxRedirects()) {
          throw failed("the URL " + url + " redirected more than " + settings.maxRedirects() + " times");
        }
        current = resolve(current, location);
        continue;
      }
      if (status == 404 || status == 410) {
        closeQuietly(response.body());
        throw new ClipperException(ErrorCode.SOURCE_NOT_FOUND,
            "the server has no video at " + current + " (HTTP " + status + ")");
      }
      if (status != 200) {
        closeQuietly(response.body());
        throw failed("the server at " + host(current) + " answered HTTP " + status + " for " + current);
      }
      long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (declared > settings.maxSourceBytes()) {
        closeQuietly(response.body());
        throw tooLarge(current, "declares " + declared + " bytes");
      }
      return stream(current, response.body(), declared, target, progress);
    }
  }

  private HttpResponse<InputStream> send(URI url) {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(url).GET().timeout(settings.readTimeout())
          .header("User-Agent", USER_AGENT).header("Accept", "video/*, */*;q=0.8").build();
    } catch (IllegalArgumentException e) {
      throw new ClipperException(ErrorCode.UNSUPPORTED_URL, "the URL " + url + " cannot be requested: "
          + e.getMessage(), e);
    }
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpConnectTimeoutException e) {
      throw failed("could not connect to " + host(url) + " within " + seconds(settings.connectTimeout()), e);
    } catch (HttpTimeoutException e) {
      throw failed(host(url) + " did not answer within " + seconds(settings.readTimeout()), e);
    } catch (ConnectException e) {
      throw failed("could not connect to " + host(url) + " (" + reason(e, "connection refused") + ")", e);
    } catch (IOException e) {
      throw failed("the request to " + host(url) + " failed: " + reason(e, e.getClass().getSimpleName()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClipperException(ErrorCode.CANCELLED, "the download of " + url + " was interrupted", e);
    }
  }

  private Download stream(URI url, InputStream body, long declared, Path target, DoubleConsumer progress) {
    MessageDigest sha = Hashing.sha256();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    try (InputStream in = body; OutputStream out = Files.newOutputStream(target);
        StallWatch watch = new StallWatch(in, settings.readTimeout(), Thread.currentThread())) {
      while (true) {
        int n;
        try {
          n = in.read(buffer);
        } catch (IOException e) {
          if (Thread.currentThread().isInterrupted()) {
            throw new ClipperException(ErrorCode.CANCELLED, "the download of " + url + " was interrupted", e);
          }
          if (watch.stalled()) {
            throw failed(host(url) + " sent nothing for " + seconds(settings.readTimeout()) + " after " + total
                + " bytes", e);
          }
          throw failed("the download from " + host(url) + " broke off after " + total + " bytes: "
              + reason(e, e.getClass().getSimpleName()), e);
        }
        if (n < 0) break;
        watch.progressed();
        total += n;
        if (total > settings.maxSourceBytes()) throw tooLarge(url, "sent more than " + settings.maxSourceBytes()
            + " bytes");
        try {
          out.write(buffer, 0, n);
        } catch (IOException e) {
          throw new ClipperException(ErrorCode.STORAGE_FAILED, "cannot write the download to " + target + ": "
              + e.getMessage(), e);
        }
        sha.update(buffer, 0, n);
        if (declared > 0) progress.accept((double) total / declared);
      }
    } catch (IOException e) {
      // Only opening or closing the target file gets here; reads and writes are handled above.
      throw new ClipperException(ErrorCode.STORAGE_FAILED, "cannot write the download to " + target + ": "
          + e.getMessage(), e);
    }
    if (declared >= 0 && total != declared) {
      throw failed("the connection to " + host(url) + " closed after " + total + " of " + declared + " bytes");
    }
    progress.accept(1.0);
    return new Download(url, total, Hashing.hex(sha.digest()));
  }

  private static URI resolve(URI base, String location) {
    try {
      URI target = new URI(location.strip());
      // URI.resolve mishandles a base without a path ("http://host" + "a" gives "http://hosta").
      if (base.getRawPath() == null || base.getRawPath().isEmpty()) {
        base = new URI(base.getScheme(), base.getRawAuthority(), "/", null, null);
      }
      return base.resolve(target);
    } catch (URISyntaxException e) {
      throw new ClipperException(ErrorCode.UNSUPPORTED_URL, "the server redirected to an invalid URL: "
          + location, e);
    }
  }

  private ClipperException tooLarge(URI url, String what) {
    return new ClipperException(ErrorCode.SOURCE_TOO_LARGE, "the download from " + url + " " + what
        + "; the limit is " + settings.maxSourceBytes() + " bytes");
  }

  private static ClipperException failed(String message) {
    return new ClipperException(ErrorCode.DOWNLOAD_FAILED, message);
  }

  private static ClipperException failed(String message, Throwable cause) {
    return new ClipperException(ErrorCode.DOWNLOAD_FAILED, message, cause);
  }

  private static String host(URI url) {
    return url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static String reason(Throwable e, String fallback) {
    return e.getMessage() == null || e.getMessage().isBlank() ? fallback : e.getMessage();
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // the response is abandoned either way
    }
  }

  /**
   * Closes the body stream when no byte arrived for the read timeout, or when the reading thread is
   * interrupted (a cancelled job). The JDK client has no idle timeout for bodies, and its stream ignores
   * interrupts, but closing it makes a blocked read fail at once.
   */
  private static final class StallWatch implements AutoCloseable {
    private final Thread thread;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;
    private volatile boolean done;

    StallWatch(InputStream in, Duration timeout, Thread reader) {
      long limit = timeout.toNanos();
      long tick = Math.max(20, Math.min(1000, timeout.toMillis() / 4));
      thread = new Thread(() -> {
        while (!done) {
          try {
            Thread.sleep(tick);
          } catch (InterruptedException e) {
            return;
          }
          boolean idle = System.nanoTime() - lastProgress > limit;
          if (!done && (idle || reader.isInterrupted())) {
            stalled = idle;
            closeQuietly(in);
            return;
          }
        }
      }, "clipper-fetch-watch");
      thread.setDaemon(true);
      thread.start();
    }

    void progressed() {
      lastProgress = System.nanoTime();
    }

    boolean stalled() {
      return stalled;
    }

    @Override
    public void close() {
      done = true;
      thread.interrupt();
    }
  }
}
