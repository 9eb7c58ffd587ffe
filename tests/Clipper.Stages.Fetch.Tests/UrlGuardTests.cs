using System.Net;
using Clipper.Core.Errors;
using Clipper.Stages.Fetch;

namespace Clipper.Stages.Fetch.Tests;

/// <summary>
/// The guard's address policy. These tests use address literals (which never reach DNS) and, for names, a resolver
/// that answers from a table, so not one packet leaves the machine.
/// </summary>
[Trait("Category", "unit")]
public sealed class UrlGuardTests
{
    private readonly List<string> lookups = [];

    [Theory]
    [InlineData("127.0.0.1", AddressClass.Loopback)]
    [InlineData("127.45.6.7", AddressClass.Loopback)]
    [InlineData("::1", AddressClass.Loopback)]
    [InlineData("10.0.0.1", AddressClass.Private)]
    [InlineData("10.255.255.255", AddressClass.Private)]
    [InlineData("172.16.0.1", AddressClass.Private)]
    [InlineData("172.31.255.254", AddressClass.Private)]
    [InlineData("192.168.1.20", AddressClass.Private)]
    [InlineData("fc00::1", AddressClass.Private)]
    [InlineData("fd12:3456::1", AddressClass.Private)]
    [InlineData("169.254.1.1", AddressClass.LinkLocal)]
    [InlineData("fe80::1", AddressClass.LinkLocal)]
    [InlineData("febf::1", AddressClass.LinkLocal)]
    [InlineData("169.254.169.254", AddressClass.Metadata)]
    [InlineData("fd00:ec2::254", AddressClass.Metadata)]
    [InlineData("100.100.100.200", AddressClass.Metadata)]
    [InlineData("0.0.0.0", AddressClass.Unspecified)]
    [InlineData("::", AddressClass.Unspecified)]
    [InlineData("224.0.0.1", AddressClass.Multicast)]
    [InlineData("239.255.255.250", AddressClass.Multicast)]
    [InlineData("ff02::1", AddressClass.Multicast)]
    [InlineData("100.64.0.1", AddressClass.Shared)]
    [InlineData("100.127.255.254", AddressClass.Shared)]
    [InlineData("0.1.2.3", AddressClass.Reserved)]
    [InlineData("240.0.0.1", AddressClass.Reserved)]
    [InlineData("255.255.255.255", AddressClass.Reserved)]
    [InlineData("192.0.2.1", AddressClass.Reserved)]
    [InlineData("198.18.0.1", AddressClass.Reserved)]
    [InlineData("2001:db8::1", AddressClass.Reserved)]
    [InlineData("::ffff:127.0.0.1", AddressClass.Loopback)]
    [InlineData("::ffff:10.1.2.3", AddressClass.Private)]
    [InlineData("::ffff:169.254.169.254", AddressClass.Metadata)]
    [InlineData("::ffff:100.64.1.1", AddressClass.Shared)]
    [InlineData("64:ff9b::a00:1", AddressClass.Private)]
    [InlineData("2002:c0a8:101::1", AddressClass.Private)]
    [InlineData("8.8.8.8", AddressClass.Public)]
    [InlineData("172.32.0.1", AddressClass.Public)]
    [InlineData("172.15.255.255", AddressClass.Public)]
    [InlineData("100.128.0.1", AddressClass.Public)]
    [InlineData("169.255.0.1", AddressClass.Public)]
    [InlineData("1.1.1.1", AddressClass.Public)]
    [InlineData("2606:4700:4700::1111", AddressClass.Public)]
    [InlineData("::ffff:8.8.4.4", AddressClass.Public)]
    public void ClassifiesAddresses(string literal, AddressClass expected)
    {
        Assert.Equal(expected, UrlGuard.Classify(IPAddress.Parse(literal)));
    }

    [Theory]
    [InlineData("http://127.0.0.1/video.mp4")]
    [InlineData("http://127.0.0.1:8080/v.mp4")]
    [InlineData("http://[::1]/v.mp4")]
    [InlineData("https://10.0.0.8/v.mp4")]
    [InlineData("http://192.168.0.10/v.mp4")]
    [InlineData("http://172.20.1.1/v.mp4")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fe80::1]/v.mp4")]
    [InlineData("http://[fd00::5]/v.mp4")]
    [InlineData("http://0.0.0.0:8080/v.mp4")]
    [InlineData("http://100.64.3.4/v.mp4")]
    [InlineData("http://224.0.0.251/v.mp4")]
    [InlineData("http://[::ffff:127.0.0.1]/v.mp4")]
    [InlineData("http://[::ffff:a9fe:a9fe]/v.mp4")]
    public async Task RefusesNonPublicAddressesByDefault(string url)
    {
        var e = await RefuseAsync(Guard(), url, ErrorCode.UrlBlocked);
        Assert.True(e.Message.Contains("address") || e.Message.Contains("endpoint"), e.Message);
    }

    [Theory]
    [InlineData("http://2130706433/v.mp4")]
    [InlineData("http://0x7f.0.0.1/v.mp4")]
    [InlineData("http://0177.0.0.1/v.mp4")]
    [InlineData("http://127.1/v.mp4")]
    public async Task RefusesLoopbackSpelledAsAnUnusualNumber(string url)
    {
        // However the number is written, it is parsed to the address a connection would use.
        var e = await RefuseAsync(Guard(), url, ErrorCode.UrlBlocked);
        Assert.Contains("127.0.0.1 is a loopback address", e.Message);
        Assert.Empty(lookups);
    }

