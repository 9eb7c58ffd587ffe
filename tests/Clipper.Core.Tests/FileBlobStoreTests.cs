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

/// <summary>What a directory store offers callers that can use local files.</summary>
[Trait("Category", "unit")]
public sealed class FileBlobStoreLocalFileTests : IDisposable
{
    private readonly string _root = TestMedia.TempDir("blobs");

    public void Dispose() => Directory.Delete(_root, true);

    [Fact]
    public async Task AFileWrittenBesideItsBlobIsRenamedIntoPlaceAndHiddenUntilThen()
    {
        var blobs = new FileBlobStore(_root);
        Assert.True(blobs.TryGetLocalPath("uploads/job-1/talk.mp4", out var stored));
        Assert.Equal(Path.Combine(_root, "uploads", "job-1", "talk.mp4"), stored);
        Directory.CreateDirectory(Path.GetDirectoryName(stored)!);
        var staging = Path.Combine(Path.GetDirectoryName(stored)!, BlobKeys.TempName("talk.mp4"));
        await File.WriteAllBytesAsync(staging, [1, 2, 3], TestContext.Current.CancellationToken);
        var written = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(staging, written);
        Assert.Empty(await blobs.ListAsync("uploads/"));

        await blobs.MoveFileAsync("uploads/job-1/talk.mp4", staging);

        Assert.False(File.Exists(staging));
        Assert.Equal(["uploads/job-1/talk.mp4"], await blobs.ListAsync("uploads/"));
        Assert.Equal(new byte[] { 1, 2, 3 }, await blobs.GetBytesAsync("uploads/job-1/talk.mp4"));
        Assert.Equal(written, File.GetLastWriteTimeUtc(stored)); // the same file renamed, not a copy
        Assert.Equal([stored], Directory.GetFileSystemEntries(Path.GetDirectoryName(stored)!));
    }

    [Fact]
    public async Task DeletingTheLastBlobOfADirectoryRemovesTheDirectoriesItEmptied()
    {
        var blobs = new FileBlobStore(_root);
        await blobs.PutBytesAsync("uploads/job-1/talk.mp4", [1]);
        await blobs.PutBytesAsync("sources/abc.mp4", [2]);

        await blobs.DeleteAsync("uploads/job-1/talk.mp4");

        Assert.Equal([Path.Combine(_root, "sources")], Directory.GetFileSystemEntries(_root));
        await blobs.DeleteAsync("sources/abc.mp4");
        Assert.True(Directory.Exists(_root));
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }
}
