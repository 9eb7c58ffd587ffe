using Clipper.Core.Errors;
using Clipper.Core.Storage;
using Clipper.Samples;
using Clipper.Stages.Fetch.Platform;
using Clipper.TestSupport;

namespace Clipper.Stages.Fetch.Tests;

/// <summary>
/// Links to pages: the real yt-dlp (Debian's, installed by scripts/setup.sh --tests) reads a page served on 127.0.0.1
/// with its generic extractor; Clipper's own guarded client fetches the video it names. Loopback is allowed only by
/// these tests' own options.
/// </summary>
[Trait("Category", "media")]
public sealed class PlatformLinkTests : IClassFixture<HttpServerFixture>, IDisposable
{
    private readonly BuiltMedia talk;
    private readonly TestHttpServer server;
    private readonly string work = TestMedia.TempDir("platform-work");
    private readonly string blobRoot = TestMedia.TempDir("platform-blobs");
    private readonly FileBlobStore blobs;

    public PlatformLinkTests(HttpServerFixture fixture)
    {
        talk = fixture.Talk;
        server = fixture.Server;
        server.ResetHits();
        blobs = new FileBlobStore(blobRoot);
    }

    public void Dispose()
    {
        Directory.Delete(work, recursive: true);
        Directory.Delete(blobRoot, recursive: true);
    }

    private static FetchOptions LoopbackOk(string? ytDlp = null) => new() { AllowPrivateAddresses = true, YtDlp = ytDlp ?? "yt-dlp" };

    [Fact]
    public async Task APageIsReadByYtDlpAndItsVideoFetchedByClippersOwnClient()
    {
        var progress = new ProgressLog();
        using var fetcher = new Fetcher(blobs, LoopbackOk());

        var source = await fetcher.FetchAsync(new FetchRequest(server.Url("/watch/talk"), work, 3, progress));

        Assert.Equal(FetchMedia.Sha256(talk.File), source.Sha256);
        Assert.StartsWith("A talk about teams", source.DisplayName);
        Assert.EndsWith(".mp4", source.DisplayName);
        Assert.Equal(1, server.Hits.GetValueOrDefault("/watch/talk")); // yt-dlp read the page once
        Assert.Equal(1, server.Hits.GetValueOrDefault("/media/talk.mp4")); // the video's bytes: once, by Clipper
        progress.AssertRisingToOne(atLeast: 3);
        Assert.Empty(FetchMedia.ListTree(work));
    }

    [Fact]
    public async Task OnlyTheMetadataCallGoesThroughTheProxyAndTheVideoComesDirect()
    {
        // a forward proxy on loopback that relays what it is asked for and remembers it
        await using var proxy = new TestHttpServer(async ex =>
        {
            using var relay = new HttpClient();
            using var answer = await relay.GetAsync(ex.Path);
            await ex.SendAsync((int)answer.StatusCode, await answer.Content.ReadAsByteArrayAsync(),
                ("Content-Type", answer.Content.Headers.ContentType?.ToString() ?? "application/octet-stream"));
        });
        var options = LoopbackOk();
        options.MetadataProxy = $"http://127.0.0.1:{proxy.Port}";
        using var fetcher = new Fetcher(blobs, options);

        var source = await fetcher.FetchAsync(new FetchRequest(server.Url("/watch/talk"), work, 3));

        Assert.Equal(FetchMedia.Sha256(talk.File), source.Sha256);
        Assert.Equal([server.Url("/watch/talk")], proxy.Hits.Keys); // the page, through the proxy; nothing else
        Assert.Equal(1, server.Hits.GetValueOrDefault("/media/talk.mp4")); // the video, straight from the server
    }

