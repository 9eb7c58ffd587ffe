using Clipper.Gateway;
using Clipper.Grains;
using Clipper.Host.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Dashboard;

namespace Clipper.Host.Cli;

/// <summary>
/// <c>clipper serve [--grpc HOST:PORT] [--web HOST:PORT] [--silo-port N] [--gateway-port N]</c>: an embedded silo with the gRPC gateway (h2c, default
/// 127.0.0.1:7070) and the web pages, dashboard, /metrics and /health (default 127.0.0.1:8080). Logs both addresses
/// when ready; stops cleanly on SIGINT or SIGTERM. One serve (or clip) per CLIPPER_HOME.
/// </summary>
public sealed class ServeCommand(TextWriter stdout, ILoggerProvider logs)
{
    /// <summary>Builds the server without starting it (tests start it and read its addresses).</summary>
    public static WebApplication Build(IConfiguration config, ILoggerProvider? logs, SiloHost.ClusterRuntime? cluster = null)
    {
        var home = SiloHost.Home(config);
        Directory.CreateDirectory(home);
        var storage = SiloHost.StorageOptionsFrom(config, home);
        var jobOptions = SiloHost.ReadJobOptions(config);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(config);
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        SiloHost.ConfigureSilo(builder, config, storage, jobOptions, silo => silo.AddDashboard(o => o.HideTrace = true), cluster);
        builder.AddClipperGateway(config, Path.Combine(home, "uploads"), cluster is null ? null : new ClusterDelivery(cluster.Profile.SasExpiry));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        var app = builder.Build();
        app.MapClipperGateway();
        return app;
    }

    public async Task<int> RunAsync(IConfiguration config, ServeLine args, CancellationToken cancel)
    {
        var overrides = args.Overrides();
        var merged = new ConfigurationBuilder().AddConfiguration(config).AddInMemoryCollection(overrides).Build();
        using var homeLock = HomeLock.Take(SiloHost.Home(merged));
        var profile = ClusterProfile.From(merged);
        var kubernetes = KubernetesHosting.From(merged, Environment.GetEnvironmentVariable);
        SiloHost.ClusterRuntime? cluster = null;
        if (profile is not null)
        {
            stdout.WriteLine($"clipper: checking the cluster profile's services ({profile})");
            stdout.Flush();
            var blobs = await profile.CheckAsync(profile.CheckTimeout, cancel);
            if (kubernetes is not null)
            {
                // before the silo: Orleans' agent would retry a refused call with no delay, forever
                stdout.WriteLine($"clipper: checking {kubernetes}");
                stdout.Flush();
                await kubernetes.CheckAsync(profile.CheckTimeout, cancel);
            }

            cluster = new SiloHost.ClusterRuntime(profile, blobs, kubernetes);
        }
        else if (kubernetes is not null)
        {
            throw new Clipper.Core.Errors.ClipperException(Clipper.Core.Errors.ErrorCode.BadOption,
                "Kubernetes hosting (CLIPPER_KUBERNETES_HOSTING) needs the cluster profile (CLIPPER_REDIS, CLIPPER_POSTGRES, CLIPPER_BLOB)");
        }

        // a bad --grpc or --web is a ClipperException (bad_option) from here
        var app = Build(merged, logs, cluster);
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value;

        await using (app)
        {
            try
            {
                await SiloHost.StartAsync(app, cancel);
            }
            catch (IOException e)
            {
                throw new Clipper.Core.Errors.ClipperException(Clipper.Core.Errors.ErrorCode.BadOption,
                    $"cannot listen on {options.Grpc} / {options.Web}: {e.Message}");
            }

            stdout.WriteLine($"clipper: serving gRPC on {options.Grpc} (h2c) and the web on http://{options.Web} "
                + $"(jobs at /jobs, dashboard at /dashboard, metrics at /metrics); home {SiloHost.Home(merged)}; "
                + (profile is null ? "embedded" : profile.ToString()));
            stdout.WriteLine(options.ApiKeys.Count > 0 ? $"clipper: {options.ApiKeys.Count} API key(s) configured"
                : "clipper: no API keys configured: only loopback callers are served");
            stdout.Flush();
            try
            {
                await app.WaitForShutdownAsync(cancel);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: stop below
            }

            stdout.WriteLine("clipper: stopping");
            await app.StopAsync(CancellationToken.None);
            stdout.WriteLine("clipper: stopped");
        }

        return 0;
    }
}
