using System.Globalization;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Clipper.Gateway;
using Clipper.TestSupport;
using Grpc.Core;
using Npgsql;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Cluster.Tests;

/// <summary>
/// Real services on 127.0.0.1 for a cluster: redis-server, Azurite and a fresh PostgreSQL database (the test role
/// scripts/setup.sh --tests creates), and the environment a `clipper serve` needs to join them.
/// </summary>
public sealed partial class ClusterServices : IAsyncDisposable
{
    public const string PostgresAdmin = "Host=127.0.0.1;Port=5432;Username=clipper_test;Password=clipper_test;Database=postgres";

    private ClusterServices(RedisServer redis, AzuriteServer azurite, string database)
    {
        Redis = redis;
        Azurite = azurite;
        Database = database;
        Postgres = $"Host=127.0.0.1;Port=5432;Username=clipper_test;Password=clipper_test;Database={database}";
    }

    public RedisServer Redis { get; }

    public AzuriteServer Azurite { get; }

    public string Database { get; }

    public string Postgres { get; }

    public static async Task<ClusterServices> StartAsync(string name)
    {
        var database = $"clipper_{name}_{Guid.NewGuid().ToString("N")[..8]}";
        await using (var admin = new NpgsqlConnection(PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var redis = await RedisServer.StartAsync();
        var azurite = await AzuriteServer.StartAsync();
        return new ClusterServices(redis, azurite, database);
    }

    /// <summary>
    /// The cluster profile's environment, plus quick retries and a quick janitor for tests, and 20 s chunks of audio (the
    /// 78 s test talk is heard as four chunk units spread over the silos).
    /// </summary>
    public Dictionary<string, string> Environment(string clusterId) => new()
    {
        ["CLIPPER_REDIS"] = Redis.ConnectionString,
        ["CLIPPER_POSTGRES"] = Postgres,
        ["CLIPPER_BLOB"] = Azurite.ConnectionString,
        ["CLIPPER_CLUSTER_ID"] = clusterId,
        ["CLIPPER_ASSETS"] = Clipper.Core.Samples.Assets.Dir(),
        ["Clipper__Job__RetryBase"] = "00:00:01",
        ["Clipper__Job__WatchInterval"] = "00:00:02",
        ["Clipper__WorkMaxAge"] = "00:00:20",
        ["Clipper__JanitorInterval"] = "00:00:05",
        ["Clipper__Transcribe__ChunkSeconds"] = "20",
    };

    public BlobContainerClient Container => new BlobServiceClient(Azurite.ConnectionString).GetBlobContainerClient("clipper");

    /// <summary>Blob names under a prefix; with <paramref name="uncommitted"/> also blobs that exist only as uncommitted blocks.</summary>
    public async Task<List<string>> BlobsAsync(string prefix, bool uncommitted = false)
    {
        var names = new List<string>();
        await foreach (var b in Container.GetBlobsAsync(new GetBlobsOptions
        {
            Prefix = prefix,
            States = uncommitted ? BlobStates.Uncommitted : BlobStates.None,
        }))
        {
            names.Add(b.Name);
        }

        return names;
    }

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Azurite.DisposeAsync();
        try
        {
            await using var admin = new NpgsqlConnection(PostgresAdmin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // left for the next machine reset; it holds only test jobs
        }
    }
}

/// <summary>Three silos on <see cref="ClusterServices"/>, and what the tests ask of them.</summary>
public sealed class ClusterRig : IAsyncLifetime
{
    public ClusterServices Services { get; private set; } = null!;

    public List<SiloProcess> Silos { get; } = [];

    public string Root { get; } = TestMedia.TempDir("clipper-cluster");

    public string Source { get; private set; } = "";

    /// <summary>
    /// A rig over services already started, for silos a test starts its own way (added to <see cref="Silos"/>);
    /// disposing it disposes them and the services. Its <see cref="Source"/> is the short talk unless one is given.
    /// </summary>
    public static async Task<ClusterRig> OverAsync(ClusterServices services, string? source = null) =>
        new() { Services = services, Source = source ?? (await TestMedia.ShortTalkAsync()).File };

    public async ValueTask InitializeAsync()
    {
        Source = (await TestMedia.ShortTalkAsync()).File;
        Services = await ClusterServices.StartAsync("rig");
        var env = Services.Environment("rig");
        for (int i = 1; i <= 3; i++)
        {
            Silos.Add(new SiloProcess($"silo{i}", Path.Combine(Root, $"silo{i}"), env));
        }

        // one at a time: the first creates the schema, the others join it
        foreach (var s in Silos)
        {
            await s.StartAsync();
        }

        // a first job puts the source and its transcript in blob storage: later jobs of the same video fetch and
        // transcribe nothing twice
        var warm = await UploadAsync(Silos[0], Small(1));
        var done = await WaitAllAsync([warm], TimeSpan.FromMinutes(8));
        if (done[warm].State != V1.JobState.Completed)
        {
            throw new InvalidOperationException($"the warm-up job ended {done[warm].State}: {done[warm].ErrorCode}: {done[warm].ErrorMessage}\n{Logs()}");
        }
    }

    /// <summary>Starts any silo an earlier test left stopped.</summary>
    public async Task EnsureAllRunningAsync()
    {
        foreach (var s in Silos.Where(s => !s.Running))
        {
            await s.StartAsync();
        }
    }

    /// <summary>Units of every stage running on the silo now (0 when it does not answer).</summary>
    public async Task<double> RunningUnitsAsync(SiloProcess silo)
    {
        var text = await silo.MetricsAsync();
        return text is null ? 0 : new[] { "fetch", "split", "transcribe", "score", "track", "encode" }
            .Sum(stage => Metric(text, "clipper_stage_running", $"stage=\"{stage}\""));
    }

    /// <summary>
    /// Every clip of every job exactly once in blob storage (its video, captions and thumbnail, nothing else beside the
    /// crop paths), no blob left uncommitted, no upload left behind, and each video downloadable through its SAS URL.
    /// </summary>
    public async Task AssertDeliveredAsync(IEnumerable<V1.Job> jobs, ITestOutputHelper output)
    {
        using var http = new HttpClient();
        foreach (var job in jobs)
        {
            Assert.NotEmpty(job.Clips);
            var expected = job.Clips.SelectMany(c => new[] { c.Video.Blob, c.Srt.Blob, c.Vtt.Blob, c.Thumbnail.Blob }).Order().ToList();
            var stored = (await Services.BlobsAsync($"jobs/{job.JobId}/")).Where(b => !b.Contains("/crop/", StringComparison.Ordinal)).Order().ToList();
            Assert.Equal(expected, stored);
            Assert.Equal(job.Clips.Count, stored.Count(b => b.EndsWith(".mp4", StringComparison.Ordinal)));
            foreach (var clip in job.Clips)
            {
                Assert.Contains("sig=", clip.Video.Url);
                Assert.True(clip.Video.ExpiresAtUnixMs > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                var bytes = await http.GetByteArrayAsync(clip.Video.Url);
                var props = await Services.Container.GetBlobClient(clip.Video.Blob).GetPropertiesAsync();
                Assert.Equal(props.Value.ContentLength, bytes.Length);
                Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString(bytes, 4, 4));
            }

            // the pages' captions track comes from the silo's own origin; the video is a redirect to a SAS URL
            var web = AnyRunning.Web;
            var vtt = await web.GetStringAsync($"/files/{job.Clips[0].Vtt.Blob}");
            Assert.StartsWith("WEBVTT", vtt);
            using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = web.BaseAddress };
            foreach (var (name, values) in web.DefaultRequestHeaders)
            {
                noRedirect.DefaultRequestHeaders.TryAddWithoutValidation(name, values);
            }

            using var video = await noRedirect.GetAsync($"/files/{job.Clips[0].Video.Blob}");
            Assert.Equal(System.Net.HttpStatusCode.Redirect, video.StatusCode);
            Assert.Contains("sig=", video.Headers.Location!.Query);
        }

        var committed = await Services.BlobsAsync("");
        var all = await Services.BlobsAsync("", uncommitted: true);
        Assert.Empty(all.Except(committed));
        Assert.DoesNotContain(committed, b => b.StartsWith("uploads/", StringComparison.Ordinal));
        output.WriteLine($"{committed.Count} blobs, none uncommitted, no upload left");
    }

    /// <summary>Waits (up to a minute: the janitor's age limit is 20 s here) until no silo keeps a job's work directory.</summary>
    public async Task AssertNoOrphanWorkAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        List<string> left;
        do
        {
            left = Silos.SelectMany(s =>
            {
                var work = Path.Combine(s.Home, "work");
                return Directory.Exists(work) ? Directory.EnumerateDirectories(work).Where(d => Path.GetFileName(d) != "cache") : [];
            }).ToList();
            if (left.Count == 0)
            {
                return;
            }

            await Task.Delay(1000);
        }
        while (clock.Elapsed < TimeSpan.FromMinutes(1));

        Assert.Fail($"work directories left: {string.Join(", ", left)}");
    }

