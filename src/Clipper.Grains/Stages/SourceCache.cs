using System.Collections.Concurrent;
using Clipper.Core.Errors;
using Clipper.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Clipper.Grains.Stages;

/// <summary>
/// Local files of the blobs units read (sources): the blob's own file on a store that keeps local files, else a copy
/// in this silo's cache, held (not evicted) while a unit uses it and kept under a disk budget, least recently used
/// first.
/// </summary>
public sealed class SourceCache(IBlobStore blobs, string directory, long budgetBytes, ILogger log)
{
    private readonly IBlobStore _blobs = blobs;
    private readonly ConcurrentDictionary<string, int> _inUse = new();
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

            var files = new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories)
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

    /// <summary>The local files one unit uses; <see cref="Dispose"/> lets the cache evict them again.</summary>
    public sealed class Lease(SourceCache cache) : IDisposable
    {
        private readonly List<string> _held = [];

        /// <summary>A local file holding the blob. After a download the cache is brought back under its budget.</summary>
        public async Task<string> FileAsync(string key, CancellationToken cancel)
        {
            if (cache._blobs.TryGetLocalPath(key, out var stored))
            {
                return File.Exists(stored) ? stored : throw new ClipperException(ErrorCode.StorageFailed, $"blob {key} is missing");
            }

            var cached = Path.Combine(cache.Directory, key);
            cache._inUse.AddOrUpdate(cached, 1, (_, n) => n + 1);
            _held.Add(cached);
            if (File.Exists(cached))
            {
                File.SetLastWriteTimeUtc(cached, DateTime.UtcNow);
                return cached;
            }

            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
            await cache._blobs.DownloadAsync(key, cached, cancel);
            cache.Trim();
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
