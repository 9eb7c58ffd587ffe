using Clipper.Abstractions.Jobs;
using Clipper.Grains;
using Clipper.Grains.Stages;
using Clipper.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Clipper.Grains.Tests;

/// <summary>
/// An in-process Orleans cluster of real silos running Clipper's grains and stages on a shared home (blob
/// directory, work directory) and a shared SQLite file or PostgreSQL database. Short timings so retries,
/// liveness checks and reminders happen within a test.
/// </summary>
public sealed class JobCluster : IAsyncDisposable
{
    private JobCluster(InProcessTestCluster cluster, string home)
    {
        Cluster = cluster;
        Home = home;
    }

    public InProcessTestCluster Cluster { get; }

    public string Home { get; }

    public IGrainFactory Grains => Cluster.Client;

    public string BlobDir => Path.Combine(Home, "blobs");

    public static async Task<JobCluster> StartAsync(short silos, string home, StorageOptions? storage = null,
        IDictionary<string, string?>? settings = null, Action<ISiloBuilder>? configure = null)
    {
        storage ??= new StorageOptions { Provider = StorageOptions.Sqlite, SqlitePath = Path.Combine(home, "db", "clipper.db") };
        if (storage.SqlitePath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(storage.SqlitePath)!);
        }

        var values = new Dictionary<string, string?>
        {
            ["Clipper:Home"] = home,
            ["Clipper:FaceModel"] = Clipper.Core.Samples.Assets.FaceModel(),
            ["Clipper:Job:WatchInterval"] = "00:00:01",
            ["Clipper:Job:ReminderPeriod"] = "00:00:05",
            ["Clipper:Job:RetryBase"] = "00:00:01",
            ["Clipper:Fetch:AllowPrivateAddresses"] = "true",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            values[k] = v;
        }

        var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var builder = new InProcessTestClusterBuilder(silos);
        // rows are keyed by the service id: a cluster started later on the same database must use the same one
        builder.Options.ServiceId = "clipper-test";
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddClipperStages(config);
            silo.AddClipperStorage(storage, "jobs");
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            configure?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new JobCluster(cluster, home);
    }

    public StageExecutor Executor(InProcessSiloHandle silo) =>
        Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<StageExecutor>();

    /// <summary>Asks the job until <paramref name="done"/> holds; throws with what it last saw after <paramref name="timeout"/>.</summary>
    public async Task<JobView> WaitAsync(string jobId, Func<JobView, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JobView? v = null;
        while (DateTime.UtcNow < deadline)
        {
            v = await Grains.GetGrain<IVideoJobGrain>(jobId).Get();
            if (v is not null && done(v))
            {
                return v;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"job {jobId} did not get there in {timeout}: {v?.Status} {v?.Percent:0}% error {v?.Error}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.StopAllSilosAsync();
        }
        finally
        {
            await Cluster.DisposeAsync();
        }
    }
}
