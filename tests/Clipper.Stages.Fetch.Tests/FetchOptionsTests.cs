using Clipper.Core.Errors;
using Clipper.Core.Storage;
using Clipper.TestSupport;

namespace Clipper.Stages.Fetch.Tests;

/// <summary>The operator's fetch settings: the reference defaults, and nonsense refused with a named option.</summary>
[Trait("Category", "unit")]
public sealed class FetchOptionsTests
{
    [Fact]
    public void DefaultsAreTheReferenceConfiguration()
    {
        var o = new FetchOptions();
        Assert.Equal(4L * 1024 * 1024 * 1024, o.MaxSourceBytes);
        Assert.Equal(TimeSpan.FromHours(3), o.MaxDuration);
        Assert.Equal(TimeSpan.FromSeconds(10), o.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), o.ReadTimeout);
        Assert.Equal(5, o.MaxRedirects);
        Assert.False(o.AllowPrivateAddresses);
        Assert.Empty(o.AllowedHosts);
        Assert.Empty(o.BlockedHosts);
        Assert.Equal(-50, o.SilenceThresholdDb);
        Assert.Equal(10L * 1024 * 1024, o.MaxCaptionBytes);
        Assert.Equal(TimeSpan.FromSeconds(60), o.CheckTimeout);
        Assert.Null(o.Resolve);
    }

    [Theory]
    [InlineData("MaxSourceBytes")]
    [InlineData("MaxDuration")]
    [InlineData("ConnectTimeout")]
    [InlineData("ReadTimeout")]
    [InlineData("CheckTimeout")]
    [InlineData("MaxRedirects")]
    [InlineData("MaxCaptionBytes")]
    [InlineData("ResolveTimeout")]
    [InlineData("MaxHeight")]
    [InlineData("MetadataProxy")]
    [InlineData("CookiesFile")]
    public void NonsenseIsABadOptionNamingTheSetting(string name)
    {
        var o = new FetchOptions();
        switch (name)
        {
            case "MaxSourceBytes": o.MaxSourceBytes = 0; break;
            case "MaxDuration": o.MaxDuration = TimeSpan.Zero; break;
            case "ConnectTimeout": o.ConnectTimeout = TimeSpan.FromSeconds(-1); break;
            case "ReadTimeout": o.ReadTimeout = TimeSpan.Zero; break;
            case "CheckTimeout": o.CheckTimeout = TimeSpan.Zero; break;
            case "MaxRedirects": o.MaxRedirects = -1; break;
            case "MaxCaptionBytes": o.MaxCaptionBytes = -1; break;
            case "ResolveTimeout": o.ResolveTimeout = TimeSpan.Zero; break;
            case "MaxHeight": o.MaxHeight = 100; break;
            case "MetadataProxy": o.MetadataProxy = "ftp://user:secret@proxy.example.com"; break;
            case "CookiesFile": o.CookiesFile = "/nonexistent/cookies.txt"; break;
        }

        var e = Assert.Throws<ClipperException>(() => o.Validate());
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.Contains(name, e.Message);
        Assert.DoesNotContain("secret", e.Message); // a proxy's credentials never appear in an error
        var blobs = TestMedia.TempDir("fetch-blobs");
        try
        {
            Assert.Throws<ClipperException>(() => new Fetcher(new FileBlobStore(blobs), o));
        }
        finally
        {
            Directory.Delete(blobs, recursive: true);
        }
    }

    [Fact]
    public async Task TheFetcherKeepsItsOwnCopyOfTheOptions()
    {
        // Options bound once at start-up may be shared; a later change must not loosen a running fetcher.
        var o = new FetchOptions();
        var blobs = TestMedia.TempDir("fetch-blobs");
        try
        {
            using var fetcher = new Fetcher(new FileBlobStore(blobs), o);
            o.AllowPrivateAddresses = true;
            var e = await Assert.ThrowsAsync<ClipperException>(() =>
                fetcher.FetchAsync(new FetchRequest("http://127.0.0.1:9/v.mp4", blobs, 3)));
            Assert.Equal(ErrorCode.UrlBlocked, e.Code);
        }
        finally
        {
            Directory.Delete(blobs, recursive: true);
        }
    }
}
