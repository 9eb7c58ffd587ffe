using System.Diagnostics;
using System.Net;
using Clipper.Core.Errors;
using Clipper.Core.Storage;
using Clipper.Samples;
using Clipper.TestSupport;

namespace Clipper.Stages.Fetch.Tests;

/// <summary>
/// http(s) sources, against a real HTTP server on 127.0.0.1 (the only address these tests ever connect to).
/// Reaching it needs <see cref="FetchOptions.AllowPrivateAddresses"/>; the tests that leave it off prove the server
/// saw nothing. Host names other than literals are served by <see cref="FetchOptions.Resolve"/>, never by DNS.
/// </summary>
[Trait("Category", "media")]
public sealed class FetcherHttpTests : IClassFixture<HttpServerFixture>, IDisposable
{
    private const double MinSeconds = 3;
    private const long Limit = 64 * 1024;

    private readonly BuiltMedia talk;
    private readonly byte[] talkBytes;
    private readonly TestHttpServer server;
    private readonly string work = TestMedia.TempDir("fetch-work");
    private readonly string blobRoot = TestMedia.TempDir("fetch-blobs");
    private readonly FileBlobStore blobs;
    private readonly ITestOutputHelper output;

    public FetcherHttpTests(HttpServerFixture fixture, ITestOutputHelper output)
    {
        talk = fixture.Talk;
        talkBytes = fixture.TalkBytes;
        server = fixture.Server;
        server.ResetHits();
        blobs = new FileBlobStore(blobRoot);
        this.output = output;
    }

    public void Dispose()
    {
        Directory.Delete(work, recursive: true);
        Directory.Delete(blobRoot, recursive: true);
    }

    [Fact]
    public async Task StreamsAnHttpVideoIntoStorageUnderTheSameHashAsTheFile()
    {
        var progress = new ProgressLog();
        using var fetcher = Fetcher(LoopbackOk());

        var source = await fetcher.FetchAsync(new FetchRequest(Url("/media/talk.mp4"), work, MinSeconds, progress));

        var sha = FetchMedia.Sha256(talk.File);
        Assert.Equal(sha, source.Sha256);
        Assert.Equal($"sources/{sha}.mp4", source.BlobKey);
        Assert.Equal(talkBytes, await blobs.GetBytesAsync(source.BlobKey));
        Assert.Equal(640, source.Media.Width);
        Assert.Equal(talk.DurationSeconds, source.Media.DurationSeconds, 0.05);
        Assert.Equal("talk.mp4", source.DisplayName);
        Assert.Null(source.CaptionsKey);
        progress.AssertRisingToOne(atLeast: 3);
        Assert.Contains(progress.Values, p => p > 0 && p < 0.7); // reported while downloading, not only at the end
        Assert.Empty(FetchMedia.ListTree(work));
    }

    [Fact]
    public async Task ABodyWithoutLengthOrTypeIsReadToTheEnd()
    {
        var progress = new ProgressLog();
        using var fetcher = Fetcher(LoopbackOk());

        var source = await fetcher.FetchAsync(new FetchRequest(Url("/untyped/talk"), work, MinSeconds, progress));

        Assert.Equal(FetchMedia.Sha256(talk.File), source.Sha256);
        Assert.Equal($"sources/{source.Sha256}.mp4", source.BlobKey); // named after the container, not the URL
        Assert.Equal("talk", source.DisplayName);
        progress.AssertRisingToOne(atLeast: 3);
        Assert.Empty(FetchMedia.ListTree(work));
    }

    [Fact]
    public async Task FollowsARedirectToTheVideo()
    {
        using var fetcher = Fetcher(LoopbackOk());
        var source = await fetcher.FetchAsync(new FetchRequest(Url("/moved.mp4"), work, MinSeconds));
        Assert.Equal(FetchMedia.Sha256(talk.File), source.Sha256);
        Assert.Equal(1, server.Hits["/media/talk.mp4"]);
    }

    [Theory]
    [InlineData("/missing.mp4", "the server has no video at", 404)]
    [InlineData("/gone.mp4", "the server has no video at", 410)]
    [InlineData("/private.mp4", "refused access", 401)]
    [InlineData("/forbidden.mp4", "refused access", 403)]
    public async Task AMissingOrForbiddenVideoIsAPermanentDownloadFailure(string path, string words, int status)
    {
        var e = await AssertRefusedAsync(Url(path), LoopbackOk(), ErrorCode.DownloadFailed, $"(HTTP {status})", transient: false);
        Assert.Contains(words, e.Message);
        Assert.True(e.PermanentOverride);
        Assert.Equal(1, server.Hits[path]); // asked once, not retried here either
    }

