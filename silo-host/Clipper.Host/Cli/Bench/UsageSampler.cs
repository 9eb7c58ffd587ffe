using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Clipper.Core.Processes;
using Clipper.Grains;

namespace Clipper.Host.Cli.Bench;

/// <summary>
/// Samples a run in this process every <see cref="Interval"/>: the CPU seconds of this process and of every process
/// below it (live descendants' own and reaped children's time, so ffmpeg and pocketsphinx count while they run), the
/// units running per stage on the silo (its <c>clipper_stage_running</c> gauge, read through a
/// <see cref="MeterListener"/>), and the peak resident memory of each descendant (its VmHWM, read while it lives, so
/// a process living less than an interval may go unseen). The units' own CPU meters
/// (<c>clipper_stage_cpu_seconds_total</c>) are summed per stage beside, as a cross-check of the split.
/// </summary>
public sealed class UsageSampler : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _running = [];
    private readonly Dictionary<string, double> _unitCpu = [];
    private readonly List<UsageSample> _samples = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly int _self = Environment.ProcessId;
    private readonly Task _loop;
    private (long Kb, string Name) _childPeak = (0, "none");

    private UsageSampler()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ClipperMeter.MeterName
                && instrument.Name is "clipper_stage_running" or "clipper_stage_cpu_seconds_total")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            lock (_running)
            {
                _running[Stage(tags)] = value;
            }
        });
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            lock (_unitCpu)
            {
                _unitCpu[Stage(tags)] = _unitCpu.GetValueOrDefault(Stage(tags)) + value;
            }
        });
        _listener.Start();
        Sample();
        _loop = LoopAsync();
    }

    public static UsageSampler Start() => new();

    /// <summary>Stops sampling (one last sample) and returns what was seen.</summary>
    public async Task<Usage> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Sample();
        lock (_unitCpu)
        {
            return new Usage([.. _samples], StageUsage.Split(_samples), new Dictionary<string, double>(_unitCpu),
                SelfPeakKb(), _childPeak.Kb, _childPeak.Name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    private void Sample()
    {
        _listener.RecordObservableInstruments();
        double cpu = TreeCpu();
        lock (_running)
        {
            _samples.Add(new UsageSample(_clock.Elapsed.TotalSeconds, cpu, new Dictionary<string, long>(_running)));
        }
    }

    /// <summary>
    /// CPU seconds of this process with its reaped children, plus each live descendant's own and reaped children's:
    /// a child's time moves from the second sum to the first when it is reaped, so the total only grows.
    /// </summary>
    private double TreeCpu()
    {
        var parents = new Dictionary<int, List<int>>();
        var stats = new Dictionary<int, string[]>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || Read(Path.Combine(dir, "stat")) is not { } stat)
            {
                continue;
            }

            var f = ProcessCpu.StatFields(stat);
            stats[pid] = f;
            int parent = int.Parse(f[1], CultureInfo.InvariantCulture);
            if (!parents.TryGetValue(parent, out var children))
            {
                parents[parent] = children = [];
            }

            children.Add(pid);
        }

        double total = 0;
        var queue = new Queue<int>([_self]);
        while (queue.Count > 0)
        {
            int pid = queue.Dequeue();
            if (stats.TryGetValue(pid, out var f))
            {
                total += Ticks(f, 11) + Ticks(f, 12) + Ticks(f, 13) + Ticks(f, 14);
                if (pid != _self)
                {
                    NotePeak(pid, stats[pid]);
                }
            }

            foreach (int child in parents.GetValueOrDefault(pid) ?? [])
            {
                queue.Enqueue(child);
            }
        }

        return total;
    }

    private void NotePeak(int pid, string[] stat)
    {
        if (Read($"/proc/{pid}/status") is not { } status || Kb(status, "VmHWM:") is not { } kb || kb <= _childPeak.Kb)
        {
            return;
        }

        var name = Read($"/proc/{pid}/comm")?.Trim() ?? stat[0];
        _childPeak = (kb, name);
    }

    private static double Ticks(string[] f, int i) => long.Parse(f[i], CultureInfo.InvariantCulture) / 100.0;

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long? Kb(string status, string key)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(new string(line.Where(char.IsDigit).ToArray()), CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>This process's peak resident set (VmHWM), in KiB.</summary>
    public static long SelfPeakKb() => Read("/proc/self/status") is { } s ? Kb(s, "VmHWM:") ?? -1 : -1;

    private static string Stage(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var t in tags)
        {
            if (t.Key == "stage")
            {
                return t.Value?.ToString() ?? "?";
            }
        }

        return "?";
    }
}

/// <summary>What a <see cref="UsageSampler"/> saw: the samples, their split by stage, the units' own CPU per stage, and peak memory.</summary>
public sealed record Usage(IReadOnlyList<UsageSample> Samples, IReadOnlyList<StageShare> Stages, IReadOnlyDictionary<string, double> UnitCpu,
    long SelfPeakKb, long ChildPeakKb, string ChildPeakName)
{
    public double WallSeconds => Samples.Count < 2 ? 0 : Samples[^1].At - Samples[0].At;

    public double CpuSeconds => Samples.Count < 2 ? 0 : Samples[^1].CpuSeconds - Samples[0].CpuSeconds;
}
