package dev.clipper.stage.fetch;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides, before any connection is made, whether a URL may be fetched: only http(s), only public
 * addresses (unless the settings say otherwise), never a cloud metadata endpoint. It resolves the host
 * itself and refuses the URL when <em>any</em> of its addresses is not public, because the HTTP client may
 * pick any of them.
 *
 * <p>The HTTP client resolves the name again when it connects. The JDK caches successful lookups (30 s by
 * default), so both see the same answer, but a resolver that changes its answer exactly as the cache entry
 * expires could still slip a private address in (DNS rebinding).
 */
public final class UrlGuard {

  /** Resolves a host name to all of its addresses. The default is the JDK resolver the HTTP client uses. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** What kind of address a host resolved to; everything but {@link #PUBLIC} is refused by default. */
  public enum AddressClass {
    PUBLIC("a public address"),
    LOOPBACK("a loopback address"),
    PRIVATE("a private network address"),
    LINK_LOCAL("a link-local address"),
    METADATA("a cloud metadata endpoint"),
    UNSPECIFIED("the unspecified address"),
    MULTICAST("a multicast address"),
    SHARED("a carrier-grade NAT (shared, 100.64.0.0/10) address"),
    RESERVED("a reserved or documentation address");

    private final String description;

    AddressClass(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  private static final Set<String> YOUTUBE_DOMAINS =
      Set.of("youtube.com", "youtu.be", "youtube-nocookie.com", "youtube.googleapis.com");
  /** Names of metadata services; blocked by name so that no lookup is even tried. */
  private static final Set<String> METADATA_NAMES = Set.of("metadata.google.internal", "metadata.goog",
      "metadata", "instance-data", "instance-data.ec2.internal", "metadata.tencentyun.com");
  /** Suffixes that by definition name hosts on a local network. */
  private static final List<String> LOCAL_SUFFIXES = List.of(".localhost", ".internal", ".local", ".home.arpa",
      ".lan", ".intranet", ".corp");
  private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final FetchSettings settings;
  private final Resolver resolver;

  public UrlGuard(FetchSettings settings) {
    this(settings, InetAddress::getAllByName);
  }

  public UrlGuard(FetchSettings settings, Resolver resolver) {
    this.settings = Objects.requireNonNull(settings);
    this.resolver = Objects.requireNonNull(resolver);
  }

  /**
   * Checks a URL and returns the addresses its host resolved to. Throws {@link ErrorCode#UNSUPPORTED_URL}
   * for other schemes and YouTube, {@link ErrorCode#URL_BLOCKED} for non-public addresses and
   * {@link ErrorCode#DOWNLOAD_FAILED} (transient) when the name cannot be resolved.
   */
  public List<InetAddress> check(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ClipperException(ErrorCode.UNSUPPORTED_URL, scheme.isEmpty()
          ? "'" + url + "' is not a URL Clipper can fetch: give an http(s) URL or a local file"
          : "only http and https URLs can be fetched, not " + scheme + ": (" + url + ")");
    }
    if (url.getHost() == null || url.getHost().isBlank()) {
      throw new ClipperException(ErrorCode.UNSUPPORTED_URL, "the URL " + url + " has no valid host name");
    }
    String host = normaliseHost(url.getHost());
    if (isYouTube(host)) {
      throw new ClipperException(ErrorCode.UNSUPPORTED_URL, "YouTube download is not available yet: download "
          + "the video yourself and give Clipper the file, or a direct http(s) link to it");
    }
    if (settings.blockedHosts().contains(host)) {
      throw blocked(url, "the host " + host + " is blocked by configuration");
    }
    if (METADATA_NAMES.contains(host)) {
      throw blocked(url, host + " is " + AddressClass.METADATA.description() + "; it is never fetched");
    }
    boolean privateAllowed = settings.allowPrivateAddresses() || settings.allowedHosts().contains(host);
    if (!privateAllowed && isLocalName(host)) {
      throw blocked(url, host + " names a host on the local network" + privateHint());
    }
    InetAddress[] addresses = resolve(host);
    for (InetAddress address : addresses) {
      AddressClass kind = classify(address);
      if (kind == AddressClass.METADATA) {
        throw blocked(url, describe(host, address) + " " + kind.description() + "; it is never fetched");
      }
      if (kind != AddressClass.PUBLIC && !privateAllowed) {
        throw blocked(url, describe(host, address) + " " + kind.description() + privateHint());
      }
    }
    return List.of(addresses);
  }

  /** The class of one address; IPv4 addresses embedded in IPv6 (mapped, compatible, NAT64, 6to4) count as IPv4. */
  public static AddressClass classify(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet6Address) return classify6(b);
    return classify4(b);
  }

