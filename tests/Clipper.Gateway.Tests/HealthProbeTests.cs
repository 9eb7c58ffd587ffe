using System.Diagnostics;
using System.Net;
using Clipper.Host.Cli;
using Clipper.Host.Hosting;
using Clipper.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Clipper.Gateway.Tests;

/// <summary>
/// The three probes a pod's kubelet asks: startup (this silo is Active in membership), readiness (the cluster answers,
/// and false from the moment the silo stops), liveness (local only).
/// </summary>
[Trait("Category", "cluster")]
public sealed class HealthProbeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StartupFailsUntilTheSiloIsActiveInMembership()
    {
        var home = TestMedia.TempDir("health-startup");
        await using var app = ServeCommand.Build(SiloHost.LoadConfiguration(new Dictionary<string, string?>
        {
            ["Clipper:Home"] = home,
            ["Clipper:Gateway:Grpc"] = $"127.0.0.1:{Ports.Free()}",
            ["Clipper:Gateway:Web"] = $"127.0.0.1:{Ports.Free()}",
        }), null);
        var check = ActivatorUtilities.CreateInstance<SiloActiveCheck>(app.Services);
        var before = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Contains("not yet active", before.Description);
        await app.StartAsync();
        var after = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal((HealthStatus.Healthy, "the silo is active in the cluster"), (after.Status, after.Description));
        await app.StopAsync();
    }

    [Fact]
    public async Task ReadinessTurnsFalseWhenStoppingStartsWhileTheServerStillServesForTheDrainDelay()
    {
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["Clipper:Gateway:DrainDelay"] = "00:00:05" });
        foreach (var path in new[] { "/health/startup", "/health/ready", "/health/live" })
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Web.GetAsync(path)).StatusCode);
        }

        var clock = Stopwatch.StartNew();
        var stopped = server.StopAsync();
        var ready = await Wait.For(async () => await server.Web.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(20));
        var flip = clock.Elapsed;
        Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
        // still serving: liveness and the pages answer while the load balancer withdraws the silo
        Assert.Equal(HttpStatusCode.OK, (await server.Web.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Web.GetAsync("/api/jobs")).StatusCode);
        Assert.False(stopped.IsCompleted, "the server stopped before its drain delay was over");
        await stopped.WaitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"readiness false {flip.TotalMilliseconds:0} ms after the stop began; stopped after {clock.Elapsed.TotalSeconds:0.0} s (drain delay 5 s)");
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(5), $"stopped after {clock.Elapsed}, inside the 5 s drain delay");
    }
}
