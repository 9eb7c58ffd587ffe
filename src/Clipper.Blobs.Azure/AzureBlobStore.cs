using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Clipper.Core.Errors;
using Clipper.Core.Storage;

namespace Clipper.Blobs.Azure;

/// <summary>
/// An <see cref="IBlobStore"/> on one Azure Blob Storage container (or Azurite), so that silos on different
/// machines share sources, artifacts and outputs. Guarantees:
/// <list type="bullet">
/// <item>Every write is atomic: blobs are block blobs, uploaded in blocks of at most 4 MiB that become visible
/// only when the block list is committed at the end, so a reader sees the old blob, the whole new blob or
/// nothing; never a partial one. Overwrites are allowed.</item>
/// <item>Downloads go to a temporary file beside the target that is renamed over it when complete, and a
/// download split into ranges is pinned to the blob's ETag, so the file is never a mix of two versions.</item>
/// <item>A missing blob throws <see cref="ErrorCode.SourceNotFound"/>; any other service or network failure throws
/// <see cref="ErrorCode.StorageFailed"/> (transient) naming the key and the service's status and error code;
/// a bad connection string or container name throws <see cref="ErrorCode.BadOption"/>. No message ever holds the
/// connection string or the account key.</item>
/// <item><see cref="Url"/> gives a read-only SAS URL that expires after the requested time; it needs a connection
/// string with an account key.</item>
/// </list>
/// </summary>
public sealed partial class AzureBlobStore : IBlobStore
{
    public const string DefaultContainer = "clipper";

    /// <summary>Blocks of this size; files up to it go in one request (which is atomic too).</summary>
    private const int BlockSize = 4 * 1024 * 1024;

    private static readonly TimeSpan DefaultOpenTimeout = TimeSpan.FromSeconds(30);

    private static readonly StorageTransferOptions Transfer = new()
    {
        InitialTransferSize = BlockSize,
        MaximumTransferSize = BlockSize,
        MaximumConcurrency = 4,
    };

    private readonly BlobContainerClient _container;
    private readonly string[] _secrets;

