using System.Reflection;

namespace Clipper.Persistence.Schema;

/// <summary>
/// The SQL embedded in this assembly for one dialect: <c>Sql/&lt;dialect&gt;/schema.sql</c> (the DDL) and one
/// <c>Sql/&lt;dialect&gt;/&lt;QueryKey&gt;.sql</c> per OrleansQuery row.
/// </summary>
internal sealed class SqlScripts
{
    /// <summary>The keys Orleans' grain storage provider reads (DeleteStorageKey only with DeleteStateOnClear).</summary>
    public static readonly IReadOnlyList<string> StorageKeys =
        ["WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey"];

    /// <summary>The keys Orleans' reminder table requires; it refuses to start when any is missing.</summary>
    public static readonly IReadOnlyList<string> ReminderKeys =
    [
        "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    private const string SchemaName = "schema";

    private SqlScripts(string schema, IReadOnlyDictionary<string, string> queries)
    {
        Schema = schema;
        Queries = queries;
    }

    /// <summary>The DDL, safe to run again on an existing database.</summary>
    public string Schema { get; }

    /// <summary>QueryKey → QueryText for the OrleansQuery table.</summary>
    public IReadOnlyDictionary<string, string> Queries { get; }

    public static SqlScripts For(StorageKind kind)
    {
        var dialect = kind == StorageKind.Postgres ? "postgres" : "sqlite";
        var assembly = typeof(SqlScripts).Assembly;
        var prefix = $"Clipper.Persistence.Sql.{dialect}/";
        string? schema = null;
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[prefix.Length..^".sql".Length];
            var text = Read(assembly, resource);
            if (name == SchemaName)
            {
                schema = text;
            }
            else
            {
                queries[name] = text;
            }
        }

        var missing = StorageKeys.Concat(ReminderKeys).Where(k => !queries.ContainsKey(k)).ToList();
        if (schema is null || missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The embedded {dialect} SQL is incomplete (schema: {(schema is null ? "missing" : "present")}, missing queries: {string.Join(", ", missing)}).");
        }

        return new SqlScripts(schema, queries);
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded resource {resource} cannot be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
