using Clipper.Abstractions.Stages;
using Clipper.Stages.Transcribe;
using Clipper.Stages.Transcribe.Remote;
using Microsoft.Extensions.Options;

namespace Clipper.Grains.Stages;

/// <summary>
/// <see cref="IRemoteRateGrain"/>: a <see cref="RateWindow"/> in memory (one activation in the cluster; a window lost
/// with its silo starts empty, which can let one minute's burst through twice, never block for good).
/// </summary>
public sealed class RemoteRateGrain(IOptions<TranscribeOptions> options, TimeProvider clock) : Grain, IRemoteRateGrain
{
    private readonly RateWindow window = new(options.Value.Remote.RequestsPerMinute, options.Value.Remote.AudioMinutesPerMinute);

    public Task<TimeSpan> Take(double audioMinutes) => Task.FromResult(window.Take(clock.GetUtcNow(), audioMinutes));
}

/// <summary>
/// <see cref="IRemotePermits"/> through the cluster's <see cref="IRemoteRateGrain"/>: asks, and while told to wait,
/// waits (counted in the metrics as a queued piece) and asks again. No limit configured: no grain call at all.
/// </summary>
public sealed class GrainRemotePermits(IGrainFactory grains, string service, RemoteTranscribeOptions options,
    IClipperMetrics metrics, TimeProvider clock) : IRemotePermits
{
    public async ValueTask WaitAsync(double audioSeconds, CancellationToken cancel)
    {
        if (options.RequestsPerMinute <= 0 && options.AudioMinutesPerMinute <= 0)
        {
            return;
        }

        var grain = grains.GetGrain<IRemoteRateGrain>(service);
        bool queued = false;
        try
        {
            TimeSpan wait;
            while ((wait = await grain.Take(audioSeconds / 60).WaitAsync(cancel)) > TimeSpan.Zero)
            {
                if (!queued)
                {
                    queued = true;
                    metrics.RemoteQueued(service, 1);
                }

                await Task.Delay(wait, clock, cancel);
            }
        }
        finally
        {
            if (queued)
            {
                metrics.RemoteQueued(service, -1);
            }
        }
    }
}
