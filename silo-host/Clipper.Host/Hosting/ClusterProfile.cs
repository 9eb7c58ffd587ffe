using System.Net;
using Clipper.Blobs.Azure;
using Clipper.Core.Errors;
using Microsoft.Extensions.Configuration;
using Npgsql;
using StackExchange.Redis;

namespace Clipper.Host.Hosting;

/// <summary>
/// The cluster profile of <c>clipper serve</c>: Redis membership (CLIPPER_REDIS), PostgreSQL state and reminders
/// (CLIPPER_POSTGRES), Azure Blob Storage for sources and outputs (CLIPPER_BLOB), a cluster id and the silo's own
/// ports. <see cref="From"/> returns null when none of it is configured (the embedded profile) and refuses a half
/// configured one in one line. <see cref="ToString"/> names the services without their secrets.
/// </summary>
public sealed class ClusterProfile
{
    public const string Section = "Clipper:Cluster";

    private ClusterProfile(string redis, string postgres, string blob, string container, string clusterId, string serviceId,
        IPAddress address, int siloPort, int gatewayPort, TimeSpan sasExpiry, TimeSpan checkTimeout)
    {
        Redis = redis;
        Postgres = postgres;
        Blob = blob;
        Container = container;
        ClusterId = clusterId;
        ServiceId = serviceId;
        Address = address;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        SasExpiry = sasExpiry;
        CheckTimeout = checkTimeout;
    }

    public string Redis { get; }

    public string Postgres { get; }

    public string Blob { get; }

    public string Container { get; }

    public string ClusterId { get; }

    /// <summary>
    /// The Orleans service id (CLIPPER_SERVICE_ID, Clipper:Cluster:ServiceId; default clipper): it keys grain state and
    /// reminders, so it stays the same across deployments of one service while the cluster id may change.
    /// </summary>
    public string ServiceId { get; }

