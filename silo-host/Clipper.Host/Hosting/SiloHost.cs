using System.Net;
using System.Net.Sockets;
using Clipper.Core.Configuration;
using Clipper.Core.Errors;
using Clipper.Grains;
using Clipper.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Clipper.Host.Hosting;

/// <summary>Builds a silo from configuration. Embedded profile: localhost clustering, SQLite state and reminders under Clipper:Home, filesystem blobs.</summary>
public static class SiloHost
{
    /// <summary>
    /// Configuration: appsettings.json beside the program, then environment (Clipper__Section__Key, and the short
    /// names of <see cref="EnvironmentAliases"/>).
    /// </summary>
    public static IConfiguration LoadConfiguration(IDictionary<string, string?>? overrides = null)
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile("appsettings.cluster.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(EnvironmentAliases.Read(Environment.GetEnvironmentVariable));
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        return builder.Build();
    }

    public static string Home(IConfiguration config) =>
        config["Clipper:Home"] ?? new ClipperOptions().Home;

    public static string LogFile(IConfiguration config) => Path.Combine(Home(config), "logs", "clipper.log");

    /// <summary>An embedded silo in this process, its schema ready. Dispose the host to stop it.</summary>
    public static async Task<IHost> StartEmbeddedAsync(IConfiguration config, ILoggerProvider? logs, CancellationToken cancel)
    {
        var home = Home(config);
        Directory.CreateDirectory(home);
        var storage = StorageOptionsFrom(config, home);
        var jobOptions = ReadJobOptions(config);

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddConfiguration(config);
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        ConfigureSilo(builder, config, storage, jobOptions, silo =>
            // a CLI run is short-lived: let the silo stop quickly when the job is done
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(2)));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        var host = builder.Build();
        try
        {
            await StartAsync(host, cancel);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    /// <summary>Starts the host; options that fail their checks at start are one bad_option naming each key.</summary>
    public static async Task StartAsync(IHost host, CancellationToken cancel)
    {
        try
        {
            await host.StartAsync(cancel);
        }
        catch (Exception e) when (ValidatedOptions.Describe(e) is { } problems)
        {
            throw new ClipperException(ErrorCode.BadOption, problems);
        }
    }

    /// <summary>The job options, read before the host is built (the reminder period configures the silo); checked as at start.</summary>
    public static JobOptions ReadJobOptions(IConfiguration config) =>
        ValidatedOptions.Read<JobOptions>(config, JobOptions.Section, (o, c) => o.Check(c));

    /// <summary>
    /// The embedded silo on any host builder (the CLI's plain host, serve's web host): localhost clustering on free
    /// ports, Clipper's storage and reminders, the stage services, quiet framework logs.
    /// </summary>
    public static void ConfigureSilo(IHostApplicationBuilder builder, IConfiguration config, StorageOptions storage,
        JobOptions jobOptions, Action<Orleans.Hosting.ISiloBuilder>? more = null, ClusterRuntime? cluster = null)
    {
        if (cluster is not null)
        {
            // before the stages register the directory store as the default
            builder.Services.AddSingleton<Clipper.Core.Storage.IBlobStore>(cluster.Blobs);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Error);
        builder.Services.AddClipperStages(config);
        builder.UseOrleans(silo =>
        {
            if (cluster is null)
            {
                silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: "clipper", clusterId: "clipper-embedded");
            }
            else
            {
                var p = cluster.Profile;
                silo.UseRedisClustering(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(p.Redis));
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = p.ClusterId;
                    o.ServiceId = p.ServiceId;
                });
                silo.ConfigureEndpoints(p.Address, p.SiloPort, p.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(p.Address));
                // a silo that stops answering is declared dead in seconds (its work then moves at once)
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = TimeSpan.FromSeconds(2);
                    o.NumMissedProbesLimit = 3;
                    config.GetSection($"{ClusterProfile.Section}:Membership").Bind(o);
                });
                // Orleans' default directory loses the entries a dead silo held, and the activations they pointed to on
                // the surviving silos are stopped: their stage units' work then ran again. The distributed directory
                // recovers those entries from the survivors (Orleans' own test clusters run on it), so only the dead
                // silo's units run again.
#pragma warning disable ORLEANSEXP003 // experimental in Orleans 10; measured by ChunkKillTests
                silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
                cluster.Kubernetes?.Apply(silo);
            }

            silo.AddClipperStorage(storage, "jobs");
            silo.Configure<ReminderOptions>(o =>
            {
                if (jobOptions.ReminderPeriod < o.MinimumReminderPeriod)
                {
                    o.MinimumReminderPeriod = jobOptions.ReminderPeriod;
                }
            });
            more?.Invoke(silo);
        });
    }

    /// <summary>The storage options ("Clipper:Storage", the SQLite file under the home by default), checked now: the silo is built with them.</summary>
    public static StorageOptions StorageOptionsFrom(IConfiguration config, string home)
    {
        var o = ValidatedOptions.Read<StorageOptions>(config, "Clipper:Storage", (o, c) =>
        {
            o.SqlitePath ??= Path.Combine(home, "db", "clipper.db");
            c.Run(o.Validate);
        });
        Directory.CreateDirectory(Path.GetDirectoryName(o.SqlitePath)!);
        return o;
    }

    /// <summary>A cluster profile that answered its checks, with its blob store open.</summary>
    public sealed record ClusterRuntime(ClusterProfile Profile, Clipper.Core.Storage.IBlobStore Blobs, KubernetesHosting? Kubernetes = null);

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
