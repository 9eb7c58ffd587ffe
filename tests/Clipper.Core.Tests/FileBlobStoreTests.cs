using System.Text;
using Clipper.Core.Errors;
using Clipper.Core.Storage;
using Clipper.TestSupport;

namespace Clipper.Core.Tests;

[Trait("Category", "unit")]
public sealed class FileBlobStoreTests : IDisposable
{
    private readonly string _root = TestMedia.TempDir("blobs");
    private readonly string _local = TestMedia.TempDir("local");

    public void Dispose()
    {
        Directory.Delete(_root, true);
        Directory.Delete(_local, true);
    }

    [Fact]
    public async Task PutThenReadBackAndListByPrefix()
    {
        var blobs = new FileBlobStore(_root);
        var file = Path.Combine(_local, "a.txt");
        await File.WriteAllTextAsync(file, "hello", TestContext.Current.CancellationToken);
        await blobs.PutFileAsync("jobs/j1/clip-01.srt", file);
        await blobs.PutBytesAsync("jobs/j1/clip-01.vtt", Encoding.UTF8.GetBytes("WEBVTT"));
        await blobs.PutBytesAsync("sources/abc.mp4", [1, 2, 3]);

        Assert.True(await blobs.ExistsAsync("jobs/j1/clip-01.srt"));
        Assert.Equal("hello"u8.ToArray(), await blobs.GetBytesAsync("jobs/j1/clip-01.srt"));
        Assert.Equal(["jobs/j1/clip-01.srt", "jobs/j1/clip-01.vtt"], await blobs.ListAsync("jobs/j1/"));
        var copy = Path.Combine(_local, "out", "copy.mp4");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        await blobs.DownloadAsync("sources/abc.mp4", copy);
        Assert.Equal(new byte[] { 1, 2, 3 }, await File.ReadAllBytesAsync(copy, TestContext.Current.CancellationToken));
        await blobs.DeleteAsync("sources/abc.mp4");
        Assert.False(await blobs.ExistsAsync("sources/abc.mp4"));
    }

    [Fact]
    public async Task OverwritingLeavesNoTemporaryFilesAndListingHidesThem()
    {
        var blobs = new FileBlobStore(_root);
        await blobs.PutBytesAsync("k/v.bin", [1]);
        await blobs.PutBytesAsync("k/v.bin", [2]);
        await File.WriteAllTextAsync(Path.Combine(_root, "k", ".tmp-dead-attempt-v.bin"), "partial", TestContext.Current.CancellationToken);
        Assert.Equal(new byte[] { 2 }, await blobs.GetBytesAsync("k/v.bin"));
        Assert.Equal(["k/v.bin"], await blobs.ListAsync("k/"));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_root, "k")).Length);
    }

    [Fact]
    public async Task MissingBlobIsSourceNotFound()
    {
        var blobs = new FileBlobStore(_root);
        var e = await Assert.ThrowsAsync<ClipperException>(() => blobs.GetBytesAsync("nope/x.json"));
        Assert.Equal(ErrorCode.SourceNotFound, e.Code);
        e = await Assert.ThrowsAsync<ClipperException>(() => blobs.DownloadAsync("nope/x.json", Path.Combine(_local, "x")));
        Assert.Equal(ErrorCode.SourceNotFound, e.Code);
        Assert.False(File.Exists(Path.Combine(_local, "x")));
        Assert.Empty(Directory.GetFiles(_local));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    [InlineData("")]
    [InlineData("./a")]
    public async Task KeysThatCouldEscapeTheStoreAreRefused(string bad)
    {
        var store = Path.Combine(_root, "store");
        var blobs = new FileBlobStore(store);
        await Assert.ThrowsAsync<ArgumentException>(() => blobs.PutBytesAsync(bad, []));
        Assert.Equal([store], Directory.GetFileSystemEntries(_root));
        Assert.Empty(Directory.GetFileSystemEntries(store));
    }
}