    /// <summary>The address other silos reach this one at (CLIPPER_SILO_ADDRESS; default 127.0.0.1).</summary>
    public IPAddress Address { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    /// <summary>How long the read-only SAS URLs handed out for clips stay valid.</summary>
    public TimeSpan SasExpiry { get; }

    /// <summary>How long each service may take to answer the start-up check (Clipper:Cluster:CheckTimeout, default 8 s).</summary>
    public TimeSpan CheckTimeout { get; }

    /// <summary>The profile configured, null for the embedded one; a half-configured profile is a bad_option.</summary>
    public static ClusterProfile? From(IConfiguration config)
    {
        string? Get(string key) => string.IsNullOrWhiteSpace(config[key]) ? null : config[key]!.Trim();
        var redis = Get($"{Section}:Redis");
        var blob = Get("Clipper:Blob:ConnectionString");
        var postgres = string.Equals(config["Clipper:Storage:Provider"], "postgres", StringComparison.OrdinalIgnoreCase)
            ? Get("Clipper:Storage:PostgresConnectionString") : null;
        var clusterOnly = new[] { "SiloPort", "GatewayPort", "Id", "ServiceId", "Address" }.Where(k => Get($"{Section}:{k}") is not null).ToList();
        if (redis is null)
        {
            if (blob is not null || clusterOnly.Count > 0)
            {
                var given = (blob is not null ? new[] { "CLIPPER_BLOB" } : []).Concat(clusterOnly.Select(EnvOf));
                throw new ClipperException(ErrorCode.BadOption,
                    $"{string.Join(", ", given)} belong to the cluster profile, which needs CLIPPER_REDIS (with CLIPPER_POSTGRES and CLIPPER_BLOB)");
            }

            return null;
        }

        var missing = new List<string>();
        if (postgres is null)
        {
            missing.Add("CLIPPER_POSTGRES (PostgreSQL for job state and reminders)");
        }

        if (blob is null)
        {
            missing.Add("CLIPPER_BLOB (Azure Storage for sources and clips)");
        }

        if (missing.Count > 0)
        {
            throw new ClipperException(ErrorCode.BadOption,
                $"CLIPPER_REDIS is set, so serve runs the cluster profile, which also needs {string.Join(" and ", missing)}");
        }

        var address = Get($"{Section}:Address") ?? "127.0.0.1";
        if (!IPAddress.TryParse(address, out var ip))
        {
            throw new ClipperException(ErrorCode.BadOption, $"CLIPPER_SILO_ADDRESS must be an IP address, got \"{address}\"");
        }

        int Port(string key, int fallback)
        {
            var value = Get($"{Section}:{key}");
            if (value is null)
            {
                return fallback;
            }

            return int.TryParse(value, out var p) && p is > 0 and < 65536 ? p
                : throw new ClipperException(ErrorCode.BadOption, $"{EnvOf(key)} must be a port number, got \"{value}\"");
        }

        TimeSpan Span(string key, TimeSpan fallback)
        {
            var value = Get(key);
            if (value is null)
            {
                return fallback;
            }

            return TimeSpan.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero ? span
                : throw new ClipperException(ErrorCode.BadOption, $"{key} must be a positive time span (hh:mm:ss), got \"{value}\"");
        }

        var sas = Span("Clipper:Blob:SasExpiry", TimeSpan.FromHours(24));
        var checkTimeout = Span($"{Section}:CheckTimeout", TimeSpan.FromSeconds(8));

        try
        {
            ConfigurationOptions.Parse(redis);
        }
        catch (Exception e) when (e is ArgumentException or RedisException)
        {
            throw new ClipperException(ErrorCode.BadOption, $"CLIPPER_REDIS is not a Redis connection string: {e.Message}");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(postgres);
        }
        catch (ArgumentException)
        {
            throw new ClipperException(ErrorCode.BadOption, "CLIPPER_POSTGRES is not an Npgsql connection string (Host=…;Username=…;Password=…;Database=…)");
        }

        return new ClusterProfile(redis, postgres!, blob!, Get("Clipper:Blob:Container") ?? "clipper",
            Get($"{Section}:Id") ?? "clipper", Get($"{Section}:ServiceId") ?? "clipper", ip, Port("SiloPort", 11111), Port("GatewayPort", 30000), sas, checkTimeout);
    }

    private static string EnvOf(string key) => EnvironmentAliases.Name($"{Section}:{key}");

    /// <summary>Where Redis is, without a password.</summary>
    public string RedisEndpoints => string.Join(",", ConfigurationOptions.Parse(Redis).EndPoints.Select(e => e switch
    {
        DnsEndPoint d => $"{d.Host}:{d.Port}",
        _ => e.ToString(),
    }));

    /// <summary>Where PostgreSQL is, without credentials.</summary>
    public string PostgresEndpoint
    {
        get
        {
            var b = new NpgsqlConnectionStringBuilder(Postgres);
            return $"{b.Host}:{b.Port}/{b.Database}";
        }
    }

    public override string ToString() =>
        $"cluster {ClusterId} (service {ServiceId}): silo {Address}:{SiloPort} (gateway {GatewayPort}), Redis {RedisEndpoints}, PostgreSQL {PostgresEndpoint}, "
        + $"blob container {Container}";

    /// <summary>
    /// Reaches Redis, PostgreSQL and blob storage (creating the container), all at once, each within
    /// <paramref name="timeout"/>. Throws one service_unreachable line naming each service that did not answer.
    /// </summary>
    public async Task<AzureBlobStore> CheckAsync(TimeSpan timeout, CancellationToken cancel)
    {
        var redis = CheckRedisAsync(timeout);
        var postgres = CheckPostgresAsync(timeout, cancel);
        var blob = AzureBlobStore.OpenAsync(Blob, Container, timeout, cancel);
        var problems = new List<string>();
        foreach (var (what, task) in new (string, Task)[] { ($"Redis at {RedisEndpoints}", redis), ($"PostgreSQL at {PostgresEndpoint}", postgres), ("blob storage", blob) })
        {
            try
            {
                await task;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
            {
                problems.Add($"{what} {Describe(e)}");
            }
        }

        if (problems.Count > 0)
        {
            throw new ClipperException(ErrorCode.ServiceUnreachable, $"cannot start the cluster profile: {string.Join("; ", problems)}");
        }

        return await blob;
    }

    private static string Describe(Exception e) => e switch
    {
        ClipperException c => c.Message,
        NpgsqlException { InnerException: { } inner } => $"does not answer ({inner.Message})",
        PostgresException p => $"refused the connection ({p.SqlState}: {p.MessageText})",
        _ => $"does not answer ({e.Message.Split('\n')[0].Trim()})",
    };

    private async Task CheckRedisAsync(TimeSpan timeout)
    {
        var options = ConfigurationOptions.Parse(Redis);
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        options.ConnectTimeout = (int)timeout.TotalMilliseconds;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(timeout + TimeSpan.FromSeconds(1));
        await connection.GetDatabase().PingAsync().WaitAsync(timeout);
    }

    private async Task CheckPostgresAsync(TimeSpan timeout, CancellationToken cancel)
    {
        var b = new NpgsqlConnectionStringBuilder(Postgres) { Timeout = Math.Max(1, (int)timeout.TotalSeconds) };
        await using var connection = new NpgsqlConnection(b.ConnectionString);
        await connection.OpenAsync(cancel).WaitAsync(timeout + TimeSpan.FromSeconds(1), cancel);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancel);
    }
}
