using System.Collections.Concurrent;
using System.Data.Common;
using Npgsql;

namespace Clipper.Persistence.Tests.Fixtures;

/// <summary>
/// Fresh PostgreSQL databases with random names on the local server (role clipper_test, which may create
/// databases), dropped at the end. CLIPPER_TEST_POSTGRES overrides the server's connection string.
/// </summary>
public sealed class PostgresFixture : StorageFixture
{
    private static readonly string Server = Environment.GetEnvironmentVariable("CLIPPER_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=clipper_test;Password=clipper_test;Database=postgres";

    private readonly ConcurrentBag<string> _databases = [];

    public override async Task<StorageOptions> NewTargetAsync()
    {
        var name = "clipper_persist_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteOnServerAsync($"CREATE DATABASE {name}");
        _databases.Add(name);
        var connectionString = new NpgsqlConnectionStringBuilder(Server) { Database = name }.ToString();
        return new StorageOptions { Provider = StorageOptions.Postgres, PostgresConnectionString = connectionString };
    }

    public override DbConnection Connect(StorageOptions options) => new NpgsqlConnection(options.PostgresConnectionString);

    protected override async Task DropTargetsAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var name in _databases)
        {
            await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    private static async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
