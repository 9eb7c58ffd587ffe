using Clipper.Core.Configuration;
using Clipper.Core.Storage;
using Clipper.Stages.Fetch;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Prometheus;

namespace Clipper.Gateway;

/// <summary>
/// Puts the gateway on a web host that also runs a silo: gRPC (h2c) on one endpoint; the pages, the dashboard,
/// /metrics and /health on the other. Call <see cref="AddClipperGateway"/> before Build (and
/// <c>AddDashboard()</c> on the silo), <see cref="MapClipperGateway"/> after.
/// </summary>
public static class GatewayHosting
{
    public static GatewayOptions AddClipperGateway(this WebApplicationBuilder builder, IConfiguration config, string uploadDirectory,
        ClusterDelivery? delivery = null)
    {
        // read and checked now: Kestrel's endpoints are set from it before the host is built
        var options = ValidatedOptions.Read<GatewayOptions>(config, GatewayOptions.Section, (o, c) => o.Check(c));
        var grpc = GatewayOptions.Parse(options.Grpc, "the gRPC address");
        var web = GatewayOptions.Parse(options.Web, "the web address");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(grpc, o => o.Protocols = HttpProtocols.Http2);
            k.Listen(web, o => o.Protocols = HttpProtocols.Http1AndHttp2);
            k.Limits.MaxRequestBodySize = null;
        });
        var s = builder.Services;
        s.AddSingleton(Options.Create(options));
        s.AddSingleton<Access>();
        s.AddSingleton<AccessInterceptor>();
        s.AddSingleton<JobWatchHub>();
        s.AddSingleton<JobListFeed>();
        s.AddSingleton<JobSubmissions>();
        s.AddSingleton(sp => new Uploads(sp.GetRequiredService<IOptions<GatewayOptions>>(), sp.GetRequiredService<IBlobStore>())
        { Directory = uploadDirectory });
        s.AddSingleton(sp => new ArtifactLinks(sp.GetRequiredService<IOptions<GatewayOptions>>(), sp.GetRequiredService<IBlobStore>(), delivery));
        s.AddSingleton(sp => new Fetcher(sp.GetRequiredService<IBlobStore>(), sp.GetRequiredService<IOptions<FetchOptions>>().Value));
        s.AddSingleton<GatewayMetrics>();
        s.TryAddSingleton(TimeProvider.System);
        s.AddSingleton<OperationsFigures>();
        s.AddGrpc(o =>
        {
            o.Interceptors.Add<AccessInterceptor>();
            o.MaxReceiveMessageSize = options.MaxMessageBytes;
            o.EnableDetailedErrors = false;
        });
        s.AddGrpcReflection();
        s.AddHttpContextAccessor();
        s.AddMcpServer(o => o.ServerInfo = new() { Name = "clipper", Version = typeof(ClipperMcp).Assembly.GetName().Version?.ToString() ?? "0" })
            // no session kept between requests: any silo's gateway answers any call (no affinity behind a balancer);
            // progress still flows on the call's own response stream
            .WithHttpTransport(o => o.Stateless = true)
            .WithTools<ClipperMcp>();
        s.AddSingleton<ShutdownState>();
        s.AddHostedService<DrainOnStop>();
        s.AddGrpcHealthChecks()
            .AddCheck<SiloActiveCheck>("silo", tags: ["startup"])
            .AddCheck<ClusterReadyCheck>("cluster", tags: ["ready"]);
        return options;
    }

    public static WebApplication MapClipperGateway(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var grpcPort = GatewayOptions.Parse(options.Grpc, "the gRPC address").Port;
        var webPort = GatewayOptions.Parse(options.Web, "the web address").Port;
        var metrics = app.Services.GetRequiredService<GatewayMetrics>();
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        metrics.Registry.AddBeforeCollectCallback(async cancel => await metrics.RefreshJobsAsync(grains, cancel));

        // each port serves only its own side, whatever Host header a client sends
        app.Use(async (http, next) =>
        {
            bool grpcSide = http.Connection.LocalPort == grpcPort;
            bool isGrpc = http.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true;
            if (grpcSide != isGrpc && grpcPort != webPort)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(http);
        });
        app.UseWhen(http => http.Connection.LocalPort == webPort, web => web.UseMiddleware<WebAccessMiddleware>());

        app.MapGrpcService<ClipperApi>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();

        // liveness runs no check at all: a Redis or cluster outage never restarts a silo
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/startup", new HealthCheckOptions { Predicate = c => c.Tags.Contains("startup") });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapMetrics("/metrics", metrics.Registry);
        app.MapOrleansDashboard(routePrefix: "/dashboard");
        app.MapMcp(ClipperMcp.Path);
        WebPages.Map(app);
        return app;
    }
}
