using System.Collections.Concurrent;
using Clipper.Core.Errors;
using Clipper.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Clipper.Grains.Stages;

/// <summary>
/// Local files of the blobs units read (sources): the blob's own file on a store that keeps local files, else a copy
/// in this silo's cache, held (not evicted) while a unit uses it and kept under a disk budget, least recently used
/// first. Units that want the same blob at once (two chunks of one source on one silo) share one download.
/// </summary>
public sealed class SourceCache(IBlobStore blobs, string directory, long budgetBytes, ILogger log)
{
    private readonly IBlobStore _blobs = blobs;
    private readonly ConcurrentDictionary<string, int> _inUse = new();

    /// <summary>Downloads under way, by local path: a second unit waits for the first's instead of fetching the blob again.</summary>
    private readonly ConcurrentDictionary<string, Lazy<Task>> _downloads = new();
    private readonly object _trimLock = new();

    /// <summary>This silo's copies of blobs.</summary>
    public string Directory => directory;

    /// <summary>What one unit holds; released when the unit ends.</summary>
    public Lease Hold() => new(this);

    /// <summary>Removes the least recently used copies no running unit holds until the cache fits its budget.</summary>
    public void Trim()
    {
        lock (_trimLock)
        {
            if (!System.IO.Directory.Exists(directory))
            {
                return;
            }

            // a download still being written (under a temporary name) is nobody's to remove
            var files = new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories)
                .Where(f => !BlobKeys.IsTemp(f.Name))
                .OrderBy(f => f.LastWriteTimeUtc).ToList();
            long total = files.Sum(f => f.Length);
            foreach (var f in files)
            {
                if (total <= budgetBytes)
                {
                    break;
                }

                if (_inUse.ContainsKey(f.FullName))
                {
                    continue;
                }

                try
                {
                    f.Delete();
                    total -= f.Length;
                    log.LogInformation("cache over its budget of {Budget} bytes: removed {File} ({Bytes} bytes, last used {Used:O})",
                        budgetBytes, f.Name, f.Length, f.LastWriteTimeUtc);
                }
                catch (IOException e)
                {
                    log.LogWarning("cannot remove cached {File}: {Message}", f.FullName, e.Message);
                }
            }
        }
    }

    /// <summary>
    /// Downloads the blob to <paramref name="cached"/> unless a download of it is under way, which is awaited instead. The
    /// download itself runs to its end even when the unit that started it is cancelled (another may be waiting for it);
    /// a unit stops waiting at its own cancellation.
    /// </summary>
    private async Task DownloadOnceAsync(string key, string cached, CancellationToken cancel)
    {
        var download = _downloads.GetOrAdd(cached, path => new Lazy<Task>(() => Task.Run(async () =>
        {
            try
            {
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await _blobs.DownloadAsync(key, path, CancellationToken.None);
                Trim();
            }
            finally
            {
                _downloads.TryRemove(path, out _);
            }
        })));
        try
        {
            await download.Value.WaitAsync(cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new ClipperException(ErrorCode.Cancelled, $"copying {key} to this silo was cancelled");
        }
    }

    /// <summary>The local files one unit uses; <see cref="Dispose"/> lets the cache evict them again.</summary>
    public sealed class Lease(SourceCache cache) : IDisposable
    {
        private readonly List<string> _held = [];

        /// <summary>A local file holding the blob. After a download the cache is brought back under its budget.</summary>
        public async Task<string> FileAsync(string key, CancellationToken cancel)
        {
            if (cache._blobs.TryGetLocalPath(key, out var stored))
            {
                // a missing blob is source_not_found in every store (IBlobStore), as the download below says it
                return File.Exists(stored) ? stored : throw new ClipperException(ErrorCode.SourceNotFound, $"no blob {key}");
            }

            var cached = Path.Combine(cache.Directory, key);
            cache._inUse.AddOrUpdate(cached, 1, (_, n) => n + 1);
            _held.Add(cached);
            if (File.Exists(cached))
            {
                File.SetLastWriteTimeUtc(cached, DateTime.UtcNow);
                return cached;
            }

            await cache.DownloadOnceAsync(key, cached, cancel);
            return cached;
        }

        public void Dispose()
        {
            foreach (var path in _held)
            {
                cache._inUse.AddOrUpdate(path, 0, (_, n) => n - 1);
                if (cache._inUse.TryGetValue(path, out var n) && n <= 0)
                {
                    cache._inUse.TryRemove(new KeyValuePair<string, int>(path, n));
                }
            }

            _held.Clear();
        }
    }
}
