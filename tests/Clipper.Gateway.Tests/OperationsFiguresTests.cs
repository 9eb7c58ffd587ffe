using Clipper.Abstractions.Jobs;
using Clipper.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Clipper.Gateway.Tests;

/// <summary>The /jobs page's head figures are read from the same collection /metrics exports, and the percentiles as Prometheus estimates them.</summary>
[Trait("Category", "unit")]
public sealed class OperationsFiguresTests
{
    [Fact]
    public async Task FiguresAreTheMetersValuesAsExported()
    {
        using var host = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var export = new GatewayMetrics(host.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var meter = new ClipperMeter(host.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        meter.Queued(Stage.Encode, 3);
        meter.Running(Stage.Track, 2);
        meter.Retried(Stage.Fetch, "download_failed");
        meter.Retried(Stage.Fetch, "tool_failed");
        meter.JobEnded(JobStatus.Failed, "download_failed", Stage.Fetch, 1);
        meter.JobEnded(JobStatus.Failed, "cancelled", null, 1);
        foreach (var seconds in new[] { 30.0, 30, 30, 70 })
        {
            meter.JobEnded(JobStatus.Completed, null, null, seconds);
        }

        var figures = await new OperationsFigures(export, Microsoft.Extensions.Options.Options.Create(new GatewayOptions()), TimeProvider.System)
            .ReadAsync(TestContext.Current.CancellationToken);
        var byStage = figures.Stages.ToDictionary(s => s.Stage);
        Assert.Equal(["fetchaudio", "fetch", "split", "transcribe", "score", "track", "encode"], figures.Stages.Select(s => s.Stage));
        Assert.Equal(new OperationsFigures.StageFigures("encode", 3, 0, 0, 0), byStage["encode"]);
        Assert.Equal(new OperationsFigures.StageFigures("track", 0, 2, 0, 0), byStage["track"]);
        Assert.Equal(new OperationsFigures.StageFigures("fetch", 0, 0, 1, 2), byStage["fetch"]);
        Assert.Equal((4, 40, 2), (figures.CompletedJobs, figures.AverageJobSeconds!.Value, figures.FailedJobs));
        // buckets …20, 40, 80…: three of four in (20, 40], the fourth in (40, 80]; p50 is rank 2 of 3 in (20, 40]
        Assert.Equal(20 + (20 * 2.0 / 3), figures.P50JobSeconds!.Value, 9);
        Assert.Equal(40 + (40 * 0.8), figures.P95JobSeconds!.Value, 9);
        // silos come from membership at scrape time: no grain factory here, so the gauge stays at its start
        Assert.Equal(0, figures.SilosActive);
    }

    [Fact]
    public void QuantilesFollowHistogramQuantile()
    {
        Assert.Null(OperationsFigures.Quantile(0.5, []));
        Assert.Null(OperationsFigures.Quantile(0.5, [(1, 0), (double.PositiveInfinity, 0)]));
        // the first bucket interpolates from 0; a rank in +Inf gives the highest finite bound
        Assert.Equal(0.5, OperationsFigures.Quantile(0.5, [(1, 2), (double.PositiveInfinity, 2)]));
        Assert.Equal(1, OperationsFigures.Quantile(0.95, [(1, 1), (double.PositiveInfinity, 2)]));
    }
}
