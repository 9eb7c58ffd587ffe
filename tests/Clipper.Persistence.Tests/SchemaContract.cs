using Clipper.Persistence.Tests.Fixtures;
using Clipper.Persistence.Tests.Grains;
using Clipper.TestSupport;

namespace Clipper.Persistence.Tests;

/// <summary>Schema installation and restarts on the same database, on SQLite and PostgreSQL.</summary>
public abstract class SchemaContract<TFixture>(TFixture fixture) where TFixture : StorageFixture
{
    private static readonly string[] QueryKeys =
    [
        "ClearStorageKey", "DeleteReminderRowKey", "DeleteReminderRowsKey", "DeleteStorageKey",
        "ReadFromStorageKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey",
        "ReadReminderRowsKey", "UpsertReminderRowKey", "WriteToStorageKey",
    ];

    protected TFixture Fixture { get; } = fixture;

    [Fact]
    public async Task EnsureSchemaRunsConcurrentlyAndRepeatedlyOnAnEmptyDatabase()
    {
        var target = await Fixture.NewTargetAsync();
        var ct = TestContext.Current.CancellationToken;

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => ClipperStorage.EnsureSchemaAsync(target, ct), ct)));
        await ClipperStorage.EnsureSchemaAsync(target, ct);
        await ClipperStorage.EnsureSchemaAsync(target, ct);

        foreach (var key in QueryKeys)
        {
            Assert.Equal(1L, Convert.ToInt64(await Fixture.ScalarAsync(target, "SELECT count(*) FROM OrleansQuery WHERE QueryKey = @key", ("@key", key))));
        }

        Assert.Equal(QueryKeys.Length, Convert.ToInt64(await Fixture.ScalarAsync(target, "SELECT count(*) FROM OrleansQuery")));
        Assert.Equal(0L, Convert.ToInt64(await Fixture.ScalarAsync(target, "SELECT count(*) FROM clipper_grain_state")));
        Assert.Equal(0L, Convert.ToInt64(await Fixture.ScalarAsync(target, "SELECT count(*) FROM clipper_reminder")));
        if (!target.IsPostgres)
        {
            Assert.Equal("wal", await Fixture.ScalarAsync(target, "PRAGMA journal_mode"));
        }
    }

    [Fact]
    public async Task StateAndRemindersSurviveANewClusterOnTheSameDatabase()
    {
        // A database nobody has installed the schema on: the silo does it as it starts.
        var target = await Fixture.NewTargetAsync();
        var serviceId = "restart-" + Guid.NewGuid().ToString("N")[..8];
        var key = "restart-" + Guid.NewGuid().ToString("N");

        var first = await StorageFixture.StartClusterAsync(target, serviceId);
        try
        {
            await first.Client.GetGrain<INoteGrain>(key).Write("before the restart");
            await first.Client.GetGrain<IAlarmGrain>(key).Register("wake", TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2));
            await first.Client.GetGrain<IAlarmGrain>(key).Register("later", TimeSpan.FromHours(2), TimeSpan.FromHours(2));
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }

        var second = await StorageFixture.StartClusterAsync(target, serviceId);
        try
        {
            var note = second.Client.GetGrain<INoteGrain>(key);
            Assert.Equal("before the restart", (await note.Read()).Text);
            Assert.Equal(1, (await note.Read()).Writes);

            var alarm = second.Client.GetGrain<IAlarmGrain>(key);
            Assert.Equal(["later", "wake"], await alarm.Names());
            await Wait.Until(async () => await alarm.Ticks("wake") >= 1, TimeSpan.FromSeconds(30));
            Assert.Equal(0, await alarm.Ticks("later"));
            await alarm.Unregister("wake");
            await alarm.Unregister("later");
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    [Fact]
    public void OptionsNameWhatIsWrong()
    {
        Assert.Contains("SqlitePath", Assert.Throws<ArgumentException>(() => new StorageOptions().Validate()).Message);
        Assert.Contains("PostgresConnectionString", Assert.Throws<ArgumentException>(
            () => new StorageOptions { Provider = "postgres" }.Validate()).Message);
        Assert.Contains("Provider", Assert.Throws<ArgumentException>(
            () => new StorageOptions { Provider = "mysql", SqlitePath = "x.db" }.Validate()).Message);
        Assert.Equal(ClipperStorage.SqliteInvariant, ClipperStorage.Connection(new StorageOptions { SqlitePath = "x.db" }).Invariant);
        Assert.StartsWith("Data Source=", ClipperStorage.Connection(new StorageOptions { SqlitePath = "x.db" }).ConnectionString);

        // a silo's pool stays well below PostgreSQL's default 100 connections, unless the string says otherwise
        var postgres = new StorageOptions { Provider = "postgres", PostgresConnectionString = "Host=db;Username=u;Password=p" };
        Assert.Equal(ClipperStorage.PostgresInvariant, ClipperStorage.Connection(postgres).Invariant);
        Assert.Contains("Maximum Pool Size=20", ClipperStorage.Connection(postgres).ConnectionString);
        postgres.PostgresConnectionString = "Host=db;Username=u;Password=p;Max Pool Size=5";
        Assert.Equal(postgres.PostgresConnectionString, ClipperStorage.Connection(postgres).ConnectionString);
    }
}
