package dev.clipper.stage.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.stage.fetch.UrlGuard.AddressClass;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The guard decides before any connection; these tests use address literals (which never reach DNS) and, for
 * names, a resolver that answers from a table, so not one packet leaves the machine.
 */
class UrlGuardTest {
  private final List<String> lookups = new ArrayList<>();

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "127.0.0.1, LOOPBACK", "127.45.6.7, LOOPBACK", "::1, LOOPBACK",
      "10.0.0.1, PRIVATE", "10.255.255.255, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.254, PRIVATE",
      "192.168.1.20, PRIVATE", "fc00::1, PRIVATE", "fd12:3456::1, PRIVATE",
      "169.254.1.1, LINK_LOCAL", "fe80::1, LINK_LOCAL", "febf::1, LINK_LOCAL",
      "169.254.169.254, METADATA", "fd00:ec2::254, METADATA", "100.100.100.200, METADATA",
      "0.0.0.0, UNSPECIFIED", "::, UNSPECIFIED",
      "224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST", "ff02::1, MULTICAST",
      "100.64.0.1, SHARED", "100.127.255.254, SHARED",
      "0.1.2.3, RESERVED", "240.0.0.1, RESERVED", "255.255.255.255, RESERVED", "192.0.2.1, RESERVED",
      "198.18.0.1, RESERVED", "2001:db8::1, RESERVED",
      "::ffff:127.0.0.1, LOOPBACK", "::ffff:10.1.2.3, PRIVATE", "::ffff:169.254.169.254, METADATA",
      "::ffff:100.64.1.1, SHARED", "64:ff9b::a00:1, PRIVATE", "2002:c0a8:101::1, PRIVATE",
      "8.8.8.8, PUBLIC", "172.32.0.1, PUBLIC", "172.15.255.255, PUBLIC", "100.128.0.1, PUBLIC",
      "169.255.0.1, PUBLIC", "1.1.1.1, PUBLIC", "2606:4700:4700::1111, PUBLIC", "::ffff:8.8.4.4, PUBLIC"
  })
  void classifiesAddresses(String literal, AddressClass expected) throws UnknownHostException {
    assertEquals(expected, UrlGuard.classify(InetAddress.getByName(literal)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1/video.mp4", "http://127.0.0.1:8080/v.mp4", "http://[::1]/v.mp4",
      "https://10.0.0.8/v.mp4", "http://192.168.0.10/v.mp4", "http://172.20.1.1/v.mp4",
      "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/v.mp4", "http://[fd00::5]/v.mp4",
      "http://0.0.0.0:8080/v.mp4", "http://100.64.3.4/v.mp4", "http://224.0.0.251/v.mp4",
      "http://[::ffff:127.0.0.1]/v.mp4", "http://[::ffff:a9fe:a9fe]/v.mp4"})
  void refusesNonPublicAddressesByDefault(String url) {
    ClipperException e = refuse(new UrlGuard(FetchSettings.DEFAULTS, this::table), url, ErrorCode.URL_BLOCKED);
    assertTrue(e.getMessage().contains("address") || e.getMessage().contains("endpoint"), e.getMessage());
  }

  @Test
  void theMessageNamesTheAddressClass() {
    UrlGuard guard = new UrlGuard(FetchSettings.DEFAULTS, this::table);
    assertTrue(refuse(guard, "http://127.0.0.1/v.mp4", ErrorCode.URL_BLOCKED).getMessage()
        .contains("127.0.0.1 is a loopback address"));
    assertTrue(refuse(guard, "http://10.1.2.3/v.mp4", ErrorCode.URL_BLOCKED).getMessage()
        .contains("10.1.2.3 is a private network address"));
    assertTrue(refuse(guard, "http://169.254.169.254/", ErrorCode.URL_BLOCKED).getMessage()
        .contains("169.254.169.254 is a cloud metadata endpoint"));
    assertTrue(refuse(guard, "http://100.64.0.9/", ErrorCode.URL_BLOCKED).getMessage()
        .contains("carrier-grade NAT"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://metadata.google.internal/computeMetadata/v1/",
      "http://METADATA.google.internal./computeMetadata/v1/", "http://metadata/computeMetadata/v1/",
      "http://localhost:8080/v.mp4", "http://foo.localhost/v.mp4", "http://db.internal/v.mp4",
      "http://intranet/v.mp4"})
  void refusesInternalNamesWithoutLookingThemUp(String url) {
    refuse(new UrlGuard(FetchSettings.DEFAULTS, this::table), url, ErrorCode.URL_BLOCKED);
    assertEquals(List.of(), lookups, "no DNS lookup for a name refused by its form");
  }

  @Test
  void refusesANameThatResolvesToAPrivateAddressEvenWhenItAlsoHasAPublicOne() {
    UrlGuard guard = new UrlGuard(FetchSettings.DEFAULTS, this::table);
    ClipperException e = refuse(guard, "https://videos.example.com/talk.mp4", ErrorCode.URL_BLOCKED);
    assertTrue(e.getMessage().contains("videos.example.com resolves to 10.0.0.7, which is a private network address"),
        e.getMessage());
    assertEquals(List.of("videos.example.com"), lookups);
  }

  @Test
  void allowsANameThatResolvesOnlyToPublicAddresses() {
    List<InetAddress> addresses = new UrlGuard(FetchSettings.DEFAULTS, this::table)
        .check(URI.create("https://cdn.example.org/talk.mp4"));
    assertEquals("93.184.215.14", addresses.get(0).getHostAddress());
  }

  @Test
  void privateAddressesPassWhenAllowedButMetadataEndpointsNever() {
    UrlGuard guard = new UrlGuard(FetchSettings.DEFAULTS.withAllowPrivateAddresses(true), this::table);
    guard.check(URI.create("http://127.0.0.1:9000/v.mp4"));
    guard.check(URI.create("http://10.0.0.8/v.mp4"));
    guard.check(URI.create("http://localhost/v.mp4"));
    refuse(guard, "http://169.254.169.254/latest/meta-data/", ErrorCode.URL_BLOCKED);
    refuse(guard, "http://metadata.google.internal/", ErrorCode.URL_BLOCKED);
  }

  @Test
  void anAllowedHostMayBePrivateWhileOthersStayBlocked() {
    UrlGuard guard = new UrlGuard(FetchSettings.DEFAULTS.withAllowedHosts(Set.of("Media.Corp.Example")),
        this::table);
    guard.check(URI.create("http://media.corp.example/v.mp4"));
    refuse(guard, "http://videos.example.com/v.mp4", ErrorCode.URL_BLOCKED);
  }

  @Test
  void aBlockedHostIsRefusedEvenThoughItIsPublic() {
    UrlGuard guard = new UrlGuard(FetchSettings.DEFAULTS.withBlockedHosts(Set.of("cdn.example.org")), this::table);
    assertTrue(refuse(guard, "https://cdn.example.org/v.mp4", ErrorCode.URL_BLOCKED).getMessage()
        .contains("blocked by configuration"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://example.com/video.mp4", "file:///etc/passwd", "gopher://example.com/",
      "javascript:alert(1)", "data:video/mp4;base64,AAAA", "//example.com/video.mp4", "rtmp://example.com/live"})
  void refusesOtherSchemes(String url) {
    refuse(new UrlGuard(FetchSettings.DEFAULTS, this::table), url, ErrorCode.UNSUPPORTED_URL);
    assertEquals(List.of(), lookups);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtu.be/dQw4w9WgXcQ",
      "https://m.youtube.com/watch?v=x", "http://YouTube.com/shorts/abc", "https://www.youtube-nocookie.com/embed/x"})
  void youTubeIsNotSupportedYet(String url) {
    ClipperException e = refuse(new UrlGuard(FetchSettings.DEFAULTS, this::table), url, ErrorCode.UNSUPPORTED_URL);
    assertTrue(e.getMessage().startsWith("YouTube download is not available yet"), e.getMessage());
    assertEquals(List.of(), lookups);
  }

  @Test
  void anUnresolvableNameIsATransientDownloadFailure() {
    ClipperException e = refuse(new UrlGuard(FetchSettings.DEFAULTS, this::table), "https://nowhere.example.net/v.mp4",
        ErrorCode.DOWNLOAD_FAILED);
    assertTrue(e.isTransient());
  }

  private static ClipperException refuse(UrlGuard guard, String url, ErrorCode code) {
    ClipperException e = assertThrows(ClipperException.class, () -> guard.check(URI.create(url)));
    assertEquals(code, e.code(), e.toString());
    return e;
  }

  /** A stand-in for DNS, which tests must not use. */
  private InetAddress[] table(String host) throws UnknownHostException {
    lookups.add(host);
    Map<String, List<String>> zone = Map.of(
        "videos.example.com", List.of("93.184.215.14", "10.0.0.7"),
        "cdn.example.org", List.of("93.184.215.14"),
        "media.corp.example", List.of("10.20.30.40"),
        "localhost", List.of("127.0.0.1"));
    List<String> ips = zone.get(host);
    if (ips == null) throw new UnknownHostException(host);
    InetAddress[] out = new InetAddress[ips.size()];
    for (int i = 0; i < out.length; i++) out[i] = InetAddress.getByAddress(host, InetAddress.getByName(ips.get(i)).getAddress());
    return out;
  }
}
