using System.Diagnostics.Metrics;
using Clipper.Abstractions.Stages;
using Clipper.Grains.Stages;
using Clipper.Stages.Transcribe.Remote;
using Clipper.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Clipper.Grains.Tests;

/// <summary>
/// The remote speech-to-text rate limit holds across the cluster: one window for all silos, and a piece over the limit
/// waits (counted in clipper_remote_transcription_queued on its silo) instead of failing.
/// </summary>
[Trait("Category", "cluster")]
public sealed class RemoteRateLimitTests
{
    [Fact]
    public async Task APieceOverTheClusterWideLimitWaitsItsTurnAndIsCountedAsQueued()
    {
        var home = TestMedia.TempDir("remote-rate");
        await using var cluster = await JobCluster.StartAsync(2, home, settings: new Dictionary<string, string?>
        {
            ["Clipper:Transcribe:Remote:RequestsPerMinute"] = "2",
        });
        var limit = new RemoteTranscribeOptions { RequestsPerMinute = 2 };
        GrainRemotePermits On(int silo, out IServiceProvider services)
        {
            services = cluster.Cluster.GetSiloServiceProvider(cluster.Cluster.Silos[silo].SiloAddress);
            return new GrainRemotePermits(services.GetRequiredService<IGrainFactory>(), "openai", limit,
                services.GetRequiredService<IClipperMetrics>(), TimeProvider.System);
        }

        var first = On(0, out _);
        var second = On(1, out var secondSilo);
        using var queued = new MeterSum(secondSilo.GetRequiredService<IMeterFactory>(), "clipper_remote_transcription_queued");

        // one request from each silo: the minute's two
        await first.WaitAsync(600, TestContext.Current.CancellationToken);
        await second.WaitAsync(600, TestContext.Current.CancellationToken);

        // the third, from either silo, is told to wait out the minute: it waits, queued, and does not fail
        using var stop = new CancellationTokenSource();
        var third = second.WaitAsync(600, stop.Token).AsTask();
        await Wait.Until(() => queued.Value == 1, TimeSpan.FromSeconds(10));
        var wait = await cluster.Grains.GetGrain<IRemoteRateGrain>("openai").Take(10);
        Assert.InRange(wait, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));
        Assert.False(third.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third);
        Assert.Equal(0, queued.Value);
    }
}