    [Fact]
    public async Task TheMessageNamesTheAddressClass()
    {
        var guard = Guard();
        Assert.Contains("127.0.0.1 is a loopback address", (await RefuseAsync(guard, "http://127.0.0.1/v.mp4", ErrorCode.UrlBlocked)).Message);
        Assert.Contains("10.1.2.3 is a private network address", (await RefuseAsync(guard, "http://10.1.2.3/v.mp4", ErrorCode.UrlBlocked)).Message);
        Assert.Contains("169.254.169.254 is a cloud metadata endpoint", (await RefuseAsync(guard, "http://169.254.169.254/", ErrorCode.UrlBlocked)).Message);
        Assert.Contains("carrier-grade NAT", (await RefuseAsync(guard, "http://100.64.0.9/", ErrorCode.UrlBlocked)).Message);
    }

    [Theory]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/")]
    [InlineData("http://METADATA.google.internal./computeMetadata/v1/")]
    [InlineData("http://metadata/computeMetadata/v1/")]
    [InlineData("http://localhost:8080/v.mp4")]
    [InlineData("http://foo.localhost/v.mp4")]
    [InlineData("http://db.internal/v.mp4")]
    [InlineData("http://intranet/v.mp4")]
    public async Task RefusesInternalNamesWithoutLookingThemUp(string url)
    {
        await RefuseAsync(Guard(), url, ErrorCode.UrlBlocked);
        Assert.Empty(lookups);
    }

    [Fact]
    public async Task RefusesANameThatResolvesToAPrivateAddressEvenWhenItAlsoHasAPublicOne()
    {
        var e = await RefuseAsync(Guard(), "https://videos.example.com/talk.mp4", ErrorCode.UrlBlocked);
        Assert.Contains("videos.example.com resolves to 10.0.0.7, which is a private network address", e.Message);
        Assert.Equal(["videos.example.com"], lookups);
    }

    [Fact]
    public async Task AllowsANameThatResolvesOnlyToPublicAddresses()
    {
        var addresses = await Guard().CheckAsync("https://cdn.example.org/talk.mp4");
        Assert.Equal("93.184.215.14", addresses[0].ToString());
    }

    [Fact]
    public async Task PrivateAddressesPassWhenAllowedButMetadataEndpointsNever()
    {
        var guard = Guard(o => o.AllowPrivateAddresses = true);
        await guard.CheckAsync("http://127.0.0.1:9000/v.mp4");
        await guard.CheckAsync("http://10.0.0.8/v.mp4");
        await guard.CheckAsync("http://localhost/v.mp4");
        await RefuseAsync(guard, "http://169.254.169.254/latest/meta-data/", ErrorCode.UrlBlocked);
        await RefuseAsync(guard, "http://metadata.google.internal/", ErrorCode.UrlBlocked);
    }

    [Fact]
    public async Task AnAllowedHostMayBePrivateWhileOthersStayBlocked()
    {
        var guard = Guard(o => o.AllowedHosts = ["Media.Corp.Example"]);
        await guard.CheckAsync("http://media.corp.example/v.mp4");
        await RefuseAsync(guard, "http://videos.example.com/v.mp4", ErrorCode.UrlBlocked);
    }

    [Fact]
    public async Task ABlockedHostIsRefusedEvenThoughItIsPublic()
    {
        var guard = Guard(o => o.BlockedHosts = ["cdn.example.org"]);
        Assert.Contains("blocked by configuration", (await RefuseAsync(guard, "https://cdn.example.org/v.mp4", ErrorCode.UrlBlocked)).Message);
    }

    [Theory]
    [InlineData("ftp://example.com/video.mp4")]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://example.com/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:video/mp4;base64,AAAA")]
    [InlineData("//example.com/video.mp4")]
    [InlineData("rtmp://example.com/live")]
    public async Task RefusesOtherSchemes(string url)
    {
        await RefuseAsync(Guard(), url, ErrorCode.UnsupportedUrl);
        Assert.Empty(lookups);
    }

    [Theory]
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQ")]
    [InlineData("https://youtu.be/dQw4w9WgXcQ")]
    [InlineData("https://m.youtube.com/watch?v=x")]
    [InlineData("http://YouTube.com/shorts/abc")]
    [InlineData("https://www.youtube-nocookie.com/embed/x")]
    public void YouTubeLinksPassTheFormCheck(string url)
    {
        // what is behind them is yt-dlp's to say (the fetcher asks it); the guard only checks the form here
        Assert.Equal(new Uri(url), Guard().CheckUrl(url));
        Assert.Empty(lookups);
    }

    [Fact]
    public async Task AnUnresolvableNameIsATransientDownloadFailure()
    {
        var e = await RefuseAsync(Guard(), "https://nowhere.example.net/v.mp4", ErrorCode.DownloadFailed);
        Assert.True(e.IsTransient);
    }

    private static async Task<ClipperException> RefuseAsync(UrlGuard guard, string url, ErrorCode code)
    {
        var e = await Assert.ThrowsAsync<ClipperException>(() => guard.CheckAsync(url));
        Assert.True(code == e.Code, e.ToString());
        return e;
    }

    private UrlGuard Guard(Action<FetchOptions>? change = null)
    {
        var options = new FetchOptions { Resolve = TableAsync };
        change?.Invoke(options);
        return new UrlGuard(options);
    }

    /// <summary>A stand-in for DNS, which tests must not use.</summary>
    private Task<IPAddress[]> TableAsync(string host, CancellationToken cancel)
    {
        lookups.Add(host);
        var zone = new Dictionary<string, string[]>
        {
            ["videos.example.com"] = ["93.184.215.14", "10.0.0.7"],
            ["cdn.example.org"] = ["93.184.215.14"],
            ["media.corp.example"] = ["10.20.30.40"],
            ["localhost"] = ["127.0.0.1"],
        };
        if (!zone.TryGetValue(host, out var ips))
        {
            throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound);
        }

        return Task.FromResult(ips.Select(IPAddress.Parse).ToArray());
    }
}
