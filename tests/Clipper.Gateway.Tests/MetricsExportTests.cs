using Clipper.Abstractions.Jobs;
using Clipper.Grains;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Clipper.Gateway.Tests;

/// <summary>
/// What the silo counts through its "Clipper" meter reaches /metrics with the documented names, types and labels,
/// and only the meter of the gateway's own host does.
/// </summary>
[Trait("Category", "unit")]
public sealed class MetricsExportTests
{
    [Fact]
    public async Task TheMeterIsExportedWithTheDocumentedNamesTypesAndLabels()
    {
        using var host = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = host.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var export = new GatewayMetrics(factory);
        var meter = new ClipperMeter(factory);
        meter.Queued(Stage.Track, 2);
        meter.Queued(Stage.Track, -1);
        meter.Running(Stage.Encode, 3);
        meter.Running(Stage.Encode, 1);
        meter.StageRan(Stage.Encode, 7, "ok");
        meter.Retried(Stage.Fetch, "tool_failed");
        meter.JobEnded(JobStatus.Failed, "no_audio", Stage.Transcribe, 3);
        meter.JobEnded(JobStatus.Failed, "cancelled", null, 0.2);
        meter.JobEnded(JobStatus.Completed, null, null, 30);
        meter.StageCpu(Stage.Encode, 1.25);
        meter.StageCpu(Stage.Encode, 0.5);
        meter.RemoteTranscribed("openai", 3, 120.204);
        meter.TrackFrames(92);
        meter.TrackFrames(92);

        var text = await Scrape(export);
        var samples = PrometheusText.Parse(text);
        Assert.Equal(1, samples["clipper_stage_queued{stage=\"track\"}"]);
        Assert.Equal(0, samples["clipper_stage_queued{stage=\"encode\"}"]);
        Assert.Equal(1, samples["clipper_stage_running{stage=\"encode\"}"]);
        Assert.Equal(3, samples["clipper_stage_running_peak{stage=\"encode\"}"]);
        Assert.Equal(1, samples["clipper_stage_duration_seconds_count{stage=\"encode\",outcome=\"ok\"}"]);
        Assert.Equal(0, samples["clipper_stage_duration_seconds_bucket{stage=\"encode\",outcome=\"ok\",le=\"5\"}"]);
        Assert.Equal(1, samples["clipper_stage_duration_seconds_bucket{stage=\"encode\",outcome=\"ok\",le=\"10\"}"]);
        Assert.Equal(1, samples["clipper_retries_total{stage=\"fetch\",code=\"tool_failed\"}"]);
        Assert.Equal(1, samples["clipper_job_failures_total{stage=\"transcribe\",code=\"no_audio\"}"]);
        Assert.Equal(1, samples["clipper_job_failures_total{stage=\"none\",code=\"cancelled\"}"]);
        Assert.Equal(2, samples["clipper_jobs_finished_total{state=\"failed\"}"]);
        Assert.Equal(1, samples["clipper_job_duration_seconds_count{state=\"completed\"}"]);
        Assert.Equal(30, samples["clipper_job_duration_seconds_sum{state=\"completed\"}"]);
        Assert.Equal(0, samples["clipper_job_duration_seconds_bucket{state=\"completed\",le=\"20\"}"]);
        Assert.Equal(1, samples["clipper_job_duration_seconds_bucket{state=\"completed\",le=\"40\"}"]);
        Assert.Equal(3.2, samples["clipper_job_duration_seconds_sum{state=\"failed\"}"], 6);
        Assert.Equal(1, samples["clipper_jobs_finished_total{state=\"completed\"}"]);
        Assert.Equal(1.75, samples["clipper_stage_cpu_seconds_total{stage=\"encode\"}"]);
        Assert.Equal(120.204, samples["clipper_remote_audio_seconds_total{service=\"openai\"}"]);
        Assert.Equal(3, samples["clipper_remote_transcription_requests_total{service=\"openai\"}"]);
        Assert.Equal(184, samples["clipper_track_frames_total"]);
        foreach (var (name, type) in new[]
        {
            ("clipper_stage_queued", "gauge"), ("clipper_stage_running", "gauge"), ("clipper_stage_running_peak", "gauge"),
            ("clipper_stage_duration_seconds", "histogram"), ("clipper_job_duration_seconds", "histogram"), ("clipper_retries_total", "counter"),
            ("clipper_job_failures_total", "counter"), ("clipper_jobs_finished_total", "counter"),
            ("clipper_stage_cpu_seconds_total", "counter"), ("clipper_remote_audio_seconds_total", "counter"),
            ("clipper_remote_transcription_requests_total", "counter"), ("clipper_track_frames_total", "counter"),
        })
        {
            Assert.Contains($"# TYPE {name} {type}\n", text);
        }
    }

    [Fact]
    public async Task AnotherHostsMeterIsNotExportedHere()
    {
        using var host = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var other = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var export = new GatewayMetrics(host.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        new ClipperMeter(other.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()).Retried(Stage.Track, "timeout");
        new ClipperMeter(host.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()).Retried(Stage.Track, "tool_failed");

        var samples = PrometheusText.Parse(await Scrape(export));
        Assert.Equal(1, samples["clipper_retries_total{stage=\"track\",code=\"tool_failed\"}"]);
        Assert.False(samples.ContainsKey("clipper_retries_total{stage=\"track\",code=\"timeout\"}"));
    }

    [Fact]
    public async Task OrleansMetersAreExportedBesideIt()
    {
        using var host = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var export = new GatewayMetrics(host.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        using var orleans = new System.Diagnostics.Metrics.Meter("Microsoft.Orleans");
        orleans.CreateCounter<int>("orleans-test-messages").Add(2);

        var samples = PrometheusText.Parse(await Scrape(export));
        Assert.Equal(2, samples["microsoft_orleans_orleans_test_messages"]);
    }

    private static async Task<string> Scrape(GatewayMetrics export)
    {
        using var stream = new MemoryStream();
        await export.Registry.CollectAndExportAsTextAsync(stream, TestContext.Current.CancellationToken);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