    public SiloProcess AnyRunning => Silos.FirstOrDefault(s => s.Running) ?? throw new InvalidOperationException("no silo runs");

    /// <summary>The clip options the cluster tests use: small output (the encode is cheap), short clips.</summary>
    public static V1.ClipOptions Small(int clips) => new() { MaxClips = clips, MinSeconds = 15, MaxSeconds = 25, Width = 360, Height = 640 };

    public Task<string> UploadAsync(SiloProcess silo, V1.ClipOptions options) => silo.UploadAsync(Source, options);

    /// <summary>Uploads the source <paramref name="count"/> times at once, spread over the silos round robin.</summary>
    public async Task<List<string>> UploadManyAsync(int count, V1.ClipOptions options) =>
        (await Task.WhenAll(Enumerable.Range(0, count).Select(i => UploadAsync(Silos[i % Silos.Count], options)))).ToList();

    /// <summary>The job as any running silo sees it (silos come and go in these tests).</summary>
    public async Task<V1.Job?> GetAsync(string jobId)
    {
        foreach (var s in Silos.Where(s => s.Running))
        {
            try
            {
                return await s.Client.GetJobAsync(new V1.GetJobRequest { JobId = jobId }, deadline: DateTime.UtcNow.AddSeconds(10));
            }
            catch (RpcException)
            {
                // that silo is going away; ask another
            }
        }

        return null;
    }

