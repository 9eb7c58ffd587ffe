namespace Clipper.Persistence;

/// <summary>
/// Where Clipper keeps grain state and reminders: a SQLite file (the embedded profile, the default) or a
/// PostgreSQL database (the cluster profile). Bind it from configuration; <see cref="Validate"/> says what
/// is missing.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>The <see cref="Provider"/> value for a SQLite file.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The <see cref="Provider"/> value for a PostgreSQL database.</summary>
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>, case-insensitive.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>The SQLite database file (created with its directory when missing); required for sqlite.</summary>
    public string? SqlitePath { get; set; }

    /// <summary>An Npgsql connection string to an existing database; required for postgres.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// The most PostgreSQL connections one silo process opens (Npgsql's Maximum Pool Size), unless the
    /// connection string sets its own. Npgsql's default of 100 equals PostgreSQL's default max_connections,
    /// so a burst of grain writes on one silo could take every slot on the server.
    /// </summary>
    public int PostgresMaxPoolSize { get; set; } = 20;

    /// <summary>
    /// How long a SQLite statement waits for another writer's lock before failing with "database is
    /// locked" (Microsoft.Data.Sqlite's <c>Default Timeout</c>, which also bounds its busy retries).
    /// </summary>
    public int SqliteBusyTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Whether clearing a grain's state deletes its row (true) or keeps the row with no payload and a new
    /// version (false, Orleans' default).
    /// </summary>
    public bool DeleteStateOnClear { get; set; }

    /// <summary>
    /// Whether <see cref="ClipperStorage.AddClipperStorage"/> also runs <see cref="ClipperStorage.EnsureSchemaAsync"/>
    /// when the silo starts, before the storage and reminder providers read their queries.
    /// </summary>
    public bool EnsureSchemaOnStart { get; set; } = true;

    /// <summary>True for the PostgreSQL provider, false for SQLite.</summary>
    public bool IsPostgres => Kind() == StorageKind.Postgres;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is wrong or missing.</summary>
    public void Validate()
    {
        switch (Kind())
        {
            case StorageKind.Sqlite when string.IsNullOrWhiteSpace(SqlitePath):
                throw new ArgumentException($"{nameof(SqlitePath)} is required when {nameof(Provider)} is '{Sqlite}'.");
            case StorageKind.Postgres when string.IsNullOrWhiteSpace(PostgresConnectionString):
                throw new ArgumentException($"{nameof(PostgresConnectionString)} is required when {nameof(Provider)} is '{Postgres}'.");
        }

        if (PostgresMaxPoolSize < 1)
        {
            throw new ArgumentException($"{nameof(PostgresMaxPoolSize)} must be at least 1.");
        }

        if (SqliteBusyTimeoutSeconds < 0)
        {
            throw new ArgumentException($"{nameof(SqliteBusyTimeoutSeconds)} must not be negative.");
        }
    }

    internal StorageKind Kind() => Provider?.Trim().ToLowerInvariant() switch
    {
        Sqlite => StorageKind.Sqlite,
        Postgres or "postgresql" => StorageKind.Postgres,
        _ => throw new ArgumentException($"{nameof(Provider)} '{Provider}' is unknown: use '{Sqlite}' or '{Postgres}'."),
    };
}
