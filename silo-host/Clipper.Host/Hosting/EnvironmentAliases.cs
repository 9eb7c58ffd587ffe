namespace Clipper.Host.Hosting;

/// <summary>
/// The short environment variables the host reads, each standing for configuration keys (the long form,
/// <c>Clipper__Job__MaxAttempts</c>, works for every key). The README's configuration table lists the same.
/// </summary>
public static class EnvironmentAliases
{
    /// <summary>A variable, the key it sets, and how its value becomes configuration entries.</summary>
    public sealed record Alias(string Variable, string Key, Func<string, IEnumerable<KeyValuePair<string, string?>>> Entries);

    public static readonly IReadOnlyList<Alias> All =
    [
        One("CLIPPER_HOME", "Clipper:Home"),
        One("CLIPPER_GRPC", "Clipper:Gateway:Grpc"),
        One("CLIPPER_WEB", "Clipper:Gateway:Web"),
        new("CLIPPER_API_KEYS", "Clipper:Gateway:ApiKeys", v => v
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select((k, i) => Entry($"Clipper:Gateway:ApiKeys:{i}", k))),
        // a connection string also picks the provider
        new("CLIPPER_POSTGRES", "Clipper:Storage:PostgresConnectionString", v =>
            [Entry("Clipper:Storage:Provider", "postgres"), Entry("Clipper:Storage:PostgresConnectionString", v)]),
        One("CLIPPER_REDIS", "Clipper:Cluster:Redis"),
        One("CLIPPER_BLOB", "Clipper:Blob:ConnectionString"),
        One("CLIPPER_CLUSTER_ID", "Clipper:Cluster:Id"),
        One("CLIPPER_SERVICE_ID", "Clipper:Cluster:ServiceId"),
        One("CLIPPER_SILO_ADDRESS", "Clipper:Cluster:Address"),
        One("CLIPPER_SILO_PORT", "Clipper:Cluster:SiloPort"),
        One("CLIPPER_GATEWAY_PORT", "Clipper:Cluster:GatewayPort"),
        One("CLIPPER_YTDLP", "Clipper:Fetch:YtDlp"),
        One("CLIPPER_WEBHOOK_URL", "Clipper:Webhooks:DefaultUrl"),
        One("CLIPPER_WEBHOOK_SECRET", "Clipper:Webhooks:DefaultSecret"),
        One("CLIPPER_OPENAI_API_KEY", "Clipper:OpenAI:ApiKey"),
        One("CLIPPER_OPENAI_BASE_URL", "Clipper:OpenAI:BaseUrl"),
        One("CLIPPER_AZURE_OPENAI_ENDPOINT", "Clipper:OpenAI:AzureEndpoint"),
        One("CLIPPER_WHISPER_MODEL", "Clipper:Transcribe:Whisper:Model"),
        One("CLIPPER_KUBERNETES_HOSTING", "Clipper:Kubernetes:Hosting"),
    ];

    /// <summary>The configuration entries of the variables set (blank ones are ignored).</summary>
    public static Dictionary<string, string?> Read(Func<string, string?> variable)
    {
        var map = new Dictionary<string, string?>();
        foreach (var alias in All)
        {
            var value = variable(alias.Variable);
            if (!string.IsNullOrWhiteSpace(value))
            {
                foreach (var (key, v) in alias.Entries(value.Trim()))
                {
                    map[key] = v;
                }
            }
        }

        return map;
    }

    /// <summary>What an operator sets for <paramref name="key"/>: its variable, or the key itself.</summary>
    public static string Name(string key) => All.FirstOrDefault(a => a.Key == key)?.Variable ?? key;

    private static Alias One(string variable, string key) => new(variable, key, v => [Entry(key, v)]);

    private static KeyValuePair<string, string?> Entry(string key, string? value) => new(key, value);
}
