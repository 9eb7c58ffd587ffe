using Microsoft.Data.Sqlite;

namespace Clipper.Persistence.Schema;

/// <summary>Creates the SQLite file, its tables and its OrleansQuery rows.</summary>
internal static class SqliteSchema
{
    public static string ConnectionString(StorageOptions options) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.GetFullPath(options.SqlitePath!),
        Mode = SqliteOpenMode.ReadWriteCreate,
        DefaultTimeout = options.SqliteBusyTimeoutSeconds,
        Pooling = true,
    }.ToString();

    public static async Task EnsureAsync(StorageOptions options, CancellationToken ct)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(options.SqlitePath!));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var scripts = SqlScripts.For(StorageKind.Sqlite);
        await using var connection = new SqliteConnection(ConnectionString(options));
        await connection.OpenAsync(ct);

        // WAL is a property of the file, so setting it once is enough. In the default rollback journal
        // concurrent writers fail with "database is locked" now and then even with a busy timeout;
        // in WAL they queue for the one write lock and readers never block them.
        var mode = await ScalarAsync(connection, "PRAGMA journal_mode;", ct);
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            mode = await ScalarAsync(connection, "PRAGMA journal_mode=WAL;", ct);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite file {options.SqlitePath} refused WAL mode (journal mode is {mode}).");
            }
        }

        // BEGIN IMMEDIATE takes the write lock up front, so silos or processes starting together
        // install the schema one after another (each waits up to the busy timeout) instead of
        // failing halfway through a deferred transaction.
        await ExecuteAsync(connection, "BEGIN IMMEDIATE;", ct);
        try
        {
            await ExecuteAsync(connection, scripts.Schema, ct);
            foreach (var (key, text) in scripts.Queries)
            {
                await using var upsert = connection.CreateCommand();
                upsert.CommandText =
                    "INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@key, @text) " +
                    "ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;";
                upsert.Parameters.AddWithValue("@key", key);
                upsert.Parameters.AddWithValue("@text", text);
                await upsert.ExecuteNonQueryAsync(ct);
            }

            await ExecuteAsync(connection, "COMMIT;", ct);
        }
        catch
        {
            await RollbackQuietlyAsync(connection);
            throw;
        }
    }

    // SQLite may already have rolled back (on some errors it does so itself); the first error is the one to report.
    private static async Task RollbackQuietlyAsync(SqliteConnection connection)
    {
        try
        {
            await ExecuteAsync(connection, "ROLLBACK;", CancellationToken.None);
        }
        catch (SqliteException)
        {
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<string?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync(ct))?.ToString();
    }
}
