using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Clipper.Persistence.Tests.Fixtures;

/// <summary>
/// One database (a SQLite file or a fresh PostgreSQL database) with the schema installed, and a one-silo
/// in-process cluster on it that a test collection shares. Tests that restart a cluster start their own
/// with <see cref="StartClusterAsync"/> and another ServiceId, so the shared cluster never sees their rows.
/// </summary>
public abstract class StorageFixture : IAsyncLifetime
{
    /// <summary>The grain storage name the test grains use (the lead's job grain uses the same).</summary>
    public const string Jobs = "jobs";

    /// <summary>A second ADO.NET storage on the same database with DeleteStateOnClear on.</summary>
    public const string Deleting = "deleting";

    private InProcessTestCluster? _cluster;
    private StorageOptions? _options;

    public StorageOptions Options => _options ?? throw new InvalidOperationException("fixture not started");

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("fixture not started");

    public string ServiceId { get; } = "clipper-test-" + Guid.NewGuid().ToString("N")[..8];

    public IServiceProvider Services => Cluster.GetSiloServiceProvider();

    public IGrainStorage Storage(string name = Jobs) => Services.GetRequiredKeyedService<IGrainStorage>(name);

    public IReminderTable Reminders => Services.GetRequiredService<IReminderTable>();

    /// <summary>Creates a new, empty database and returns options that point at it.</summary>
    public abstract Task<StorageOptions> NewTargetAsync();

    /// <summary>A raw connection, for checking what the providers wrote.</summary>
    public abstract DbConnection Connect(StorageOptions options);

    public async ValueTask InitializeAsync()
    {
        _options = await NewTargetAsync();
        await ClipperStorage.EnsureSchemaAsync(_options, CancellationToken.None);
        _cluster = await StartClusterAsync(_options, ServiceId);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await DropTargetsAsync();
        GC.SuppressFinalize(this);
    }

    protected abstract Task DropTargetsAsync();

    public static async Task<InProcessTestCluster> StartClusterAsync(StorageOptions options, string serviceId)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddClipperStorage(options, Jobs);
            var (invariant, connectionString) = ClipperStorage.Connection(options);
            silo.AddAdoNetGrainStorage(Deleting, (AdoNetGrainStorageOptions o) =>
            {
                o.Invariant = invariant;
                o.ConnectionString = connectionString;
                o.DeleteStateOnClear = true;
            });

            // Orleans' floor is one minute; a second keeps the firing tests short. A short refresh makes a
            // restarted silo load the reminders it finds in the table within seconds.
            silo.Configure<ReminderOptions>(o =>
            {
                o.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
                o.RefreshReminderListPeriod = TimeSpan.FromSeconds(2);
            });
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters) =>
        ScalarAsync(Options, sql, parameters);

    public async Task<long> CountAsync(string sql, params (string Name, object? Value)[] parameters) =>
        Convert.ToInt64(await ScalarAsync(Options, sql, parameters));

    private static System.Data.Common.DbCommand Command(System.Data.Common.DbConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public async Task<object?> ScalarAsync(StorageOptions options, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = Connect(options);
        await connection.OpenAsync();
        await using var command = Command(connection, sql, parameters);

        var result = await command.ExecuteScalarAsync();
        return result is DBNull ? null : result;
    }

    public async Task<List<object?[]>> RowsAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = Connect(Options);
        await connection.OpenAsync();
        await using var command = Command(connection, sql, parameters);

        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
