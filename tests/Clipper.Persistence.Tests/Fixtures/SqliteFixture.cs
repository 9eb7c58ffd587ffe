using System.Data.Common;
using Clipper.TestSupport;
using Microsoft.Data.Sqlite;

namespace Clipper.Persistence.Tests.Fixtures;

/// <summary>SQLite files in a temporary directory, deleted at the end.</summary>
public sealed class SqliteFixture : StorageFixture
{
    private readonly string _dir = TestMedia.TempDir("clipper-persistence");
    private int _targets;

    public override Task<StorageOptions> NewTargetAsync()
    {
        var n = Interlocked.Increment(ref _targets);
        return Task.FromResult(new StorageOptions
        {
            Provider = StorageOptions.Sqlite,
            SqlitePath = Path.Combine(_dir, $"db{n}", "clipper.db"),
        });
    }

    public override DbConnection Connect(StorageOptions options) => new SqliteConnection($"Data Source={options.SqlitePath}");

    protected override Task DropTargetsAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}
