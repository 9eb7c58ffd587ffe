using System.Diagnostics.CodeAnalysis;
using Clipper.Blobs.Azure;
using Clipper.Core.Storage;
using Clipper.Grains.Stages;
using Clipper.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Clipper.Grains.Tests;

/// <summary>
/// A silo's copies of blobs from a remote store (Azurite): units that want one source at once share one download (two
/// chunk units of a job on one silo used to download it twice, and one failed when the other's half-written copy
/// vanished while the cache was being trimmed), and trimming never touches a copy still being written.
/// </summary>
[Trait("Category", "external")]
public sealed class SourceCacheTests : IAsyncLifetime
{
    private readonly string _dir = TestMedia.TempDir("source-cache");
    private AzuriteServer _azurite = null!;
    private AzureBlobStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _store = await AzureBlobStore.OpenAsync(_azurite.ConnectionString, AzureBlobStore.DefaultContainer, TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await _azurite.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    [Fact]
    public async Task UnitsAskingForOneBlobAtOnceShareOneDownload()
    {
        var data = new byte[12 << 20];
        new Random(7).NextBytes(data);
        await _store.PutBytesAsync("sources/talk.mp4", data);
        var counting = new CountingStore(_store);
        var cache = new SourceCache(counting, Path.Combine(_dir, "cache"), 1L << 30, NullLogger.Instance);

        var leases = Enumerable.Range(0, 6).Select(_ => cache.Hold()).ToList();
        var paths = await Task.WhenAll(leases.Select(l => Task.Run(() => l.FileAsync("sources/talk.mp4", CancellationToken.None))));

        Assert.Single(paths.Distinct());
        Assert.Equal(1, counting.Downloads);
        Assert.Equal(data, await File.ReadAllBytesAsync(paths[0]));
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(_dir, "cache"), "*", SearchOption.AllDirectories),
            f => BlobKeys.IsTemp(Path.GetFileName(f)));
        leases.ForEach(l => l.Dispose());

        // once it is there, a later unit takes the copy without a download
        using var later = cache.Hold();
        Assert.Equal(paths[0], await later.FileAsync("sources/talk.mp4", CancellationToken.None));
        Assert.Equal(1, counting.Downloads);
    }

    [Fact]
    public async Task TrimmingOverTheBudgetLeavesACopyBeingWritten()
    {
        var dir = Path.Combine(_dir, "trim", "sources");
        Directory.CreateDirectory(dir);
        var old = Path.Combine(dir, "old.mp4");
        var writing = Path.Combine(dir, BlobKeys.TempName("new.mp4"));
        await File.WriteAllBytesAsync(old, new byte[1000]);
        await File.WriteAllBytesAsync(writing, new byte[1000]);
        // the half-written copy is the older of the two: by age alone it would go first
        File.SetLastWriteTimeUtc(writing, DateTime.UtcNow.AddHours(-2));
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-1));

        new SourceCache(_store, Path.Combine(_dir, "trim"), 0, NullLogger.Instance).Trim();

        Assert.True(File.Exists(writing), "the copy being written was removed");
        Assert.False(File.Exists(old), "the finished copy over the budget was kept");
    }

    /// <summary>The Azurite store, counting its downloads.</summary>
    private sealed class CountingStore(IBlobStore inner) : IBlobStore
    {
        private int _downloads;

        public int Downloads => Volatile.Read(ref _downloads);

        public async Task DownloadAsync(string key, string target, CancellationToken cancel = default)
        {
            Interlocked.Increment(ref _downloads);
            await inner.DownloadAsync(key, target, cancel);
        }

        public Task PutFileAsync(string key, string file, CancellationToken cancel = default) => inner.PutFileAsync(key, file, cancel);

        public Task PutBytesAsync(string key, byte[] data, CancellationToken cancel = default) => inner.PutBytesAsync(key, data, cancel);

        public Task MoveFileAsync(string key, string file, CancellationToken cancel = default) => inner.MoveFileAsync(key, file, cancel);

        public bool TryGetLocalPath(string key, [NotNullWhen(true)] out string? path) => inner.TryGetLocalPath(key, out path);

        public Task<bool> ExistsAsync(string key, CancellationToken cancel = default) => inner.ExistsAsync(key, cancel);

        public Task<byte[]> GetBytesAsync(string key, CancellationToken cancel = default) => inner.GetBytesAsync(key, cancel);

        public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancel = default) => inner.ListAsync(prefix, cancel);

        public Task DeleteAsync(string key, CancellationToken cancel = default) => inner.DeleteAsync(key, cancel);

        public Uri Url(string key, TimeSpan ttl) => inner.Url(key, ttl);
    }
}
