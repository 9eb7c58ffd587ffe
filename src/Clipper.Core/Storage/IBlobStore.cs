namespace Clipper.Core.Storage;

/// <summary>
/// Where sources, intermediate artifacts and outputs live, so that any silo can run any stage. Keys are
/// slash-separated relative paths ("sources/ab12….mp4", "jobs/JOB/clip-01.mp4"). Every write is atomic: a
/// reader sees the whole blob or none of it. Failures throw ClipperException with StorageFailed (transient) or
/// SourceNotFound for a missing key.
/// </summary>
public interface IBlobStore
{
    Task PutFileAsync(string key, string file, CancellationToken cancel = default);

    Task PutBytesAsync(string key, byte[] data, CancellationToken cancel = default);

    Task<bool> ExistsAsync(string key, CancellationToken cancel = default);

    /// <summary>Copies a blob to a local file (atomically replacing it).</summary>
    Task DownloadAsync(string key, string target, CancellationToken cancel = default);

    Task<byte[]> GetBytesAsync(string key, CancellationToken cancel = default);

    /// <summary>Keys that start with the prefix, sorted.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancel = default);

    Task DeleteAsync(string key, CancellationToken cancel = default);

    /// <summary>A URL a client can fetch the blob from, valid for at least <paramref name="ttl"/> where the store can sign.</summary>
    Uri Url(string key, TimeSpan ttl);
}

public static class BlobKeys
{
    /// <summary>Rejects keys that could escape the store or are not plain relative paths.</summary>
    public static string Check(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.StartsWith('/') || key.Contains('\\') || key.Contains("//") || key.Contains('\0'))
        {
            throw new ArgumentException($"bad blob key: {key}");
        }

        foreach (var part in key.Split('/'))
        {
            if (part is ".." or "." or "")
            {
                throw new ArgumentException($"bad blob key: {key}");
            }
        }

        return key;
    }
}
