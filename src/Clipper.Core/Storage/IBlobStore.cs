using System.Diagnostics.CodeAnalysis;

namespace Clipper.Core.Storage;

/// <summary>
/// Where sources, intermediate artifacts and outputs live, so that any silo can run any stage. Keys are
/// slash-separated relative paths laid out by <see cref="BlobLayout"/>. Every write is atomic: a
/// reader sees the whole blob or none of it. Failures throw ClipperException with StorageFailed (transient) or
/// SourceNotFound for a missing key.
/// </summary>
public interface IBlobStore
{
    Task PutFileAsync(string key, string file, CancellationToken cancel = default);

    Task PutBytesAsync(string key, byte[] data, CancellationToken cancel = default);

    /// <summary>
    /// Stores a local file under the key and takes it over: the file is gone afterwards. A store that keeps blobs as
    /// files renames it into place (no copy when it is on the same disk, e.g. written at a temporary name beside
    /// <see cref="TryGetLocalPath"/>); any other store uploads it, then deletes it.
    /// </summary>
    Task MoveFileAsync(string key, string file, CancellationToken cancel = default);

    /// <summary>
    /// The local file that holds the blob when the store keeps blobs as files on this machine (the file may not exist);
    /// false for a remote store, whose blobs are read through <see cref="DownloadAsync"/> or <see cref="Url"/>.
    /// </summary>
    bool TryGetLocalPath(string key, [NotNullWhen(true)] out string? path);

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
    private const string TempPrefix = ".tmp-";

    /// <summary>
    /// A unique temporary name for a file on its way to <paramref name="fileName"/> in the same directory: stores never
    /// list it, so a file is written under it and renamed when whole.
    /// </summary>
    public static string TempName(string fileName) => $"{TempPrefix}{Guid.NewGuid():N}-{fileName}";

    public static bool IsTemp(string fileName) => fileName.StartsWith(TempPrefix, StringComparison.Ordinal);

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