    [Fact]
    public async Task AServerErrorIsATransientDownloadFailure()
    {
        await AssertRefusedAsync(Url("/broken.mp4"), LoopbackOk(), ErrorCode.DownloadFailed, "answered HTTP 503", transient: true);
    }

    [Fact]
    public async Task ADeclaredLengthOverTheLimitIsRefusedBeforeReadingTheBody()
    {
        await AssertRefusedAsync(Url("/huge.mp4"), LoopbackOk(), ErrorCode.SourceTooLarge, "declares 8589934592 bytes");
    }

    [Fact]
    public async Task ABodyThatGoesOnPastTheLimitIsCutOff()
    {
        await AssertRefusedAsync(Url("/endless.mp4"), LoopbackOk(o => o.MaxSourceBytes = Limit), ErrorCode.SourceTooLarge,
            $"sent more than {Limit} bytes");
    }

    [Fact]
    public async Task AServerThatStopsSendingTimesOut()
    {
        await AssertRefusedAsync(Url("/stall.mp4"), LoopbackOk(o =>
        {
            o.ConnectTimeout = TimeSpan.FromSeconds(2);
            o.ReadTimeout = TimeSpan.FromSeconds(1);
        }), ErrorCode.DownloadFailed, "sent nothing for 1 s after 1000 bytes", transient: true);
    }

    [Fact]
    public async Task AConnectionThatClosesEarlyIsATransientDownloadFailure()
    {
        var e = await AssertRefusedAsync(Url("/short.mp4"), LoopbackOk(), ErrorCode.DownloadFailed, "bytes", transient: true);
        Assert.Contains($"after {talkBytes.Length / 2}", e.Message);
    }

    [Fact]
    public async Task AClosedPortIsATransientDownloadFailure()
    {
        int port = Ports.Free();

        await AssertRefusedAsync($"http://127.0.0.1:{port}/talk.mp4", LoopbackOk(), ErrorCode.DownloadFailed,
            $"could not connect to 127.0.0.1:{port}", transient: true);
    }

    [Fact]
    public async Task TooManyRedirectsFail()
    {
        await AssertRefusedAsync(Url("/loop.mp4"), LoopbackOk(), ErrorCode.DownloadFailed, "redirected more than 5 times");
        Assert.Equal(6, server.Hits["/loop.mp4"]);
    }

    [Fact]
    public async Task TheRedirectLimitIsAnOption()
    {
        await AssertRefusedAsync(Url("/moved.mp4"), LoopbackOk(o => o.MaxRedirects = 0), ErrorCode.DownloadFailed, "redirected more than 0 times");
        Assert.False(server.Hits.ContainsKey("/media/talk.mp4"));
    }

    [Fact]
    public async Task LoopbackIsRefusedByDefaultWithoutSendingARequest()
    {
        var e = await AssertRefusedAsync(Url("/media/talk.mp4"), new FetchOptions(), ErrorCode.UrlBlocked, "127.0.0.1 is a loopback address");
        Assert.Contains("only from public addresses", e.Message);
        Assert.Empty(server.Hits);
    }

    [Fact]
    public async Task ARedirectToLoopbackIsRefusedAtThatHop()
    {
        // The first hop is explicitly allowed; the hop it points to is not.
        var options = new FetchOptions { AllowedHosts = ["127.0.0.1"] };
        await AssertRefusedAsync(Url("/to-localhost.mp4"), options, ErrorCode.UrlBlocked,
            $"redirected to a URL that cannot be fetched; the URL http://localhost:{server.Port}/media/talk.mp4 is blocked: "
            + "localhost names a host on the local network");
        Assert.Equal(1, server.Hits["/to-localhost.mp4"]);
        Assert.False(server.Hits.ContainsKey("/media/talk.mp4"), "the redirect target was never requested");
    }

