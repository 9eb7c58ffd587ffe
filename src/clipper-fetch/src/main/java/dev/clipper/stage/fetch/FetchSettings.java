package dev.clipper.stage.fetch;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Operator limits for the fetch stage (the host fills them from {@code application.conf}). The per-job
 * minimum length travels in {@link FetchRequest}, because it is the job's shortest clip.
 *
 * @param maxSourceBytes largest source accepted, for downloads (Content-Length and bytes actually streamed)
 *     and local files alike
 * @param maxDurationSeconds longest source accepted
 * @param connectTimeout time allowed to open a connection
 * @param readTimeout time allowed for the response headers, and the longest pause between body bytes
 * @param maxRedirects redirects followed before giving up; every hop is checked by {@link UrlGuard}
 * @param allowPrivateAddresses lets URLs reach loopback, private, link-local and other non-public addresses
 *     (cloud metadata endpoints stay blocked whatever this says)
 * @param allowedHosts host names (lower case) that may resolve to non-public addresses, e.g. an internal
 *     media server, without opening every private address
 * @param blockedHosts host names (lower case) that are always refused
 * @param silenceThresholdDb an audio track whose loudest sample stays below this is "silent"
 * @param maxCaptionBytes largest side-car caption file picked up
 * @param checkTimeout time limit of each ffprobe/ffmpeg check
 */
public record FetchSettings(
    long maxSourceBytes,
    double maxDurationSeconds,
    Duration connectTimeout,
    Duration readTimeout,
    int maxRedirects,
    boolean allowPrivateAddresses,
    Set<String> allowedHosts,
    Set<String> blockedHosts,
    double silenceThresholdDb,
    long maxCaptionBytes,
    Duration checkTimeout) {

  public static final FetchSettings DEFAULTS = new FetchSettings(
      4L * 1024 * 1024 * 1024, // 4 GiB
      3 * 3600,
      Duration.ofSeconds(10),
      Duration.ofSeconds(30),
      5,
      false,
      Set.of(),
      Set.of(),
      -50.0,
      10L * 1024 * 1024,
      Duration.ofSeconds(60));

  public FetchSettings {
    if (maxSourceBytes <= 0) throw new IllegalArgumentException("maxSourceBytes must be positive");
    if (!(maxDurationSeconds > 0)) throw new IllegalArgumentException("maxDurationSeconds must be positive");
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(readTimeout, "readTimeout");
    requirePositive(checkTimeout, "checkTimeout");
    if (maxRedirects < 0) throw new IllegalArgumentException("maxRedirects must not be negative");
    if (maxCaptionBytes < 0) throw new IllegalArgumentException("maxCaptionBytes must not be negative");
    allowedHosts = normalise(allowedHosts);
    blockedHosts = normalise(blockedHosts);
  }

  public FetchSettings withMaxSourceBytes(long bytes) {
    return new FetchSettings(bytes, maxDurationSeconds, connectTimeout, readTimeout, maxRedirects,
        allowPrivateAddresses, allowedHosts, blockedHosts, silenceThresholdDb, maxCaptionBytes, checkTimeout);
  }

  public FetchSettings withMaxDurationSeconds(double seconds) {
    return new FetchSettings(maxSourceBytes, seconds, connectTimeout, readTimeout, maxRedirects,
        allowPrivateAddresses, allowedHosts, blockedHosts, silenceThresholdDb, maxCaptionBytes, checkTimeout);
  }

  public FetchSettings withTimeouts(Duration connect, Duration read) {
    return new FetchSettings(maxSourceBytes, maxDurationSeconds, connect, read, maxRedirects,
        allowPrivateAddresses, allowedHosts, blockedHosts, silenceThresholdDb, maxCaptionBytes, checkTimeout);
  }

  public FetchSettings withAllowPrivateAddresses(boolean allow) {
    return new FetchSettings(maxSourceBytes, maxDurationSeconds, connectTimeout, readTimeout, maxRedirects,
        allow, allowedHosts, blockedHosts, silenceThresholdDb, maxCaptionBytes, checkTimeout);
  }

  public FetchSettings withAllowedHosts(Set<String> hosts) {
    return new FetchSettings(maxSourceBytes, maxDurationSeconds, connectTimeout, readTimeout, maxRedirects,
        allowPrivateAddresses, hosts, blockedHosts, silenceThresholdDb, maxCaptionBytes, checkTimeout);
  }

  public FetchSettings withBlockedHosts(Set<String> hosts) {
    return new FetchSettings(maxSourceBytes, maxDurationSeconds, connectTimeout, readTimeout, maxRedirects,
        allowPrivateAddresses, allowedHosts, hosts, silenceThresholdDb, maxCaptionBytes, checkTimeout);
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
  }

  private static Set<String> normalise(Set<String> hosts) {
    if (hosts == null) return Set.of();
    return hosts.stream().map(h -> UrlGuard.normaliseHost(Objects.requireNonNull(h)))
        .collect(Collectors.toUnmodifiableSet());
  }
}