    /// <summary>Waits until every job is terminal; returns them.</summary>
    public async Task<Dictionary<string, V1.Job>> WaitAllAsync(IReadOnlyCollection<string> jobIds, TimeSpan timeout, Func<Task>? tick = null)
    {
        var done = new Dictionary<string, V1.Job>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (done.Count < jobIds.Count)
        {
            foreach (var id in jobIds.Where(id => !done.ContainsKey(id)))
            {
                var job = await GetAsync(id);
                if (job is { State: V1.JobState.Completed or V1.JobState.Failed or V1.JobState.Cancelled })
                {
                    done[id] = job;
                }
            }

            if (clock.Elapsed > timeout)
            {
                var pending = jobIds.Where(id => !done.ContainsKey(id)).ToList();
                var views = new List<string>();
                foreach (var id in pending)
                {
                    try
                    {
                        views.Add(await AnyRunning.Web.GetStringAsync($"/api/jobs/{id}"));
                    }
                    catch (HttpRequestException e)
                    {
                        views.Add($"{id}: {e.Message}");
                    }
                }

                var about = string.Join('\n', LogLines().Where(l => pending.Any(id => l.Line.Contains(id, StringComparison.Ordinal)))
                    .OrderBy(l => l.At).Select(l => $"{l.Silo} {l.Line}"));
                throw new TimeoutException($"jobs not finished after {timeout.TotalMinutes:0} min: {string.Join(", ", pending)}\n"
                    + $"{string.Join('\n', views)}\n{about}\n{Logs()}");
            }

            if (tick is not null)
            {
                await tick();
            }

            await Task.Delay(500);
        }

        return done;
    }

    /// <summary>A gauge or counter of one silo's /metrics with these labels (0 when absent).</summary>
    public static double Metric(string text, string name, string labels)
    {
        var m = Regex.Match(text, $@"^{Regex.Escape(name)}\{{{Regex.Escape(labels)}\}} (\S+)$", RegexOptions.Multiline);
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Every silo's log lines (the file logger's, all runs), for searching and for failure messages.</summary>
    public IEnumerable<(string Silo, DateTime At, string Line)> LogLines()
    {
        foreach (var s in Silos)
        {
            var file = Path.Combine(s.Home, "logs", "clipper.log");
            if (!File.Exists(file))
            {
                continue;
            }

            using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                if (line.Length > 23 && DateTime.TryParseExact(line[..23], "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
                {
                    yield return (s.Name, at, line);
                }
            }
        }
    }

    public string Logs(int last = 40) =>
        string.Join('\n', LogLines().OrderBy(l => l.At).TakeLast(last).Select(l => $"{l.Silo} {l.Line}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var s in Silos)
        {
            await s.DisposeAsync();
        }

        await Services.DisposeAsync();
        // the silos' homes (logs, serve output) are kept with the test results
        var keep = Path.Combine(AppContext.BaseDirectory, "TestResults", "cluster");
        Directory.CreateDirectory(keep);
        foreach (var s in Silos)
        {
            foreach (var f in Directory.EnumerateFiles(s.Home, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".out", StringComparison.Ordinal) || f.EndsWith(".log", StringComparison.Ordinal)))
            {
                File.Copy(f, Path.Combine(keep, $"{s.Name}-{Path.GetFileName(f)}"), overwrite: true);
            }
        }
    }
}
