using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Clipper.Core.Errors;

namespace Clipper.Stages.Fetch;

/// <summary>
/// The address policy for URLs: only http(s), only public addresses (unless the options say otherwise), never a
/// cloud metadata endpoint. A host is refused when <em>any</em> of its addresses is not public, because a client
/// may pick any of them.
/// <para>
/// <see cref="Fetcher"/> applies it twice per hop: <see cref="CheckUrl"/> on the URL's form before a request is
/// made, and <see cref="CheckHostAsync"/> inside the connection callback, on the very lookup whose addresses the
/// socket then connects to. There is no second lookup that DNS rebinding could answer differently.
/// </para>
/// </summary>
public sealed partial class UrlGuard
{
    private static readonly string[] YouTubeDomains = ["youtube.com", "youtu.be", "youtube-nocookie.com", "youtube.googleapis.com"];

    /// <summary>Names of metadata services; blocked by name so that no lookup is even tried.</summary>
    private static readonly HashSet<string> MetadataNames = new(StringComparer.Ordinal)
    {
        "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal",
        "metadata.tencentyun.com",
    };

    /// <summary>Suffixes that by definition name hosts on a local network.</summary>
    private static readonly string[] LocalSuffixes = [".localhost", ".internal", ".local", ".home.arpa", ".lan", ".intranet", ".corp"];

    private static readonly byte[] AwsMetadata6 = IPAddress.Parse("fd00:ec2::254").GetAddressBytes();

    private readonly FetchOptions options;
    private readonly HashSet<string> allowedHosts;
    private readonly HashSet<string> blockedHosts;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> resolve;

