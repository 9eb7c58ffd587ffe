using System.Diagnostics.CodeAnalysis;
using Clipper.Core.Errors;

namespace Clipper.Core.Storage;

/// <summary>An <see cref="IBlobStore"/> on a local directory (the embedded default).</summary>
public sealed class FileBlobStore : IBlobStore
{
    public FileBlobStore(string root)
    {
        try
        {
            Root = Path.GetFullPath(Directory.CreateDirectory(root).FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClipperException(ErrorCode.StorageFailed, $"cannot create blob directory {root}", inner: e);
        }
    }

    public string Root { get; }

    /// <summary>The file behind a key (it may not exist).</summary>
    public string PathOf(string key) => Path.Combine(Root, BlobKeys.Check(key));

    public async Task PutFileAsync(string key, string file, CancellationToken cancel = default)
    {
        var target = PathOf(key);
        await Guard(key, "store", async () =>
        {
            var tmp = TempBeside(target);
            await using (var src = File.OpenRead(file))
            await using (var dst = File.Create(tmp))
            {
                await src.CopyToAsync(dst, cancel);
            }

            File.Move(tmp, target, overwrite: true);
        });
    }

    public async Task MoveFileAsync(string key, string file, CancellationToken cancel = default)
    {
        var target = PathOf(key);
        await Guard(key, "store", () =>
        {
            // a rename on the same disk; from another disk a copy, made under a name no listing shows
            var tmp = TempBeside(target);
            try
            {
                File.Move(file, tmp);
                File.Move(tmp, target, overwrite: true);
            }
            finally
            {
                File.Delete(tmp);
            }

            return Task.CompletedTask;
        });
    }

    public bool TryGetLocalPath(string key, [NotNullWhen(true)] out string? path)
    {
        path = PathOf(key);
        return true;
    }

    public async Task PutBytesAsync(string key, byte[] data, CancellationToken cancel = default)
    {
        var target = PathOf(key);
        await Guard(key, "store", async () =>
        {
            var tmp = TempBeside(target);
            await File.WriteAllBytesAsync(tmp, data, cancel);
            File.Move(tmp, target, overwrite: true);
        });
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancel = default) => Task.FromResult(File.Exists(PathOf(key)));

    public async Task DownloadAsync(string key, string target, CancellationToken cancel = default)
    {
        var source = PathOf(key);
        await Guard(key, "read", async () =>
        {
            var tmp = TempBeside(Path.GetFullPath(target));
            await using (var src = File.OpenRead(source))
            await using (var dst = File.Create(tmp))
            {
                await src.CopyToAsync(dst, cancel);
            }

            File.Move(tmp, target, overwrite: true);
        });
    }

    public async Task<byte[]> GetBytesAsync(string key, CancellationToken cancel = default)
    {
        byte[] data = [];
        await Guard(key, "read", async () => data = await File.ReadAllBytesAsync(PathOf(key), cancel));
        return data;
    }

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancel = default)
    {
        if (!Directory.Exists(Root))
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        IReadOnlyList<string> keys = Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Where(p => !BlobKeys.IsTemp(Path.GetFileName(p)))
            .Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/'))
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(keys);
    }

    /// <summary>Removes the blob and the directories it leaves empty (an upload's, once its job took it).</summary>
    public Task DeleteAsync(string key, CancellationToken cancel = default) =>
        Guard(key, "delete", () =>
        {
            var file = PathOf(key);
            File.Delete(file);
            RemoveEmptyParents(file);
            return Task.CompletedTask;
        });

    public Uri Url(string key, TimeSpan ttl) => new(PathOf(key));

    private static string TempBeside(string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        return Path.Combine(Path.GetDirectoryName(target)!, BlobKeys.TempName(Path.GetFileName(target)));
    }

    private void RemoveEmptyParents(string file)
    {
        for (var dir = Path.GetDirectoryName(file); dir is not null && dir.Length > Root.Length; dir = Path.GetDirectoryName(dir))
        {
            try
            {
                if (!Directory.Exists(dir) || Directory.EnumerateFileSystemEntries(dir).Any())
                {
                    return;
                }

                Directory.Delete(dir);
            }
            catch (IOException)
            {
                return; // written to meanwhile, or gone already
            }
        }
    }

    private static async Task Guard(string key, string verb, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ClipperException(ErrorCode.SourceNotFound, $"no blob {key}", inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClipperException(ErrorCode.StorageFailed, $"cannot {verb} {key}: {e.Message}", inner: e);
        }
    }
}
