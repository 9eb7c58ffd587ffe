using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Grains;
using Prometheus;

namespace Clipper.Gateway;

/// <summary>
/// Clipper's Prometheus metrics, in a registry of this server's own (so several servers can share a process):
/// jobs by state (from the job list, at scrape time), per-stage duration histograms, work waiting per stage,
/// retries, failures by code. Served at /metrics on the web port.
/// </summary>
public sealed class GatewayMetrics : IClipperMetrics
{
    private readonly Gauge _jobs;
    private readonly Histogram _stageSeconds;
    private readonly Gauge _queued;
    private readonly Counter _retries;
    private readonly Counter _failures;
    private readonly Counter _finished;
    private readonly Gauge _running;
    private readonly Gauge _runningPeak;

    public GatewayMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var f = Metrics.WithCustomRegistry(Registry);
        _jobs = f.CreateGauge("clipper_jobs", "Jobs known to the cluster, by state.", new GaugeConfiguration { LabelNames = ["state"] });
        _stageSeconds = f.CreateHistogram("clipper_stage_duration_seconds", "How long units of work took on this silo, by stage and outcome.",
            new HistogramConfiguration
            {
                LabelNames = ["stage", "outcome"],
                Buckets = [0.1, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320, 640, 1280],
            });
        _queued = f.CreateGauge("clipper_stage_queued", "Units of work waiting for a free slot of their stage on this silo.",
            new GaugeConfiguration { LabelNames = ["stage"] });
        _retries = f.CreateCounter("clipper_retries_total", "Failed attempts that will run again, by stage and error code.",
            new CounterConfiguration { LabelNames = ["stage", "code"] });
        _failures = f.CreateCounter("clipper_job_failures_total", "Jobs that failed, by error code (jobs whose grain ran on this silo).",
            new CounterConfiguration { LabelNames = ["code"] });
        _finished = f.CreateCounter("clipper_jobs_finished_total", "Jobs that reached a terminal state, by state (grains on this silo).",
            new CounterConfiguration { LabelNames = ["state"] });
        _running = f.CreateGauge("clipper_stage_running", "Units of work running on this silo now, by stage.",
            new GaugeConfiguration { LabelNames = ["stage"] });
        _runningPeak = f.CreateGauge("clipper_stage_running_peak", "The most units of a stage that ran on this silo at once since it started.",
            new GaugeConfiguration { LabelNames = ["stage"] });
        foreach (var stage in Enum.GetValues<Stage>())
        {
            _queued.WithLabels(Label(stage)).Set(0);
            _running.WithLabels(Label(stage)).Set(0);
            _runningPeak.WithLabels(Label(stage)).Set(0);
        }
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Refreshes the jobs-by-state gauge from the job list; called before every scrape.</summary>
    public async Task RefreshJobsAsync(IGrainFactory grains, CancellationToken cancel)
    {
        var counts = await grains.GetGrain<IJobIndexGrain>(0).Counts().WaitAsync(cancel);
        foreach (var status in Enum.GetValues<JobStatus>().Where(s => s != JobStatus.None))
        {
            _jobs.WithLabels(status.ToString().ToLowerInvariant()).Set(counts.GetValueOrDefault(status));
        }
    }

    public void Queued(Stage stage, int delta) => _queued.WithLabels(Label(stage)).Inc(delta);

    public void Running(Stage stage, int now)
    {
        _running.WithLabels(Label(stage)).Set(now);
        _runningPeak.WithLabels(Label(stage)).IncTo(now);
    }

    public void StageRan(Stage stage, double seconds, string outcome) => _stageSeconds.WithLabels(Label(stage), outcome).Observe(seconds);

    public void Retried(Stage stage, string code) => _retries.WithLabels(Label(stage), code).Inc();

    public void JobEnded(JobStatus status, string? code)
    {
        _finished.WithLabels(status.ToString().ToLowerInvariant()).Inc();
        if (status == JobStatus.Failed)
        {
            _failures.WithLabels(code ?? "internal").Inc();
        }
    }

    private static string Label(Stage s) => s.ToString().ToLowerInvariant();
}
