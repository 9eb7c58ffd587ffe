using System.Collections.Concurrent;
using Clipper.Abstractions.Work;
using Microsoft.Extensions.Logging;

namespace Clipper.Grains.Stages;

/// <summary>
/// Work directories of the units running on this silo, <c>{root}/{job}/{unit}-{attempt}</c>, removed when their unit
/// ends, and the janitor's sweep of those a killed process left behind.
/// </summary>
public sealed class WorkDirectories
{
    private readonly string _root;
    private readonly string _skip;
    private readonly TimeSpan _maxAge;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, byte> _active = new();

    /// <param name="root">The work directory.</param>
    /// <param name="skip">A directory under the root that is not a job's (the source cache).</param>
    /// <param name="maxAge">How long a directory no unit here uses is kept after its last write.</param>
    /// <param name="log">Where failures to remove are told.</param>
    public WorkDirectories(string root, string skip, TimeSpan maxAge, ILogger log)
    {
        _root = root;
        _skip = skip;
        _maxAge = maxAge;
        _log = log;
        Directory.CreateDirectory(root);
    }

    /// <summary>
    /// A directory for one attempt of a unit (an earlier attempt of the same unit may still be running somewhere),
    /// known to the sweep as in use at once; created by the caller, removed with its empty job directory on dispose.
    /// </summary>
    public Lease Begin(string jobId, WorkId unit)
    {
        var dir = Path.Combine(_root, jobId, $"{unit}-{Guid.NewGuid().ToString("N")[..8]}");
        _active[dir] = 0;
        return new Lease(this, dir, Path.Combine(_root, jobId));
    }

    /// <summary>
    /// Removes unit work directories that no unit running here uses and that were last written before
    /// <paramref name="now"/> minus the maximum age (left by a killed process), then empty job directories. Returns
    /// the directories removed.
    /// </summary>
    public IReadOnlyList<string> Sweep(DateTime now)
    {
        var removed = new List<string>();
        if (!Directory.Exists(_root))
        {
            return removed;
        }

        foreach (var jobDir in Directory.EnumerateDirectories(_root))
        {
            if (Path.GetFullPath(jobDir) == Path.GetFullPath(_skip))
            {
                continue;
            }

            foreach (var unitDir in Directory.EnumerateDirectories(jobDir))
            {
                if (_active.ContainsKey(unitDir) || now - LastWrite(unitDir) < _maxAge)
                {
                    continue;
                }

                TryDelete(unitDir);
                if (!Directory.Exists(unitDir))
                {
                    removed.Add(unitDir);
                }
            }

            TryDeleteIfEmpty(jobDir);
        }

        return removed;
    }

    public sealed class Lease(WorkDirectories owner, string path, string jobDir) : IDisposable
    {
        public string Path => path;

        public void Dispose()
        {
            owner._active.TryRemove(path, out _);
            owner.TryDelete(path);
            TryDeleteIfEmpty(jobDir);
        }
    }

    private static DateTime LastWrite(string dir)
    {
        var latest = Directory.GetLastWriteTimeUtc(dir);
        foreach (var f in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories))
        {
            var t = File.GetLastWriteTimeUtc(f);
            if (t > latest)
            {
                latest = t;
            }
        }

        return latest;
    }

    private void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException e)
        {
            _log.LogWarning("cannot remove work directory {Dir}: {Message}", dir, e.Message);
        }
    }

    private static void TryDeleteIfEmpty(string dir)
    {
        try
        {
            if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
            {
                Directory.Delete(dir);
            }
        }
        catch (IOException)
        {
            // another unit of the same job is still working here
        }
    }
}
