using Clipper.Abstractions.Stages;
using Clipper.Stages.Score;
using Clipper.Stages.Score.Llm;
using Microsoft.Extensions.Options;

namespace Clipper.Grains.Ranking;

/// <summary><see cref="ILlmBreakerGrain"/>: a <see cref="CircuitBreaker"/> in memory; its openings are counted in metrics.</summary>
public sealed class LlmBreakerGrain(IOptions<ScoreOptions> options, TimeProvider clock, IClipperMetrics metrics) : Grain, ILlmBreakerGrain
{
    private readonly CircuitBreaker _breaker = new(options.Value.BreakerFailures, options.Value.BreakerOpenFor, clock);

    public Task<bool> Allow() => Task.FromResult(_breaker.Allow());

    public Task Record(bool ok)
    {
        int opened = _breaker.Opened;
        _breaker.Record(ok);
        if (_breaker.Opened > opened)
        {
            metrics.LlmBreakerOpened(this.GetPrimaryKeyString());
        }

        return Task.CompletedTask;
    }

    public Task<DateTimeOffset?> OpenUntil() => Task.FromResult(_breaker.OpenUntil);
}

/// <summary>The <see cref="ILlmGate"/> of a provider: its cluster-wide breaker grain.</summary>
public sealed class GrainLlmGate(IGrainFactory grains, string provider) : ILlmGate
{
    public async ValueTask<bool> AllowAsync(CancellationToken cancel) => await grains.GetGrain<ILlmBreakerGrain>(provider).Allow();

    public async ValueTask RecordAsync(bool ok, CancellationToken cancel) => await grains.GetGrain<ILlmBreakerGrain>(provider).Record(ok);
}
