using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Clipper.Persistence.Schema;

/// <summary>
/// The connections Orleans' providers use for a SQLite file, one at a time per silo.
/// </summary>
/// <remarks>
/// SQLite has a single writer. Left alone, concurrent grain writes in one process collide on its lock and
/// Microsoft.Data.Sqlite retries them by sleeping 150 ms on the calling thread, which is an Orleans
/// scheduler thread here (its SQLite calls are synchronous): 400 writes from 200 grains took about 15 s
/// that way. Handing out one open connection at a time, behind an async gate, turns that into a queue that
/// blocks no thread; the gate opens again when Orleans closes the connection (it opens one per operation
/// and never nests them). Other processes on the same file still meet the lock, and wait for it in
/// SQLite's own busy handler, set on every connection.
/// </remarks>
internal sealed class SerializedSqliteDataSource(string connectionString, int busyTimeoutMilliseconds) : DbDataSource
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public override string ConnectionString => connectionString;

    // Unopened connections are not gated: Orleans only creates one to check the provider type.
    protected override DbConnection CreateDbConnection() => new SqliteConnection(connectionString);

    protected override DbConnection OpenDbConnection()
    {
        _gate.Wait();
        return OpenHoldingGate();
    }

    protected override async ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        return OpenHoldingGate();
    }

    private SqliteConnection OpenHoldingGate()
    {
        var released = 0;
        void Release()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                _gate.Release();
            }
        }

        var connection = new SqliteConnection(connectionString);
        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState == ConnectionState.Closed)
            {
                Release();
            }
        };

        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {busyTimeoutMilliseconds};";
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            Release();
            throw;
        }
    }
}
