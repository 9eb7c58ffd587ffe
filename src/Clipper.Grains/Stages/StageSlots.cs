using System.Collections.Concurrent;
using System.Diagnostics;
using Clipper.Abstractions.Jobs;

namespace Clipper.Grains.Stages;

/// <summary>
/// This silo's slots per stage (<see cref="StageLimits.Concurrency"/> of each), with the queued and running gauges
/// and each run's time and outcome reported to <see cref="IClipperMetrics"/>.
/// </summary>
public sealed class StageSlots
{
    private readonly Dictionary<Stage, SemaphoreSlim> _slots;
    private readonly ConcurrentDictionary<Stage, int> _running = new();
    private readonly IClipperMetrics _metrics;

    public StageSlots(JobOptions jobs, IClipperMetrics metrics)
    {
        _metrics = metrics;
        _slots = Enum.GetValues<Stage>().ToDictionary(s => s, s => new SemaphoreSlim(Math.Max(1, jobs.For(s).Concurrency)));
    }

    /// <summary>Units of the stage running on this silo now.</summary>
    public int Running(Stage stage) => _running.TryGetValue(stage, out var n) ? n : 0;

    /// <summary>Waits (counted as queued) for a free slot of the stage; the slot counts as running until released.</summary>
    public async Task<Slot> TakeAsync(Stage stage, CancellationToken cancel)
    {
        var slot = _slots[stage];
        _metrics.Queued(stage, 1);
        try
        {
            await slot.WaitAsync(cancel);
        }
        finally
        {
            _metrics.Queued(stage, -1);
        }

        _metrics.Running(stage, _running.AddOrUpdate(stage, 1, (_, n) => n + 1));
        return new Slot(this, stage);
    }

    public sealed class Slot(StageSlots owner, Stage stage)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        /// <summary>Reports the run ("ok", "failed" or "cancelled") and its time, and frees the slot.</summary>
        public void Release(string outcome)
        {
            owner._metrics.StageRan(stage, _clock.Elapsed.TotalSeconds, outcome);
            owner._metrics.Running(stage, owner._running.AddOrUpdate(stage, 0, (_, n) => n - 1));
            owner._slots[stage].Release();
        }
    }
}