    /// <summary>
    /// A store on <paramref name="container"/> (not contacted yet; see <see cref="OpenAsync"/> to create the
    /// container and check the endpoint answers). Throws <see cref="ErrorCode.BadOption"/> for a malformed connection
    /// string or container name.
    /// </summary>
    public AzureBlobStore(string connectionString, string container = DefaultContainer)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ClipperException(ErrorCode.BadOption, "the blob storage connection string is empty");
        }

        _secrets = SecretsOf(connectionString);
        if (container is null || !ValidContainerName().IsMatch(container))
        {
            throw new ClipperException(ErrorCode.BadOption,
                $"bad blob container name '{container}': 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit");
        }

        var options = new BlobClientOptions
        {
            Retry =
            {
                Mode = RetryMode.Exponential,
                MaxRetries = 3,
                Delay = TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromSeconds(4),
                // per request (one block at most), so a silent endpoint cannot hold a call for the default 100 s
                NetworkTimeout = TimeSpan.FromSeconds(60),
            },
        };

        BlobServiceClient service;
        try
        {
            service = new BlobServiceClient(connectionString, options);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            throw new ClipperException(ErrorCode.BadOption,
                "the blob storage connection string is not valid (expected 'DefaultEndpointsProtocol=…;AccountName=…;AccountKey=…[;BlobEndpoint=…]' " +
                $"or 'UseDevelopmentStorage=true'): {Scrub(e.Message)}");
        }

        _container = service.GetBlobContainerClient(container);
        Endpoint = $"{service.Uri.Host}:{service.Uri.Port}";
    }

    /// <summary>The endpoint's host:port (never the full URI, which can carry a SAS token).</summary>
    public string Endpoint { get; }

    public string ContainerName => _container.Name;

    /// <summary>
    /// Opens a store and creates the container if it is missing. Fails within <paramref name="timeout"/> (30 s by
    /// default) with <see cref="ErrorCode.StorageFailed"/> when the endpoint does not answer or refuses the account.
    /// </summary>
    public static async Task<AzureBlobStore> OpenAsync(
        string connectionString, string container = DefaultContainer, TimeSpan? timeout = null, CancellationToken cancel = default)
    {
        var store = new AzureBlobStore(connectionString, container);
        var limit = timeout ?? DefaultOpenTimeout;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timer.CancelAfter(limit);
        try
        {
            await store._container.CreateIfNotExistsAsync(cancellationToken: timer.Token);
            return store;
        }
        catch (OperationCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new ClipperException(ErrorCode.StorageFailed,
                $"blob storage at {store.Endpoint} is unreachable: no answer within {limit.TotalSeconds:0.#} s", inner: store.Safe(e));
        }
        catch (RequestFailedException e) when (e.Status != 0)
        {
            throw new ClipperException(ErrorCode.StorageFailed,
                $"blob storage at {store.Endpoint} answered but cannot open container {store.ContainerName}: {store.Describe(e)}", inner: store.Safe(e));
        }
        catch (Exception e) when (IsStorageError(e))
        {
            throw new ClipperException(ErrorCode.StorageFailed,
                $"blob storage at {store.Endpoint} is unreachable: {store.Describe(e)}", inner: store.Safe(e));
        }
    }

    public Task PutFileAsync(string key, string file, CancellationToken cancel = default)
    {
        var blob = Blob(key);
        return Guard(key, "store", cancel, async () =>
        {
            try
            {
                await using var src = File.OpenRead(file);
                await blob.UploadAsync(src, UploadOptions(key), cancel);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new ClipperException(ErrorCode.SourceNotFound, $"cannot store {key}: no file {file}", inner: e);
            }
        });
    }

    /// <summary>Uploads the file (committed whole, as <see cref="PutFileAsync"/>), then deletes it.</summary>
    public async Task MoveFileAsync(string key, string file, CancellationToken cancel = default)
    {
        await PutFileAsync(key, file, cancel);
        TryDelete(file);
    }

    /// <summary>Always false: blobs live in the service, not on this machine.</summary>
    public bool TryGetLocalPath(string key, [NotNullWhen(true)] out string? path)
    {
        path = null;
        return false;
    }

    public Task PutBytesAsync(string key, byte[] data, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var blob = Blob(key);
        return Guard(key, "store", cancel, async () =>
        {
            using var src = new MemoryStream(data, writable: false);
            await blob.UploadAsync(src, UploadOptions(key), cancel);
        });
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancel = default)
    {
        var blob = Blob(key);
        var exists = false;
        await Guard(key, "check", cancel, async () => exists = (await blob.ExistsAsync(cancel)).Value);
        return exists;
    }

    public Task DownloadAsync(string key, string target, CancellationToken cancel = default)
    {
        var blob = Blob(key);
        var full = Path.GetFullPath(target);
        return Guard(key, "read", cancel, async () =>
        {
            var dir = Path.GetDirectoryName(full)!;
            Directory.CreateDirectory(dir);
            var tmp = Path.Combine(dir, BlobKeys.TempName(Path.GetFileName(full)));
            try
            {
                await using (var dst = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                {
                    await blob.DownloadToAsync(dst, new BlobDownloadToOptions { TransferOptions = Transfer }, cancel);
                }

                File.Move(tmp, full, overwrite: true);
            }
            finally
            {
                TryDelete(tmp);
            }
        });
    }

    public async Task<byte[]> GetBytesAsync(string key, CancellationToken cancel = default)
    {
        var blob = Blob(key);
        byte[] data = [];
        await Guard(key, "read", cancel, async () => data = (await blob.DownloadContentAsync(cancel)).Value.Content.ToArray());
        return data;
    }

    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancel = default)
    {
        var keys = new List<string>();
        await Guard($"{prefix}*", "list", cancel, async () =>
        {
            var options = new GetBlobsOptions { Prefix = string.IsNullOrEmpty(prefix) ? null : prefix };
            await foreach (var item in _container.GetBlobsAsync(options, cancel))
            {
                keys.Add(item.Name);
            }
        });
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    public Task DeleteAsync(string key, CancellationToken cancel = default)
    {
        var blob = Blob(key);
        return Guard(key, "delete", cancel, () => blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancel));
    }

    /// <summary>A read-only SAS URL for the blob, valid for at least <paramref name="ttl"/> (rounded up to a whole second).</summary>
    public Uri Url(string key, TimeSpan ttl)
    {
        var blob = Blob(key);
        if (ttl <= TimeSpan.Zero)
        {
            throw new ClipperException(ErrorCode.BadOption, $"a blob URL must be valid for a positive time, not {ttl}");
        }

        if (!blob.CanGenerateSasUri)
        {
            throw new ClipperException(ErrorCode.BadOption,
                $"cannot sign a URL for blob {key}: the blob storage connection string has no account key (AccountKey=…)");
        }

        // a SAS expiry has whole seconds: round up so the URL lives at least ttl
        var expires = DateTimeOffset.UtcNow + ttl;
        var ticks = expires.UtcTicks % TimeSpan.TicksPerSecond;
        if (ticks != 0)
        {
            expires = expires.AddTicks(TimeSpan.TicksPerSecond - ticks);
        }

        return blob.GenerateSasUri(BlobSasPermissions.Read, expires);
    }

    private BlobClient Blob(string key) => _container.GetBlobClient(BlobKeys.Check(key));

    private static BlobUploadOptions UploadOptions(string key) => new()
    {
        TransferOptions = Transfer,
        HttpHeaders = new BlobHttpHeaders { ContentType = ContentType(key) },
    };

    private static string ContentType(string key) => Path.GetExtension(key).ToLowerInvariant() switch
    {
        ".mp4" => "video/mp4",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".json" => "application/json",
        ".srt" => "application/x-subrip",
        ".vtt" => "text/vtt",
        ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };

    private async Task Guard(string key, string verb, CancellationToken cancel, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode != BlobErrorCode.ContainerNotFound.ToString())
        {
            throw new ClipperException(ErrorCode.SourceNotFound, $"no blob {key}", inner: Safe(e));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new ClipperException(ErrorCode.StorageFailed,
                $"cannot {verb} {key}: container {ContainerName} does not exist at {Endpoint} ({Describe(e)})", inner: Safe(e));
        }
        catch (Exception e) when (IsStorageError(e) || (e is OperationCanceledException && !cancel.IsCancellationRequested))
        {
            throw new ClipperException(ErrorCode.StorageFailed, $"cannot {verb} {key} at {Endpoint}: {Describe(e)}", inner: Safe(e));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the local side of a transfer (the file being uploaded or the download target)
            throw new ClipperException(ErrorCode.StorageFailed, $"cannot {verb} {key}: {Scrub(e.Message)}", inner: Safe(e));
        }
    }

    /// <summary>What the SDK throws for a failed request: retries exhausted, network errors, error answers.</summary>
    private static bool IsStorageError(Exception e) => e is RequestFailedException or AggregateException or HttpRequestException;

    /// <summary>The service's status and error code, or the network failure, in one line without secrets.</summary>
    private string Describe(Exception e)
    {
        switch (e)
        {
            case RequestFailedException { Status: not 0 } r:
                var first = r.Message.Split('\n', 2)[0].Trim();
                return Scrub($"HTTP {r.Status} {r.ErrorCode ?? "(no error code)"}: {first}");
            case AggregateException a when a.InnerExceptions.Count > 0:
                return Scrub($"{a.InnerExceptions.Count} attempts failed, last: {Describe(a.InnerExceptions[^1])}");
            case OperationCanceledException:
                return "the request timed out";
            default:
                var inner = e;
                while (inner.InnerException is not null)
                {
                    inner = inner.InnerException;
                }

                return Scrub(inner.Message);
        }
    }

    /// <summary>The exception to chain as inner, unless something in it could quote a secret.</summary>
    private Exception? Safe(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (Scrub(x.Message) != x.Message)
            {
                return null;
            }
        }

        return e is AggregateException a && a.InnerExceptions.Any(i => Safe(i) is null) ? null : e;
    }

    private string Scrub(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The whole connection string and each secret value in it (account key, SAS signature).</summary>
    private static string[] SecretsOf(string connectionString)
    {
        var secrets = new List<string> { connectionString.Trim() };
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            var name = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim();
            if (value.Length >= 4 && (name.Equals("AccountKey", StringComparison.OrdinalIgnoreCase)
                || name.Equals("SharedAccessSignature", StringComparison.OrdinalIgnoreCase)))
            {
                secrets.Add(value);
            }
        }

        return [.. secrets.Where(s => s.Length > 0).Distinct().OrderByDescending(s => s.Length)];
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a leftover temp file is harmless
        }
    }

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex ValidContainerName();
}
