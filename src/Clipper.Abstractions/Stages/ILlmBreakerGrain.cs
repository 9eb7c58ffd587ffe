namespace Clipper.Abstractions.Stages;

/// <summary>
/// The circuit breaker of one LLM provider for the whole cluster, keyed by the provider (service, endpoint and model):
/// after a number of consecutive failed ranking calls no job calls it for a while (Clipper:Score:BreakerFailures and
/// BreakerOpenFor). Held in memory: a silo restart closes it, which costs at most a few more failed calls.
/// </summary>
public interface ILlmBreakerGrain : IGrainWithStringKey
{
    /// <summary>Whether a job may call the provider now.</summary>
    Task<bool> Allow();

    /// <summary>A call ended: success closes the breaker, a failure counts towards opening it.</summary>
    Task Record(bool ok);

    /// <summary>Until when the breaker is open, or null when it is closed (for tests and diagnostics).</summary>
    Task<DateTimeOffset?> OpenUntil();
}
