using System.Diagnostics.Metrics;
using Clipper.Abstractions.Jobs;

namespace Clipper.Grains;

/// <summary>
/// Clipper's counts on one silo, as the <see cref="MeterName"/> meter of <see cref="System.Diagnostics.Metrics"/>
/// (made by the host's <see cref="IMeterFactory"/>, so the meter is this silo's own). Instrument names are the
/// Prometheus names an exporter publishes; a host without an exporter records nothing.
/// </summary>
public sealed class ClipperMeter : IClipperMetrics
{
    public const string MeterName = "Clipper";

    /// <summary>Seconds; the buckets are advice to the exporter.</summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.1, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320, 640, 1280];

    private static readonly Stage[] Stages = Enum.GetValues<Stage>();

    private readonly Histogram<double> _stageSeconds;
    private readonly Histogram<double> _jobSeconds;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _finished;
    private readonly Counter<long> _transcripts;
    private readonly UpDownCounter<long> _remoteQueued;
    private readonly Counter<long> _rankings;
    private readonly Counter<long> _llmTokens;
    private readonly Counter<long> _breakerOpened;
    private readonly Counter<double> _stageCpu;
    private readonly Counter<double> _remoteAudio;
    private readonly Counter<long> _remoteRequests;
    private readonly Counter<long> _trackFrames;
    private readonly long[] _queued = new long[Stages.Length];
    private readonly long[] _running = new long[Stages.Length];
    private readonly long[] _runningPeak = new long[Stages.Length];

    public ClipperMeter(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _stageSeconds = meter.CreateHistogram("clipper_stage_duration_seconds", "s",
            "How long units of work took on this silo, by stage and outcome.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _jobSeconds = meter.CreateHistogram("clipper_job_duration_seconds", "s",
            "How long jobs took from submission to their end, by the state they ended in (grains on this silo).", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _retries = meter.CreateCounter<long>("clipper_retries_total", description: "Failed attempts that will run again, by stage and error code.");
        _failures = meter.CreateCounter<long>("clipper_job_failures_total",
            description: "Jobs that failed, by the stage of the unit that failed them (none: no unit did) and error code (jobs whose grain ran on this silo).");
        _finished = meter.CreateCounter<long>("clipper_jobs_finished_total",
            description: "Jobs that reached a terminal state, by state (grains on this silo).");
        _transcripts = meter.CreateCounter<long>("clipper_transcripts_total",
            description: "Transcripts needed on this silo, by how they came: made (a recogniser or captions ran), cached, or waited (for another job's).");
        _remoteQueued = meter.CreateUpDownCounter<long>("clipper_remote_transcription_queued",
            description: "Pieces of audio on this silo waiting for the cluster's rate limit of a remote speech-to-text service.");
        _rankings = meter.CreateCounter<long>("clipper_llm_rankings_total",
            description: "LLM rankings, by outcome: llm (answered), llm_cached (no call) or the failure code that left the heuristic ranking standing.");
        _llmTokens = meter.CreateCounter<long>("clipper_llm_tokens_total", description: "Tokens the LLM ranking calls used, by direction (in, out).");
        _breakerOpened = meter.CreateCounter<long>("clipper_llm_breaker_opened_total",
            description: "Times an LLM provider's circuit breaker opened (no job calls it for Clipper:Score:BreakerOpenFor), by provider.");
        _stageCpu = meter.CreateCounter<double>("clipper_stage_cpu_seconds_total", "s",
            "CPU seconds units of work used on this silo (their child processes and their in-process work), by stage.");
        _remoteAudio = meter.CreateCounter<double>("clipper_remote_audio_seconds_total", "s",
            "Audio seconds sent to a remote speech-to-text service (what it bills), by service.");
        _remoteRequests = meter.CreateCounter<long>("clipper_remote_transcription_requests_total",
            description: "Requests sent to a remote speech-to-text service, retries included, by service.");
        _trackFrames = meter.CreateCounter<long>("clipper_track_frames_total",
            description: "Frames the track units sampled and ran the face detector on (once per clip, however many ratios it is rendered in).");
        // every stage is reported, zero included, so a scrape sees each series from the start
        meter.CreateObservableGauge("clipper_stage_queued", () => PerStage(_queued),
            description: "Units of work waiting for a free slot of their stage on this silo.");
        meter.CreateObservableGauge("clipper_stage_running", () => PerStage(_running),
            description: "Units of work running on this silo now, by stage.");
        meter.CreateObservableGauge("clipper_stage_running_peak", () => PerStage(_runningPeak),
            description: "The most units of a stage that ran on this silo at once since it started.");
    }

    public void Queued(Stage stage, int delta) => Interlocked.Add(ref _queued[(int)stage], delta);

    public void Running(Stage stage, int now)
    {
        Interlocked.Exchange(ref _running[(int)stage], now);
        long peak;
        while (now > (peak = Interlocked.Read(ref _runningPeak[(int)stage]))
            && Interlocked.CompareExchange(ref _runningPeak[(int)stage], now, peak) != peak)
        {
        }
    }

    public void StageRan(Stage stage, double seconds, string outcome) =>
        _stageSeconds.Record(seconds, new("stage", Label(stage)), new("outcome", outcome));

    public void Transcript(string how) => _transcripts.Add(1, new KeyValuePair<string, object?>("how", how));

    public void RemoteQueued(string service, int delta) => _remoteQueued.Add(delta, new KeyValuePair<string, object?>("service", service));
    public void LlmRanking(string outcome, int inputTokens, int outputTokens)
    {
        _rankings.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _llmTokens.Add(inputTokens, new KeyValuePair<string, object?>("direction", "in"));
        _llmTokens.Add(outputTokens, new KeyValuePair<string, object?>("direction", "out"));
    }

    public void TrackFrames(int frames) => _trackFrames.Add(frames);

    public void LlmBreakerOpened(string provider) => _breakerOpened.Add(1, new KeyValuePair<string, object?>("provider", provider));

    public void StageCpu(Stage stage, double cpuSeconds) => _stageCpu.Add(cpuSeconds, new KeyValuePair<string, object?>("stage", Label(stage)));

    public void RemoteTranscribed(string service, int requests, double audioSeconds)
    {
        _remoteRequests.Add(requests, new KeyValuePair<string, object?>("service", service));
        _remoteAudio.Add(audioSeconds, new KeyValuePair<string, object?>("service", service));
    }

    public void Retried(Stage stage, string code) => _retries.Add(1, new("stage", Label(stage)), new("code", code));

    public void JobEnded(JobStatus status, string? code, Stage? failedStage, double seconds)
    {
        var state = new KeyValuePair<string, object?>("state", status.ToString().ToLowerInvariant());
        _finished.Add(1, state);
        _jobSeconds.Record(seconds, state);
        if (status == JobStatus.Failed)
        {
            _failures.Add(1, new("stage", failedStage is { } s ? Label(s) : "none"), new("code", code ?? "internal"));
        }
    }

    private static IEnumerable<Measurement<long>> PerStage(long[] values) =>
        Stages.Select(s => new Measurement<long>(Interlocked.Read(ref values[(int)s]), new KeyValuePair<string, object?>("stage", Label(s))));

    private static string Label(Stage s) => s.ToString().ToLowerInvariant();
}