    [Fact]
    public async Task TheMetadataEndpointAndPrivateNetworksAreRefusedBeforeConnecting()
    {
        // A connection attempt to these would hang until the 10 s connect timeout; refusing takes milliseconds. The
        // loopback ones go first: should the guard ever be skipped, they reach our own server and fail the test
        // before anything is sent to the other addresses.
        string[] urls =
        [
            Url("/canary.mp4"), $"http://[::ffff:127.0.0.1]:{server.Port}/x",
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/", "http://10.11.12.13/talk.mp4",
            "http://192.168.1.1/talk.mp4", "http://metadata.google.internal/computeMetadata/v1/",
        ];
        foreach (var url in urls)
        {
            var clock = Stopwatch.StartNew();
            await AssertRefusedAsync(url, new FetchOptions(), ErrorCode.UrlBlocked, "is blocked");
            Assert.True(clock.ElapsedMilliseconds < 1000, $"{url} took {clock.ElapsedMilliseconds} ms");
        }

        Assert.Empty(server.Hits);
    }

    [Fact]
    public async Task OtherSchemesAndYouTubeWithoutYtDlpAreUnsupported()
    {
        await AssertRefusedAsync("ftp://127.0.0.1/talk.mp4", LoopbackOk(), ErrorCode.UnsupportedUrl, "only http and https");
        var off = LoopbackOk();
        off.YtDlp = "";
        await AssertRefusedAsync("https://www.youtube.com/watch?v=dQw4w9WgXcQ", off, ErrorCode.UnsupportedUrl,
            "links to pages are switched off here");
    }

    [Fact]
    public async Task AWebPageIsNotAVideo()
    {
        await AssertRefusedAsync(Url("/page.mp4"), LoopbackOk(), ErrorCode.NotAVideo, "leads to a web page (text/html)");
    }

    [Fact]
    public async Task AnEmptyBodyIsNotAVideo()
    {
        await AssertRefusedAsync(Url("/empty.mp4"), LoopbackOk(), ErrorCode.NotAVideo, "the file is empty");
    }

    [Fact]
    public async Task PlainTextIsNotAVideo()
    {
        await AssertRefusedAsync(Url("/notes.mp4"), LoopbackOk(), ErrorCode.NotAVideo, "it holds text, not video");
    }

    [Fact]
    public async Task ANameThatResolvesToLoopbackIsRefusedWhenItConnects()
    {
        // A public-looking name whose DNS answer is loopback: the classic rebinding target.
        var dns = new FakeDns(_ => ["127.0.0.1"]);
        var e = await AssertRefusedAsync($"http://rebind.example.com:{server.Port}/media/talk.mp4", dns.Use(new FetchOptions()),
            ErrorCode.UrlBlocked, "rebind.example.com resolves to 127.0.0.1, which is a loopback address");
        Assert.Contains("only from public addresses", e.Message);
        Assert.Empty(server.Hits);
        Assert.Equal(1, dns.Calls);
    }

    [Fact]
    public async Task ANameWithAPublicAndAPrivateAddressIsRefused()
    {
        var dns = new FakeDns(_ => ["93.184.215.14", "127.0.0.1"]);
        await AssertRefusedAsync($"http://rebind.example.com:{server.Port}/media/talk.mp4", dns.Use(new FetchOptions()),
            ErrorCode.UrlBlocked, "rebind.example.com resolves to 127.0.0.1, which is a loopback address");
        Assert.Empty(server.Hits);
    }

    [Fact]
    public async Task TheAddressCheckedIsTheAddressConnectedTo()
    {
        // With private addresses allowed, the name reaches our server only if the connection uses the very answer
        // the guard checked: the system resolver knows nothing of videos.example.com -> 127.0.0.1.
        var dns = new FakeDns(_ => ["127.0.0.1"]);
        using var fetcher = Fetcher(dns.Use(LoopbackOk()));

        var source = await fetcher.FetchAsync(new FetchRequest($"http://videos.example.com:{server.Port}/media/talk.mp4", work, MinSeconds));

        Assert.Equal(FetchMedia.Sha256(talk.File), source.Sha256);
        Assert.Equal(1, dns.Calls); // one lookup, checked and connected to; no second one to rebind
        Assert.Equal(1, server.Hits["/media/talk.mp4"]);
    }

    [Fact]
    public async Task ANameThatChangesItsAnswerBetweenLookupsNeverReachesTheLoopbackAddress()
    {
        // First a public address, then loopback: a check-then-connect client would pass the check on the first
        // answer and connect to the second. Here the one lookup is the one connected to, so the fetch goes to the
        // public address (which cannot be reached from this machine, or not on this port) and never to ours.
        var dns = new FakeDns(call => call == 1 ? ["93.184.215.14"] : ["127.0.0.1"]);
        await AssertRefusedAsync($"http://rebind.example.com:{server.Port}/media/talk.mp4",
            dns.Use(new FetchOptions { ConnectTimeout = TimeSpan.FromSeconds(1) }), ErrorCode.DownloadFailed, "could not connect to rebind.example.com",
            transient: true);
        Assert.Empty(server.Hits);
        Assert.Equal(1, dns.Calls);
    }

