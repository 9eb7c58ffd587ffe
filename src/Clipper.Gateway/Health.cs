using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Clipper.Gateway;

/// <summary>Whether this server has begun to stop: set when the host's stop begins, never cleared.</summary>
public sealed class ShutdownState
{
    private int _stopping;

    public ShutdownState(IHostApplicationLifetime lifetime) => lifetime.ApplicationStopping.Register(Begin);

    public bool Stopping => Volatile.Read(ref _stopping) == 1;

    public void Begin() => Interlocked.Exchange(ref _stopping, 1);
}

/// <summary>
/// /health/startup: passes once this silo is Active in cluster membership (it has joined), so a probe does not send
/// traffic to, or restart, a silo that is still joining.
/// </summary>
public sealed class SiloActiveCheck(ISiloStatusOracle silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = silo.CurrentStatus;
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("the silo is active in the cluster")
            : HealthCheckResult.Unhealthy($"the silo is {status}, not yet active in the cluster"));
    }
}

/// <summary>
/// /health/ready (and gRPC health): not ready once the server stops (so no new calls are routed to it), else ready
/// when the job list grain (and so a silo and its storage) replies within <see cref="GatewayOptions.ReadyTimeout"/>.
/// </summary>
public sealed class ClusterReadyCheck(IGrainFactory grains, IOptions<GatewayOptions> options, ShutdownState shutdown) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (shutdown.Stopping)
        {
            return HealthCheckResult.Unhealthy("the silo is stopping");
        }

        try
        {
            await grains.GetGrain<Clipper.Abstractions.Jobs.IJobIndexGrain>(0).Counts().WaitAsync(options.Value.ReadyTimeout, cancellationToken);
            return HealthCheckResult.Healthy("the cluster answers");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy($"the cluster does not answer: {e.Message}");
        }
    }
}

/// <summary>
/// On stop, before any server or the silo stops: readiness turns false, then the servers keep serving for
/// <see cref="GatewayOptions.DrainDelay"/> so a load balancer withdraws this silo before its ports close (the
/// usual pre-stop wait of a Kubernetes pod). Every lifecycle service's StoppingAsync runs before any StopAsync.
/// </summary>
public sealed class DrainOnStop(ShutdownState shutdown, IOptions<GatewayOptions> options, ILogger<DrainOnStop> log) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        shutdown.Begin();
        var delay = options.Value.DrainDelay;
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        log.LogInformation("not ready from now; serving {Seconds} s more before stopping", delay.TotalSeconds);
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the host's shutdown timeout ran out: stop now
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