    [Fact]
    public async Task VideoAndAudioThatComeApartAreFetchedBothByClipperAndMerged()
    {
        // what a current yt-dlp prints for a YouTube video whose best format under 1080p comes apart, its stream URLs
        // pointing at this test's server: YouTube itself cannot be reached here, so this one yt-dlp is a script that
        // prints that answer (the real yt-dlp's wire format; Debian's cannot produce it from a page on loopback)
        var dir = TestMedia.TempDir("fake-yt-dlp");
        var json = Path.Combine(dir, "answer.json");
        await File.WriteAllTextAsync(json, $$$"""
            {"id": "abcdefghijk", "title": "How teams fall apart", "uploader": "Talks", "duration": {{{talk.DurationSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}}},
             "webpage_url": "{{{server.Url("/watch?v=abcdefghijk")}}}", "extractor_key": "Youtube",
             "requested_formats": [
               {"url": "{{{server.Url("/videoplayback/137")}}}", "protocol": "http", "ext": "mp4", "vcodec": "avc1.64001e", "acodec": "none",
                "http_headers": {"User-Agent": "Mozilla/5.0", "Referer": "https://www.youtube.com/"}},
               {"url": "{{{server.Url("/videoplayback/140")}}}", "protocol": "http", "ext": "m4a", "vcodec": "none", "acodec": "mp4a.40.2",
                "http_headers": {"User-Agent": "Mozilla/5.0"}}]}
            """);
        var script = Path.Combine(dir, "yt-dlp");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\ncat '{json}'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        using var fetcher = new Fetcher(blobs, LoopbackOk(script));

        var source = await fetcher.FetchAsync(new FetchRequest(server.Url("/watch?v=abcdefghijk"), work, 3));

        Assert.Equal("How teams fall apart.mkv", source.DisplayName);
        Assert.True(source.Media.HasAudio, "the merged source has the sound");
        Assert.Equal(640, source.Media.Width);
        Assert.Equal(talk.DurationSeconds, source.Media.DurationSeconds, 0.1);
        Assert.Equal(1, server.Hits.GetValueOrDefault("/videoplayback/137"));
        Assert.Equal(1, server.Hits.GetValueOrDefault("/videoplayback/140"));
        Assert.Empty(FetchMedia.ListTree(work));
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task APageWithoutAVideoIsNotAVideo()
    {
        using var fetcher = new Fetcher(blobs, LoopbackOk());
        var e = await Assert.ThrowsAsync<ClipperException>(() => fetcher.FetchAsync(new FetchRequest(server.Url("/watch/nothing"), work, 3)));
        Assert.Equal(ErrorCode.NotAVideo, e.Code);
        Assert.Empty(FetchMedia.ListTree(work));
    }

    [Fact]
    public async Task APageBehindALoopbackAddressIsRefusedBeforeYtDlpRuns()
    {
        using var fetcher = new Fetcher(blobs, new FetchOptions());
        var e = await Assert.ThrowsAsync<ClipperException>(() => fetcher.FetchAsync(new FetchRequest(server.Url("/watch/talk"), work, 3)));
        Assert.Equal(ErrorCode.UrlBlocked, e.Code);
        Assert.Empty(server.Hits);
    }

    [Fact]
    public async Task WithoutYtDlpAPageIsUnsupportedAndSaysWhatToInstall()
    {
        using var fetcher = new Fetcher(blobs, LoopbackOk("/nonexistent/yt-dlp"));
        var e = await Assert.ThrowsAsync<ClipperException>(() => fetcher.FetchAsync(new FetchRequest(server.Url("/watch/talk"), work, 3)));
        Assert.Equal(ErrorCode.UnsupportedUrl, e.Code);
        Assert.Contains("install a current yt-dlp and set CLIPPER_YTDLP", e.Message);
    }

    [Theory]
    [InlineData("ERROR: [youtube] dQw4w9WgXcQ: Video unavailable. This video has been removed by the uploader", ErrorCode.SourceNotFound, true)]
    [InlineData("ERROR: [youtube] abcdefghijk: Private video. Sign in if you've been granted access to this video", ErrorCode.SourceNotFound, true)]
    [InlineData("ERROR: [youtube] abcdefghijk: Sign in to confirm you’re not a bot. This helps protect our community.", ErrorCode.DownloadFailed, true)]
    [InlineData("ERROR: [youtube] abcdefghijk: Sign in to confirm your age. This video may be inappropriate for some users.", ErrorCode.DownloadFailed, true)]
    [InlineData("ERROR: [generic] None: Unable to download webpage: HTTP Error 404: File not found (caused by <HTTPError 404: 'File not found'>); please report this issue on  https://github.com/yt-dlp/yt-dlp/issues?q= , filling out the appropriate issue template. Confirm you are on the latest version using  yt-dlp -U", ErrorCode.SourceNotFound, true)]
    [InlineData("ERROR: [generic] None: Unable to download webpage: <urlopen error [Errno 111] Connection refused> (caused by URLError(ConnectionRefusedError(111, 'Connection refused'))); please report this issue on  https://github.com/yt-dlp/yt-dlp/issues?q= , filling out the appropriate issue template. Confirm you are on the latest version using  yt-dlp -U", ErrorCode.DownloadFailed, false)]
    public void YtDlpsRefusalsBecomeStableCodes(string stderr, ErrorCode code, bool permanent)
    {
        var e = YtDlp.Classify(new Uri("https://www.youtube.com/watch?v=abcdefghijk"), "[youtube] Extracting URL\n" + stderr + "\n");
        Assert.NotNull(e);
        Assert.Equal(code, e.Code);
        Assert.Equal(permanent, !e.IsTransient);
        Assert.DoesNotContain("please report", e.Message);
    }

    [Fact]
    public void AnUnsupportedUrlIsNoRefusal() =>
        Assert.Null(YtDlp.Classify(new Uri("https://example.com/x"), "ERROR: Unsupported URL: https://example.com/x"));

    [Fact]
    public void AYouTubeShapedAnswerGivesTheSitesFactsAndBothStreams()
    {
        // the shape yt-dlp prints for a YouTube video whose best format under the height limit comes apart
        const string json = """
            {"id": "abcdefghijk", "title": "How teams fall apart", "uploader": "Talks", "duration": 754.0,
             "webpage_url": "https://www.youtube.com/watch?v=abcdefghijk", "extractor_key": "Youtube",
             "requested_formats": [
               {"format_id": "137", "url": "https://rr1.googlevideo.com/videoplayback?itag=137", "protocol": "https", "ext": "mp4",
                "vcodec": "avc1.640028", "acodec": "none", "height": 1080, "http_headers": {"User-Agent": "Mozilla/5.0"}},
               {"format_id": "140", "url": "https://rr1.googlevideo.com/videoplayback?itag=140", "protocol": "https", "ext": "m4a",
                "vcodec": "none", "acodec": "mp4a.40.2", "http_headers": {"User-Agent": "Mozilla/5.0"}}]}
            """;
        var media = YtDlp.Read(json, new Uri("https://youtu.be/abcdefghijk"));
        Assert.Equal(("abcdefghijk", "How teams fall apart", "Talks", 754.0, "Youtube"), (media.Id, media.Title, media.Uploader, media.DurationSeconds!.Value, media.Extractor));
        Assert.Equal(2, media.Streams.Count);
        Assert.True(media.Streams[0].HasVideo && !media.Streams[0].HasAudio && media.Streams[0].IsPlain);
        Assert.True(!media.Streams[1].HasVideo && media.Streams[1].HasAudio);
        Assert.Equal("Mozilla/5.0", media.Streams[0].Headers["user-agent"]);
        Assert.False(media.Direct);
    }
}