    [Fact]
    public async Task ARedirectToANameThatResolvesToLoopbackIsRefusedAtThatHop()
    {
        var dns = new FakeDns(_ => ["127.0.0.1"]);
        await AssertRefusedAsync(Url("/to-rebind.mp4"), dns.Use(new FetchOptions { AllowedHosts = ["127.0.0.1"] }), ErrorCode.UrlBlocked,
            $"redirected to a URL that cannot be fetched; the URL http://rebind.example.com:{server.Port}/media/talk.mp4 is blocked: "
            + "rebind.example.com resolves to 127.0.0.1, which is a loopback address");
        Assert.Equal(1, server.Hits["/to-rebind.mp4"]);
        Assert.False(server.Hits.ContainsKey("/media/talk.mp4"));
    }

    [Fact]
    public async Task AHandlerOfOnesOwnIsStillGuardedAtConnectTime()
    {
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = true };
        var dns = new FakeDns(_ => ["127.0.0.1"]);
        using var fetcher = new Fetcher(blobs, dns.Use(new FetchOptions()), new PassThrough(handler));

        var e = await Assert.ThrowsAsync<ClipperException>(() =>
            fetcher.FetchAsync(new FetchRequest($"http://rebind.example.com:{server.Port}/media/talk.mp4", work, MinSeconds)));

        Assert.Equal(ErrorCode.UrlBlocked, e.Code);
        Assert.Empty(server.Hits);
    }

    [Fact]
    public async Task CancellingStopsADownloadAndLeavesNothingBehind()
    {
        using var fetcher = Fetcher(LoopbackOk());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ClipperException>(() =>
            fetcher.FetchAsync(new FetchRequest(Url("/stall.mp4"), work, MinSeconds), cancel.Token));

        Assert.Equal(ErrorCode.Cancelled, e.Code);
        Assert.True(clock.ElapsedMilliseconds < 5000, $"took {clock.ElapsedMilliseconds} ms");
        Assert.Empty(await blobs.ListAsync(""));
        Assert.Empty(FetchMedia.ListTree(work));
    }

    private async Task<ClipperException> AssertRefusedAsync(string url, FetchOptions options, ErrorCode code, string messagePart, bool? transient = null)
    {
        using var fetcher = Fetcher(options);
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ClipperException>(() => fetcher.FetchAsync(new FetchRequest(url, work, MinSeconds)));
        output.WriteLine($"{url,-60} {e.Code.Code(),-17} {clock.ElapsedMilliseconds,5} ms  {e.Message}");
        Assert.True(code == e.Code, e.ToString());
        Assert.Contains(messagePart, e.Message);
        Assert.Equal(transient ?? code.IsTransient(), e.IsTransient);
        Assert.True(clock.ElapsedMilliseconds < 20_000, $"took {clock.ElapsedMilliseconds} ms"); // milliseconds unloaded; the machine is shared
        Assert.Empty(await blobs.ListAsync(""));
        Assert.Empty(FetchMedia.ListTree(work));
        return e;
    }

    private Fetcher Fetcher(FetchOptions options) => new(blobs, options);

    private string Url(string path) => server.Url(path);

    private static FetchOptions LoopbackOk(Action<FetchOptions>? change = null)
    {
        var options = new FetchOptions { AllowPrivateAddresses = true };
        change?.Invoke(options);
        return options;
    }

    /// <summary>Answers names from a function of the call number (1, 2, ...), and counts the calls.</summary>
    private sealed class FakeDns(Func<int, string[]> answer)
    {
        private int calls;

        public int Calls => Volatile.Read(ref calls);

        public FetchOptions Use(FetchOptions options)
        {
            options.Resolve = (host, _) =>
            {
                int call = Interlocked.Increment(ref calls);
                return Task.FromResult(answer(call).Select(IPAddress.Parse).ToArray());
            };
            return options;
        }
    }

    /// <summary>A handler in front of the sockets handler, as a caller's logging or metrics handler would be.</summary>
    private sealed class PassThrough(HttpMessageHandler inner) : DelegatingHandler(inner);
}