    public UrlGuard(FetchOptions options)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        allowedHosts = options.AllowedHosts.Select(NormaliseHost).ToHashSet(StringComparer.Ordinal);
        blockedHosts = options.BlockedHosts.Select(NormaliseHost).ToHashSet(StringComparer.Ordinal);
        resolve = options.Resolve ?? ((host, cancel) => Dns.GetHostAddressesAsync(host, cancel));
    }

    /// <summary>
    /// Checks a URL completely (its form, then every address its host resolves to) and returns the addresses.
    /// Throws <see cref="ErrorCode.UnsupportedUrl"/> for other schemes, <see cref="ErrorCode.UrlBlocked"/>
    /// for non-public addresses and <see cref="ErrorCode.DownloadFailed"/> (transient) when the name cannot be resolved.
    /// </summary>
    public async Task<IReadOnlyList<IPAddress>> CheckAsync(string url, CancellationToken cancel = default)
    {
        var uri = CheckUrl(url);
        return await CheckHostAsync(uri.IdnHost, uri, cancel).ConfigureAwait(false);
    }

    /// <inheritdoc cref="CheckAsync(string, CancellationToken)"/>
    public Task<IReadOnlyList<IPAddress>> CheckAsync(Uri url, CancellationToken cancel = default) =>
        CheckAsync(Show(url), cancel);

    /// <summary>
    /// The checks that need no lookup: the scheme, the host's presence and its name (blocked hosts,
    /// metadata names, names that only mean something on a local network). Returns the parsed URL.
    /// </summary>
    public Uri CheckUrl(string url)
    {
        var match = SchemePattern().Match(url);
        if (!match.Success)
        {
            throw new ClipperException(ErrorCode.UnsupportedUrl,
                $"'{url}' is not a URL Clipper can fetch: give an http(s) URL or a local file");
        }

        var scheme = match.Groups[1].Value.ToLowerInvariant();
        if (scheme is not ("http" or "https"))
        {
            throw new ClipperException(ErrorCode.UnsupportedUrl, $"only http and https URLs can be fetched, not {scheme}: ({url})");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrWhiteSpace(uri.Host))
        {
            throw new ClipperException(ErrorCode.UnsupportedUrl, $"the URL {url} has no valid host name");
        }

        CheckHostName(NormaliseHost(uri.IdnHost), url);
        return uri;
    }

    /// <inheritdoc cref="CheckUrl(string)"/>
    public Uri CheckUrl(Uri url) => CheckUrl(Show(url));

    /// <summary>
    /// Resolves a host once and checks every address it has; returns them when all may be reached. The caller
    /// must connect only to these addresses (the connection callback does).
    /// </summary>
    /// <param name="host">The host name or address literal (IPv6 brackets allowed).</param>
    /// <param name="url">The URL being fetched, for the message.</param>
    /// <param name="cancel">Cancels the lookup.</param>
    public async Task<IReadOnlyList<IPAddress>> CheckHostAsync(string host, Uri? url, CancellationToken cancel = default)
    {
        var name = NormaliseHost(host);
        var shown = url is null ? name : Show(url);
        CheckHostName(name, shown);
        bool privateAllowed = PrivateAllowed(name);
        var addresses = await ResolveAsync(name, cancel).ConfigureAwait(false);
        foreach (var address in addresses)
        {
            var kind = Classify(address);
            if (kind == AddressClass.Metadata)
            {
                throw Blocked(shown, $"{Describe(name, address)} {kind.Description()}; it is never fetched");
            }

            if (kind != AddressClass.Public && !privateAllowed)
            {
                throw Blocked(shown, $"{Describe(name, address)} {kind.Description()}{PrivateHint}");
            }
        }

        return addresses;
    }

    /// <summary>The class of one address; IPv4 addresses embedded in IPv6 (mapped, compatible, NAT64, 6to4) count as IPv4.</summary>
    public static AddressClass Classify(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? Classify6(b) : Classify4(b);
    }

    /// <summary>Lower case, without IPv6 brackets or the trailing dot of a fully qualified name.</summary>
    public static string NormaliseHost(string host)
    {
        var h = host.Trim().ToLowerInvariant();
        if (h.StartsWith('[') && h.EndsWith(']'))
        {
            h = h[1..^1];
        }

        return h.TrimEnd('.');
    }

    internal static bool IsYouTube(string host) =>
        YouTubeDomains.Any(d => host == d || host.EndsWith("." + d, StringComparison.Ordinal));

    private static AddressClass Classify4(byte[] b)
    {
        int a0 = b[0], a1 = b[1], a2 = b[2], a3 = b[3];
        if (a0 == 169 && a1 == 254 && a2 == 169 && a3 == 254)
        {
            return AddressClass.Metadata; // AWS, GCP, Azure, ...
        }

        if (a0 == 100 && a1 == 100 && a2 == 100 && a3 == 200)
        {
            return AddressClass.Metadata; // Alibaba Cloud
        }

        if (a0 == 0)
        {
            return (a1 | a2 | a3) == 0 ? AddressClass.Unspecified : AddressClass.Reserved;
        }

        if (a0 == 127)
        {
            return AddressClass.Loopback;
        }

        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168))
        {
            return AddressClass.Private;
        }

        if (a0 == 169 && a1 == 254)
        {
            return AddressClass.LinkLocal;
        }

        if (a0 == 100 && (a1 & 0xc0) == 64)
        {
            return AddressClass.Shared;
        }

        if (a0 is >= 224 and <= 239)
        {
            return AddressClass.Multicast;
        }

        if (a0 >= 240)
        {
            return AddressClass.Reserved; // 240/4 and the broadcast address
        }

        if ((a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2)) // IETF protocol assignments, TEST-NET-1
            || (a0 == 198 && (a1 & 0xfe) == 18) // benchmarking
            || (a0 == 198 && a1 == 51 && a2 == 100) || (a0 == 203 && a1 == 0 && a2 == 113))
        {
            return AddressClass.Reserved;
        }

        return AddressClass.Public;
    }

    private static AddressClass Classify6(byte[] b)
    {
        bool zero12 = b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0;
        if (zero12 && b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] is 0 or 1)
        {
            return b[15] == 0 ? AddressClass.Unspecified : AddressClass.Loopback;
        }

        var embedded = EmbeddedIpv4(b, zero12);
        if (embedded is not null)
        {
            return Classify4(embedded);
        }

        if (b.AsSpan().SequenceEqual(AwsMetadata6))
        {
            return AddressClass.Metadata;
        }

        int b0 = b[0], b1 = b[1];
        if (b0 == 0xff)
        {
            return AddressClass.Multicast;
        }

        if (b0 == 0xfe && (b1 & 0xc0) == 0x80)
        {
            return AddressClass.LinkLocal; // fe80::/10
        }

        if ((b0 == 0xfe && (b1 & 0xc0) == 0xc0) || (b0 & 0xfe) == 0xfc)
        {
            return AddressClass.Private; // fec0::/10 (deprecated site-local), fc00::/7 unique local
        }

        if (b0 == 0x20 && b1 == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
        {
            return AddressClass.Reserved; // documentation
        }

        return (b0 & 0xe0) == 0x20 ? AddressClass.Public : AddressClass.Reserved; // only 2000::/3 is global unicast
    }

    /// <summary>The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 (64:ff9b::/96) or 6to4 address.</summary>
    private static byte[]? EmbeddedIpv4(byte[] b, bool zero12)
    {
        bool mapped = b.AsSpan(0, 10).IndexOfAnyExcept((byte)0) < 0 && b[10] == 0xff && b[11] == 0xff;
        bool nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0;
        if (mapped || zero12 || nat64)
        {
            return b[12..16];
        }

        return b[0] == 0x20 && b[1] == 0x02 ? b[2..6] : null;
    }

    private void CheckHostName(string host, string url)
    {
        if (host.Length == 0)
        {
            throw new ClipperException(ErrorCode.UnsupportedUrl, $"the URL {url} has no valid host name");
        }

        if (blockedHosts.Contains(host))
        {
            throw Blocked(url, $"the host {host} is blocked by configuration");
        }

        if (MetadataNames.Contains(host))
        {
            throw Blocked(url, $"{host} is {AddressClass.Metadata.Description()}; it is never fetched");
        }

        if (!PrivateAllowed(host) && IsLocalName(host))
        {
            throw Blocked(url, $"{host} names a host on the local network{PrivateHint}");
        }
    }

    private bool PrivateAllowed(string host) => options.AllowPrivateAddresses || allowedHosts.Contains(host);

    private static bool IsLocalName(string host)
    {
        if (IsLiteral(host))
        {
            return false;
        }

        // A name without a dot is completed by the resolver's search domains: an internal host.
        return host == "localhost" || !host.Contains('.') || LocalSuffixes.Any(s => host.EndsWith(s, StringComparison.Ordinal));
    }

    private async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancel)
    {
        // Literals never reach DNS; a test resolver then only ever sees names.
        if (IsLiteral(host) && IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        IPAddress[] found;
        try
        {
            found = await resolve(host, cancel).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new ClipperException(ErrorCode.DownloadFailed, $"cannot resolve the host name {host} ({e.Message})", inner: e);
        }

        if (found is null || found.Length == 0)
        {
            throw new ClipperException(ErrorCode.DownloadFailed, $"cannot resolve the host name {host}");
        }

        return found;
    }

    private static string PrivateHint =>
        "; Clipper fetches only from public addresses (set AllowPrivateAddresses, or list the host in "
        + "AllowedHosts, to fetch from internal servers)";

    private static string Describe(string host, IPAddress address)
    {
        var ip = address.ToString();
        if (string.Equals(ip, host, StringComparison.OrdinalIgnoreCase))
        {
            return ip + " is";
        }

        return IsLiteral(host) ? $"{host} ({ip}) is" : $"{host} resolves to {ip}, which is";
    }

    private static bool IsLiteral(string host) => Ipv4Literal().IsMatch(host) || host.Contains(':');

    internal static string Show(Uri url) => url.IsAbsoluteUri ? url.AbsoluteUri : url.OriginalString;

    private static ClipperException Blocked(string url, string why) =>
        new(ErrorCode.UrlBlocked, $"the URL {url} is blocked: {why}");

    [GeneratedRegex(@"^([a-zA-Z][a-zA-Z0-9+.\-]*):", RegexOptions.CultureInvariant)]
    private static partial Regex SchemePattern();

    [GeneratedRegex(@"^\d{1,3}(\.\d{1,3}){3}$", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4Literal();
}
