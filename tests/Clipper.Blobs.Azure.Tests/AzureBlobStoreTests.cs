using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Web;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Clipper.Core.Errors;
using Clipper.TestSupport;

namespace Clipper.Blobs.Azure.Tests;

/// <summary>The store against a real (emulated) Azure Blob service: Azurite, one per class.</summary>
[Trait("Category", "external")]
public sealed class AzureBlobStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly AzureBlobStore _store = azurite.Store;
    private readonly string _dir = TestMedia.TempDir("clipper-azure-blobs");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Bytes_round_trip_including_an_empty_blob()
    {
        var key = Data.Prefix() + "small.json";
        var data = Data.Random(123_457, seed: 1);
        await _store.PutBytesAsync(key, data);
        Assert.True(await _store.ExistsAsync(key));
        Assert.Equal(data, await _store.GetBytesAsync(key));

        var empty = Data.Prefix() + "empty";
        await _store.PutBytesAsync(empty, []);
        Assert.True(await _store.ExistsAsync(empty));
        Assert.Empty(await _store.GetBytesAsync(empty));
    }

    [Fact]
    public async Task A_20_MB_file_round_trips_in_blocks_and_replaces_the_target_atomically()
    {
        var key = Data.Prefix() + "sources/big.mp4";
        var source = await Data.FileAsync(_dir, "source.bin", 20 * MiB + 12_345, seed: 2);
        await _store.PutFileAsync(key, source);

        // uploaded as committed blocks, not one request, with the content type from the extension
        var blob = new BlobContainerClient(azurite.Server.ConnectionString, AzureBlobStore.DefaultContainer).GetBlockBlobClient(key);
        var blocks = (await blob.GetBlockListAsync(BlockListTypes.All)).Value;
        Assert.True(blocks.CommittedBlocks.Count() > 1, $"{blocks.CommittedBlocks.Count()} committed blocks");
        Assert.Empty(blocks.UncommittedBlocks);
        var properties = (await blob.GetPropertiesAsync()).Value;
        Assert.Equal(new FileInfo(source).Length, properties.ContentLength);
        Assert.Equal("video/mp4", properties.ContentType);

        var outDir = Path.Combine(_dir, "out", "nested");
        var target = Path.Combine(outDir, "copy.mp4");
        Directory.CreateDirectory(outDir);
        await File.WriteAllTextAsync(target, "an older file that must be replaced");
        await _store.DownloadAsync(key, target);
        Assert.Equal(Data.HashFile(source), Data.HashFile(target));
        Assert.Equal(["copy.mp4"], Directory.GetFiles(outDir).Select(Path.GetFileName));

        // a target directory that does not exist yet is created
        var fresh = Path.Combine(_dir, "new-dir", "copy.mp4");
        await _store.DownloadAsync(key, fresh);
        Assert.Equal(Data.HashFile(source), Data.HashFile(fresh));
    }

    [Fact]
    public async Task A_missing_key_is_SourceNotFound_and_leaves_no_file()
    {
        var key = Data.Prefix() + "missing.mp4";
        Assert.False(await _store.ExistsAsync(key));

        var e = await Assert.ThrowsAsync<ClipperException>(() => _store.GetBytesAsync(key));
        Assert.Equal(ErrorCode.SourceNotFound, e.Code);
        Assert.Equal($"no blob {key}", e.Message);

        var target = Path.Combine(_dir, "missing.mp4");
        e = await Assert.ThrowsAsync<ClipperException>(() => _store.DownloadAsync(key, target));
        Assert.Equal(ErrorCode.SourceNotFound, e.Code);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public async Task A_missing_local_file_cannot_be_stored()
    {
        var key = Data.Prefix() + "x.mp4";
        var e = await Assert.ThrowsAsync<ClipperException>(() => _store.PutFileAsync(key, Path.Combine(_dir, "nope.mp4")));
        Assert.Equal(ErrorCode.SourceNotFound, e.Code);
        Assert.False(await _store.ExistsAsync(key));
    }

    [Fact]
    public async Task List_returns_the_keys_under_a_prefix_sorted_ordinally()
    {
        var root = Data.Prefix();
        string[] keys = [$"{root}jobs/b/clip-02.mp4", $"{root}jobs/a/Z.json", $"{root}jobs/a/a.json", $"{root}jobs/b/clip-01.mp4",
            $"{root}jobs/a-x/1", $"{root}jobsX/other", $"{root}sources/s.mp4"];
        foreach (var key in keys)
        {
            await _store.PutBytesAsync(key, [1, 2, 3]);
        }

        Assert.Equal(
            [$"{root}jobs/a-x/1", $"{root}jobs/a/Z.json", $"{root}jobs/a/a.json", $"{root}jobs/b/clip-01.mp4", $"{root}jobs/b/clip-02.mp4"],
            await _store.ListAsync($"{root}jobs/"));
        Assert.Equal([$"{root}jobs/a/Z.json", $"{root}jobs/a/a.json"], await _store.ListAsync($"{root}jobs/a/"));
        Assert.Equal(keys.Order(StringComparer.Ordinal), await _store.ListAsync(root));
        Assert.Empty(await _store.ListAsync($"{root}nothing/"));
        Assert.Contains(keys[0], await _store.ListAsync(""));
    }

    [Fact]
    public async Task Delete_removes_a_blob_and_is_quiet_when_it_is_missing()
    {
        var key = Data.Prefix() + "gone.bin";
        await _store.PutBytesAsync(key, [9, 9, 9]);
        await _store.DeleteAsync(key);
        Assert.False(await _store.ExistsAsync(key));
        Assert.Equal(ErrorCode.SourceNotFound, (await Assert.ThrowsAsync<ClipperException>(() => _store.GetBytesAsync(key))).Code);
        await _store.DeleteAsync(key);
        await _store.DeleteAsync(Data.Prefix() + "never-there");
    }

    [Fact]
    public async Task A_moved_file_is_uploaded_then_deleted_and_no_blob_has_a_local_path()
    {
        var key = Data.Prefix() + "uploads/job-1/talk.mp4";
        var file = await Data.FileAsync(_dir, "talk.mp4", 5 * MiB + 7, seed: 11);
        var hash = Data.HashFile(file);
        await _store.MoveFileAsync(key, file);
        Assert.False(File.Exists(file));
        var copy = Path.Combine(_dir, "copy.mp4");
        await _store.DownloadAsync(key, copy);
        Assert.Equal(hash, Data.HashFile(copy));
        Assert.False(_store.TryGetLocalPath(key, out var path));
        Assert.Null(path);
    }

    [Fact]
    public async Task A_put_overwrites_the_previous_blob()
    {
        var key = Data.Prefix() + "report.json";
        await _store.PutBytesAsync(key, Data.Random(6 * MiB, seed: 3));
        var second = Data.Random(1000, seed: 4);
        await _store.PutBytesAsync(key, second);
        Assert.Equal(second, await _store.GetBytesAsync(key));

        var third = await Data.FileAsync(_dir, "third.bin", 9 * MiB, seed: 5);
        await _store.PutFileAsync(key, third);
        Assert.Equal(Data.HashFile(third), Data.Hash(await _store.GetBytesAsync(key)));
    }

    [Fact]
    public async Task A_wrong_account_key_is_StorageFailed_with_the_status_and_no_key()
    {
        var wrongKey = Convert.ToBase64String(Data.Random(64, seed: 11));
        var connection = azurite.Server.ConnectionString.Replace(AzuriteServer.AccountKey, wrongKey, StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<ClipperException>(() => AzureBlobStore.OpenAsync(connection, "clipper", TimeSpan.FromSeconds(20)));
        TestContext.Current.TestOutputHelper?.WriteLine(e.Message);
        Assert.Equal(ErrorCode.StorageFailed, e.Code);
        Assert.Contains("403", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, e.ToString(), StringComparison.Ordinal);

        e = await Assert.ThrowsAsync<ClipperException>(() => new AzureBlobStore(connection).GetBytesAsync("a/b"));
        Assert.Equal(ErrorCode.StorageFailed, e.Code);
        Assert.StartsWith("cannot read a/b at 127.0.0.1:", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_creates_a_missing_container_and_accepts_an_existing_one()
    {
        var name = $"c{Guid.NewGuid():N}"[..20];
        var store = await AzureBlobStore.OpenAsync(azurite.Server.ConnectionString, name, TimeSpan.FromSeconds(20));
        await store.PutBytesAsync("a/b", [1, 2]);
        var again = await AzureBlobStore.OpenAsync(azurite.Server.ConnectionString, name, TimeSpan.FromSeconds(20));
        Assert.Equal([1, 2], await again.GetBytesAsync("a/b"));
        Assert.False(await _store.ExistsAsync("a/b"));

        // a store whose container was never created: writes fail as storage failures, not as a missing blob
        var unopened = new AzureBlobStore(azurite.Server.ConnectionString, $"n{Guid.NewGuid():N}"[..20]);
        var e = await Assert.ThrowsAsync<ClipperException>(() => unopened.PutBytesAsync("a/b", [1]));
        Assert.Equal(ErrorCode.StorageFailed, e.Code);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_keys_are_refused()
    {
        foreach (var key in new[] { "../x", "/abs", "a//b", "a/./b", "" })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => _store.PutBytesAsync(key, [1]));
        }
    }

    [Fact]
    public async Task The_SAS_url_reads_the_blob_and_nothing_else()
    {
        var key = Data.Prefix() + "clip 01.mp4";
        var data = Data.Random(300_001, seed: 6);
        await _store.PutBytesAsync(key, data);
        var url = _store.Url(key, TimeSpan.FromMinutes(10));
        Assert.Contains("sp=r&", url.Query + "&", StringComparison.Ordinal);

        using var http = new HttpClient();
        using (var get = await http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(data, await get.Content.ReadAsByteArrayAsync());
            Assert.Equal("video/mp4", get.Content.Headers.ContentType?.MediaType);
        }

        // writing or deleting through the read-only URL is refused, and the blob is untouched
        using var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent([1, 2, 3]) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        using (var answer = await http.SendAsync(put))
        {
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        }

        using (var answer = await http.DeleteAsync(url))
        {
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        }

        // the URL names this blob only: the same signature on another blob is refused
        var other = Data.Prefix() + "other.mp4";
        await _store.PutBytesAsync(other, [1]);
        var forged = new Uri(url.ToString().Replace(Uri.EscapeDataString("clip 01.mp4"), "other.mp4", StringComparison.Ordinal)
            .Replace(key.Split('/')[0], other.Split('/')[0], StringComparison.Ordinal));
        Assert.NotEqual(url, forged);
        using (var answer = await http.GetAsync(forged))
        {
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        }

        Assert.Equal(data, await _store.GetBytesAsync(key));
    }

    [Fact]
    public async Task The_SAS_url_lives_at_least_its_ttl_and_stops_working_after_it()
    {
        var key = Data.Prefix() + "short.jpg";
        await _store.PutBytesAsync(key, [1, 2, 3, 4]);
        var ttl = TimeSpan.FromSeconds(3);
        var before = DateTimeOffset.UtcNow;
        var url = _store.Url(key, ttl);
        var expires = DateTimeOffset.Parse(HttpUtility.ParseQueryString(url.Query)["se"]!, CultureInfo.InvariantCulture);
        Assert.True(expires >= before.Add(ttl).AddSeconds(-0.001), $"expires {expires:O}, asked for {before.Add(ttl):O}");
        Assert.True(expires <= before.Add(ttl).AddSeconds(2), $"expires {expires:O}, asked for {before.Add(ttl):O}");

        using var http = new HttpClient();
        using (var fresh = await http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        var wait = expires - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1.5);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        using var stale = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, stale.StatusCode);
    }

    [Fact]
    public async Task A_reader_never_sees_a_partial_blob_while_a_40_MB_file_uploads_or_is_overwritten()
    {
        var key = Data.Prefix() + "atomic.mp4";
        var first = await Data.FileAsync(_dir, "first.bin", 40 * MiB, seed: 7);
        var second = await Data.FileAsync(_dir, "second.bin", 40 * MiB - 777, seed: 8);
        var firstHash = Data.HashFile(first);
        var secondHash = Data.HashFile(second);
        var log = TestContext.Current.TestOutputHelper;

        // 1. a new blob: missing until complete, for Exists + GetBytes, List and Download alike
        var seen = await WatchWhileAsync(key, () => _store.PutFileAsync(key, first), allowed: [firstHash], lengths: [40 * MiB]);
        log?.WriteLine($"new blob: {seen}");
        Assert.Equal(0, seen.Partial);
        Assert.True(seen.MissingBefore >= 1 && seen.Complete >= 1, seen.ToString());

        // 2. an overwrite: the old blob or the new one, whole
        seen = await WatchWhileAsync(key, () => _store.PutFileAsync(key, second), allowed: [firstHash, secondHash], lengths: [40 * MiB, (40 * MiB) - 777]);
        log?.WriteLine($"overwrite: {seen}");
        Assert.Equal(0, seen.Partial);
        Assert.Equal(0, seen.Missing);
        Assert.Equal(secondHash, Data.Hash(await _store.GetBytesAsync(key)));
    }

    private sealed record Seen(int MissingBefore, int Missing, int Complete, int Partial, int WhileWriting, int LengthLooks)
    {
        public override string ToString() =>
            $"{MissingBefore} missing before the write, {Missing} missing in all, {Complete} whole, {Partial} partial; " +
            $"{WhileWriting} content looks and {LengthLooks} length looks during the write";
    }

    /// <summary>
    /// Looks at the blob in a loop (Exists then GetBytes, List, Download) from before <paramref name="write"/>
    /// starts until after it ends; every blob seen must be whole, one of <paramref name="allowed"/>. A second, cheap
    /// loop asks the service for the blob's length, which must be missing or one of <paramref name="lengths"/>.
    /// </summary>
    private async Task<Seen> WatchWhileAsync(string key, Func<Task> write, string[] allowed, long[] lengths)
    {
        int missing = 0, complete = 0, partial = 0, during = 0, round = 0, conflicts = 0;
        var writing = false;
        var done = false;
        var firstLook = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var target = Path.Combine(_dir, "watched.bin");
        var failures = new List<string>();

        void Record(byte[]? data, string how)
        {
            if (data is null)
            {
                missing++;
            }
            else if (allowed.Contains(Data.Hash(data)))
            {
                complete++;
            }
            else
            {
                partial++;
                failures.Add($"{how}: {data.Length} bytes that are not a whole version");
            }
        }

        var watcher = Task.Run(async () =>
        {
            while (true)
            {
                var last = Volatile.Read(ref done);
                if (Volatile.Read(ref writing))
                {
                    during++;
                }

                switch (round++ % 3)
                {
                    case 0:
                        Record(await _store.ExistsAsync(key) ? await _store.GetBytesAsync(key) : null, "exists + get");
                        break;
                    case 1:
                        var listed = (await _store.ListAsync(key)).Contains(key);
                        Record(listed ? await _store.GetBytesAsync(key) : null, "list + get");
                        break;
                    default:
                        try
                        {
                            await _store.DownloadAsync(key, target);
                            Record(await File.ReadAllBytesAsync(target), "download");
                        }
                        catch (ClipperException e) when (e.Code == ErrorCode.SourceNotFound)
                        {
                            Record(null, "download");
                        }
                        catch (ClipperException e) when (e.Code == ErrorCode.StorageFailed && e.Message.Contains("412", StringComparison.Ordinal))
                        {
                            // the blob changed between two ranges of one download: refused (the ranges are pinned to
                            // the first ETag), a retryable failure, and the target was not touched
                            conflicts++;
                        }

                        break;
                }

                firstLook.TrySetResult();
                if (last)
                {
                    return;
                }
            }
        });

        var blob = new BlobContainerClient(azurite.Server.ConnectionString, AzureBlobStore.DefaultContainer).GetBlobClient(key);
        var lengthLooks = 0;
        var badLengths = new List<long>();
        var lengthWatcher = Task.Run(async () =>
        {
            while (!Volatile.Read(ref done))
            {
                try
                {
                    var length = (await blob.GetPropertiesAsync()).Value.ContentLength;
                    if (!lengths.Contains(length))
                    {
                        badLengths.Add(length);
                    }
                }
                catch (global::Azure.RequestFailedException e) when (e.Status == 404)
                {
                    // not there yet
                }

                if (Volatile.Read(ref writing))
                {
                    lengthLooks++;
                }
            }
        });

        await firstLook.Task;
        var missingBefore = missing;
        Volatile.Write(ref writing, true);
        var clock = Stopwatch.StartNew();
        await write();
        Volatile.Write(ref writing, false);
        Volatile.Write(ref done, true);
        await watcher;
        await lengthWatcher;
        Assert.True(badLengths.Count == 0, $"partial lengths seen: {string.Join(", ", badLengths)}");
        TestContext.Current.TestOutputHelper?.WriteLine($"write took {clock.Elapsed.TotalSeconds:0.0} s; {conflicts} downloads refused as the blob changed under them");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        return new Seen(missingBefore, missing, complete, partial, during, lengthLooks);
    }
}
