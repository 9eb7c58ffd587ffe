using System.Diagnostics.Metrics;
using Clipper.Abstractions.Jobs;
using Prometheus;

namespace Clipper.Gateway;

/// <summary>
/// This server's /metrics, in a Prometheus registry of its own (so several servers can share a process): the
/// "Clipper" meter of this host's silo (Clipper.Grains' ClipperMeter: per-stage durations, work queued and running,
/// retries, how jobs ended) with the types, names and label order it records; Orleans' own meters through
/// prometheus-net's meter adapter; and jobs by state, read from the job list at scrape time.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    /// <summary>The meter Clipper.Grains counts in (ClipperMeter.MeterName).</summary>
    private const string ClipperMeterName = "Clipper";

    private readonly Gauge _jobs;
    private readonly Gauge _silos;
    private readonly IMetricFactory _factory;
    private readonly MeterListener _listener = new();
    private readonly IDisposable _orleans;

    public GatewayMetrics(IMeterFactory meters)
    {
        Registry = Metrics.NewCustomRegistry();
        _factory = Metrics.WithCustomRegistry(Registry);
        _jobs = _factory.CreateGauge("clipper_jobs", "Jobs known to the cluster, by state.", new GaugeConfiguration { LabelNames = ["state"] });
        _silos = _factory.CreateGauge("clipper_silos_active", "Silos the cluster's membership holds active, as this silo sees it.");

        // only this host's meter: another silo in the process has one of the same name from its own factory
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ClipperMeterName && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
        Registry.AddBeforeCollectCallback(_listener.RecordObservableInstruments);

        _orleans = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            // both: with the factory left at its default the adapter writes to the default registry, which nobody serves
            Registry = Registry,
            MetricFactory = _factory,
            InstrumentFilterPredicate = i => i.Meter.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
        });
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Refreshes the jobs-by-state gauge from the job list and the active silos from membership; called before every scrape.</summary>
    public async Task RefreshJobsAsync(IGrainFactory grains, CancellationToken cancel)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(cancel);
        _silos.Set(hosts.Count);
        var counts = await grains.GetGrain<IJobIndexGrain>(0).Counts().WaitAsync(cancel);
        foreach (var status in Enum.GetValues<JobStatus>().Where(s => s != JobStatus.None))
        {
            _jobs.WithLabels(status.ToString().ToLowerInvariant()).Set(counts.GetValueOrDefault(status));
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _orleans.Dispose();
    }

    /// <summary>
    /// A counter stays a counter and a histogram keeps the buckets its instrument advises; an observable gauge is
    /// set to what it reports. Labels keep the order the meter records them in.
    /// </summary>
    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var names = new string[tags.Length];
        var values = new string[tags.Length];
        for (int i = 0; i < tags.Length; i++)
        {
            names[i] = tags[i].Key;
            values[i] = tags[i].Value?.ToString() ?? "";
        }

        var help = instrument.Description ?? instrument.Name;
        switch (instrument)
        {
            case Counter<long> or Counter<double>:
                _factory.CreateCounter(instrument.Name, help, names).WithLabels(values).Inc(value);
                break;
            case Histogram<double> h:
                _factory.CreateHistogram(instrument.Name, help, new HistogramConfiguration
                {
                    LabelNames = names,
                    Buckets = h.Advice?.HistogramBucketBoundaries?.ToArray(),
                }).WithLabels(values).Observe(value);
                break;
            default:
                _factory.CreateGauge(instrument.Name, help, names).WithLabels(values).Set(value);
                break;
        }
    }
}
