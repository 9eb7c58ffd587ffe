using Clipper.Persistence.Schema;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Clipper.Persistence;

/// <summary>
/// Orleans grain storage and reminders on Clipper's own SQL schema, through Orleans' ADO.NET providers:
/// a SQLite file embedded, PostgreSQL in a cluster.
/// </summary>
public static class ClipperStorage
{
    /// <summary>The ADO.NET invariant Orleans maps to Microsoft.Data.Sqlite (its own name fails at start).</summary>
    public const string SqliteInvariant = "System.Data.SQLite";

    /// <summary>The ADO.NET invariant Orleans maps to Npgsql.</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>
    /// Creates the tables, indexes and OrleansQuery rows the providers need, when missing, and rewrites the
    /// query rows to this build's text. Idempotent and safe to call from several silos or processes at once:
    /// PostgreSQL serialises callers with an advisory lock, SQLite with BEGIN IMMEDIATE. For SQLite it also
    /// creates the file and its directory and puts the file in WAL mode.
    /// </summary>
    public static Task EnsureSchemaAsync(StorageOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options.Kind() == StorageKind.Postgres
            ? PostgresSchema.EnsureAsync(options, ct)
            : SqliteSchema.EnsureAsync(options, ct);
    }

    /// <summary>
    /// Registers ADO.NET grain storage named <paramref name="storageName"/> (use it as
    /// <c>[PersistentState("state", storageName)]</c>) and the ADO.NET reminder table, both on the database
    /// <paramref name="options"/> names. With <see cref="StorageOptions.EnsureSchemaOnStart"/> the silo runs
    /// <see cref="EnsureSchemaAsync"/> before either provider starts.
    /// </summary>
    /// <remarks>
    /// Rows are keyed by the cluster's ServiceId: keep it fixed across restarts or the silo sees none of the
    /// earlier state and reminders. Rows are also keyed by the persistent-state name and the grain key, not
    /// the grain class, so give each grain class its own state name on a shared storage.
    /// </remarks>
    public static ISiloBuilder AddClipperStorage(this ISiloBuilder silo, StorageOptions options, string storageName = "jobs")
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(storageName);
        options.Validate();

        var (invariant, connectionString) = Connection(options);

        // SQLite: one data source, so storage and reminders share its one-connection-at-a-time gate.
        var sqlite = options.Kind() == StorageKind.Sqlite
            ? new SerializedSqliteDataSource(connectionString, checked(options.SqliteBusyTimeoutSeconds * 1000))
            : null;
        silo.AddAdoNetGrainStorage(storageName, (AdoNetGrainStorageOptions storage) =>
        {
            storage.Invariant = invariant;
            storage.ConnectionString = sqlite is null ? connectionString : null;
            storage.DataSource = sqlite;
            storage.DeleteStateOnClear = options.DeleteStateOnClear;
        });
        silo.UseAdoNetReminderService((AdoNetReminderTableOptions reminders) =>
        {
            reminders.Invariant = invariant;
            reminders.ConnectionString = sqlite is null ? connectionString : null;
            reminders.DataSource = sqlite;
        });

        if (options.EnsureSchemaOnStart)
        {
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(new SchemaOnStart(options));
        }

        return silo;
    }

    /// <summary>The ADO.NET invariant and connection string Orleans' providers get for these options.</summary>
    public static (string Invariant, string ConnectionString) Connection(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options.Kind() == StorageKind.Postgres
            ? (PostgresInvariant, PostgresSchema.ConnectionString(options))
            : (SqliteInvariant, SqliteSchema.ConnectionString(options));
    }
}
