using Clipper.Abstractions.Jobs;
using Clipper.Persistence;
using Clipper.TestSupport;
using Npgsql;

namespace Clipper.Grains.Tests;

/// <summary>
/// The cluster profile's storage: a job end to end on a real PostgreSQL (started by ./clipper test), in a
/// database of its own that the test creates and drops.
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "media")]
[Trait("Category", "external")]
public sealed class PostgresJobTests : IAsyncLifetime
{
    private const string Admin = "Host=127.0.0.1;Port=5432;Username=clipper_test;Password=clipper_test;Database=postgres";
    private readonly string _database = $"clipper_grains_{Guid.NewGuid():N}"[..30];
    private readonly string _home = TestMedia.TempDir("pg-home");

    private string ConnectionString => $"Host=127.0.0.1;Port=5432;Username=clipper_test;Password=clipper_test;Database={_database}";

    public async ValueTask InitializeAsync()
    {
        await using var c = new NpgsqlConnection(Admin);
        await c.OpenAsync();
        await new NpgsqlCommand($"CREATE DATABASE {_database}", c).ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var c = new NpgsqlConnection(Admin);
        await c.OpenAsync();
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", c).ExecuteNonQueryAsync();
        Directory.Delete(_home, true);
    }

    [Fact]
    public async Task AJobCompletesOnPostgresAndANewSiloRecoversTheSameState()
    {
        var storage = new StorageOptions { Provider = StorageOptions.Postgres, PostgresConnectionString = ConnectionString };
        var id = Jobs.NewId("pg");
        JobView done;
        await using (var cluster = await JobCluster.StartAsync(1, _home, storage))
        {
            await cluster.Grains.GetGrain<IVideoJobGrain>(id).Submit(await Jobs.ShortTalkAsync(Jobs.Small with { MaxClips = 2 }));
            // while it runs, its reminder is a row in the reminder table
            await cluster.WaitAsync(id, v => v.Status is JobStatus.Transcribing or JobStatus.Scoring or JobStatus.Tracking, TimeSpan.FromMinutes(2));
            Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM clipper_reminder WHERE grain_id LIKE '%{id}%'"));
            done = await cluster.WaitAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(4));
            Assert.Equal(JobStatus.Completed, done.Status);
        }

        // its state is a row of the grain state table; the finished job removed its reminder
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM clipper_grain_state WHERE key_string LIKE '%{id}%' AND payload IS NOT NULL"));
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM clipper_reminder WHERE grain_id LIKE '%{id}%'"));

        await using (var again = await JobCluster.StartAsync(1, _home, storage))
        {
            var v = (await again.Grains.GetGrain<IVideoJobGrain>(id).Get())!;
            Assert.Equal(JobStatus.Completed, v.Status);
            Assert.Equal(done.Clips, v.Clips);
            Assert.Equal(done.Encoded, v.Encoded);
            Assert.Equal(done.WorkedOn, v.WorkedOn);
            Assert.Equal(done.StageStartedAt, v.StageStartedAt);
        }
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        return Convert.ToInt64(await new NpgsqlCommand(sql, c).ExecuteScalarAsync());
    }
}
