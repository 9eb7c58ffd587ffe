using System.Data.Common;
using Npgsql;

namespace Clipper.Persistence.Schema;

/// <summary>Creates the PostgreSQL tables and OrleansQuery rows in an existing database.</summary>
internal static class PostgresSchema
{
    /// <summary>
    /// The advisory lock that serialises schema installs across silos; any fixed number works as long
    /// as nothing else in the database uses it ("Clipper" in ASCII).
    /// </summary>
    private const long SchemaLockKey = 0x436C6970706572;

    private static readonly string[] PoolSizeKeywords = ["Maximum Pool Size", "Max Pool Size", "MaxPoolSize"];

    /// <summary>The configured connection string, with <see cref="StorageOptions.PostgresMaxPoolSize"/> unless it sets a pool size.</summary>
    public static string ConnectionString(StorageOptions options)
    {
        var raw = new DbConnectionStringBuilder { ConnectionString = options.PostgresConnectionString };
        if (raw.Keys.Cast<string>().Any(k => PoolSizeKeywords.Contains(k.Trim(), StringComparer.OrdinalIgnoreCase)))
        {
            return options.PostgresConnectionString!;
        }

        return new NpgsqlConnectionStringBuilder(options.PostgresConnectionString) { MaxPoolSize = options.PostgresMaxPoolSize }.ToString();
    }

    public static async Task EnsureAsync(StorageOptions options, CancellationToken ct)
    {
        var scripts = SqlScripts.For(StorageKind.Postgres);
        await using var connection = new NpgsqlConnection(ConnectionString(options));
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        // Concurrent CREATE TABLE IF NOT EXISTS can still fail on the catalog's unique index; the
        // transaction-scoped lock makes silos that start together take turns, and commit releases it.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key);", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", SchemaLockKey);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        await using (var schema = new NpgsqlCommand(scripts.Schema, connection, transaction))
        {
            await schema.ExecuteNonQueryAsync(ct);
        }

        foreach (var (key, text) in scripts.Queries)
        {
            await using var upsert = new NpgsqlCommand(
                "INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@key, @text) " +
                "ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;",
                connection,
                transaction);
            upsert.Parameters.AddWithValue("key", key);
            upsert.Parameters.AddWithValue("text", text);
            await upsert.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }
}