  private static AddressClass classify4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    int a2 = b[2] & 0xff;
    int a3 = b[3] & 0xff;
    if (a0 == 169 && a1 == 254 && a2 == 169 && a3 == 254) return AddressClass.METADATA; // AWS, GCP, Azure, …
    if (a0 == 100 && a1 == 100 && a2 == 100 && a3 == 200) return AddressClass.METADATA; // Alibaba Cloud
    if (a0 == 0) return (a1 | a2 | a3) == 0 ? AddressClass.UNSPECIFIED : AddressClass.RESERVED;
    if (a0 == 127) return AddressClass.LOOPBACK;
    if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) return AddressClass.PRIVATE;
    if (a0 == 169 && a1 == 254) return AddressClass.LINK_LOCAL;
    if (a0 == 100 && (a1 & 0xc0) == 64) return AddressClass.SHARED;
    if (a0 >= 224 && a0 <= 239) return AddressClass.MULTICAST;
    if (a0 >= 240) return AddressClass.RESERVED; // 240/4 and the broadcast address
    if (a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2)) return AddressClass.RESERVED; // IETF, TEST-NET-1
    if (a0 == 198 && (a1 & 0xfe) == 18) return AddressClass.RESERVED; // benchmarking
    if ((a0 == 198 && a1 == 51 && a2 == 100) || (a0 == 203 && a1 == 0 && a2 == 113)) return AddressClass.RESERVED;
    return AddressClass.PUBLIC;
  }

  private static AddressClass classify6(byte[] b) {
    boolean zero12 = true;
    for (int i = 0; i < 12; i++) zero12 &= b[i] == 0;
    if (zero12 && b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1)) {
      return b[15] == 0 ? AddressClass.UNSPECIFIED : AddressClass.LOOPBACK;
    }
    byte[] embedded = embeddedIpv4(b, zero12);
    if (embedded != null) return classify4(embedded);
    int b0 = b[0] & 0xff;
    int b1 = b[1] & 0xff;
    if (isAwsMetadata6(b)) return AddressClass.METADATA;
    if (b0 == 0xff) return AddressClass.MULTICAST;
    if (b0 == 0xfe && (b1 & 0xc0) == 0x80) return AddressClass.LINK_LOCAL; // fe80::/10
    if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) return AddressClass.PRIVATE; // fec0::/10, deprecated site-local
    if ((b0 & 0xfe) == 0xfc) return AddressClass.PRIVATE; // fc00::/7 unique local
    if (b0 == 0x20 && b1 == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) return AddressClass.RESERVED;
    if ((b0 & 0xe0) != 0x20) return AddressClass.RESERVED; // only 2000::/3 is global unicast
    return AddressClass.PUBLIC;
  }

  /** The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 (64:ff9b::/96) or 6to4 address. */
  private static byte[] embeddedIpv4(byte[] b, boolean zero12) {
    boolean mapped = true;
    for (int i = 0; i < 10; i++) mapped &= b[i] == 0;
    mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    boolean nat64 = b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
    for (int i = 4; nat64 && i < 12; i++) nat64 = b[i] == 0;
    if (mapped || zero12 || nat64) return new byte[] {b[12], b[13], b[14], b[15]};
    if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) return new byte[] {b[2], b[3], b[4], b[5]};
    return null;
  }

  private static boolean isAwsMetadata6(byte[] b) { // fd00:ec2::254
    byte[] m = {(byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
    return java.util.Arrays.equals(b, m);
  }

  /** Lower case, without IPv6 brackets or the trailing dot of a fully qualified name. */
  static String normaliseHost(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    while (h.endsWith(".")) h = h.substring(0, h.length() - 1);
    return h;
  }

  static boolean isYouTube(String host) {
    for (String domain : YOUTUBE_DOMAINS) {
      if (host.equals(domain) || host.endsWith("." + domain)) return true;
    }
    return false;
  }

  private static boolean isLocalName(String host) {
    // A name without a dot is completed by the resolver's search domains: an internal host.
    if (host.equals("localhost") || (!host.contains(".") && !host.contains(":"))) return true;
    for (String suffix : LOCAL_SUFFIXES) {
      if (host.endsWith(suffix)) return true;
    }
    return false;
  }

  private InetAddress[] resolve(String host) {
    try {
      // Literals never reach DNS; a test resolver then only ever sees names.
      if (isLiteral(host)) return InetAddress.getAllByName(host);
      InetAddress[] found = resolver.resolve(host);
      if (found == null || found.length == 0) throw new UnknownHostException(host);
      return found;
    } catch (UnknownHostException e) {
      throw new ClipperException(ErrorCode.DOWNLOAD_FAILED, "cannot resolve the host name " + host, e);
    }
  }

  private String privateHint() {
    return "; Clipper fetches only from public addresses (set allowPrivateAddresses, or list the host in "
        + "allowedHosts, to fetch from internal servers)";
  }

  private static String describe(String host, InetAddress address) {
    String ip = address.getHostAddress();
    if (ip.equalsIgnoreCase(host)) return ip + " is";
    if (isLiteral(host)) return host + " (" + ip + ") is";
    return host + " resolves to " + ip + ", which is";
  }

  private static boolean isLiteral(String host) {
    return IPV4_LITERAL.matcher(host).matches() || host.contains(":");
  }

  private static ClipperException blocked(URI url, String why) {
    return new ClipperException(ErrorCode.URL_BLOCKED, "the URL " + url + " is blocked: " + why);
  }
}
