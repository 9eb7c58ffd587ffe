namespace Clipper.Stages.Score.Llm;

/// <summary>
/// Whether the provider may be called now, and what came of a call: the circuit breaker's view. One gate per
/// provider; the silo's is a grain so every job of the cluster shares it.
/// </summary>
public interface ILlmGate
{
    ValueTask<bool> AllowAsync(CancellationToken cancel);

    /// <summary>A call ended: <paramref name="ok"/> closes the breaker, a failure counts towards opening it.</summary>
    ValueTask RecordAsync(bool ok, CancellationToken cancel);
}

/// <summary>
/// A circuit breaker: after <c>failures</c> consecutive failed calls it stays open (no call) for <c>open</c>; then
/// one call is let through, and its outcome closes the breaker or opens it for another period. Plain logic with the
/// time from a <see cref="TimeProvider"/>; not thread-safe alone (the grain serialises calls; tests lock).
/// </summary>
public sealed class CircuitBreaker(int failures, TimeSpan open, TimeProvider time)
{
    private int _consecutive;
    private DateTimeOffset? _openUntil;

    /// <summary>When the one trial call of a half-open breaker is given up on if it never reports (its caller died).</summary>
    private DateTimeOffset? _trialUntil;

    /// <summary>How many times the breaker opened.</summary>
    public int Opened { get; private set; }

    public bool IsOpen => _openUntil is { } until && time.GetUtcNow() < until;

    public DateTimeOffset? OpenUntil => IsOpen ? _openUntil : null;

    /// <summary>
    /// Closed: yes. Open: no. Half-open (the open period over): yes to the first caller only, no to the others until its
    /// outcome is recorded (or, if it never is, for another open period).
    /// </summary>
    public bool Allow()
    {
        var now = time.GetUtcNow();
        if (_openUntil is not { } until)
        {
            return true;
        }

        if (now < until || (_trialUntil is { } trial && now < trial))
        {
            return false;
        }

        _trialUntil = now + open;
        return true;
    }

    public void Record(bool ok)
    {
        _trialUntil = null;
        if (ok)
        {
            _consecutive = 0;
            _openUntil = null;
            return;
        }

        _consecutive++;
        if (_consecutive >= failures)
        {
            _openUntil = time.GetUtcNow() + open;
            Opened++;
        }
    }
}

/// <summary>A gate over one <see cref="CircuitBreaker"/> in this process (tests, and a silo-less caller).</summary>
public sealed class LocalLlmGate(CircuitBreaker breaker) : ILlmGate
{
    private readonly Lock _lock = new();

    public CircuitBreaker Breaker => breaker;

    public ValueTask<bool> AllowAsync(CancellationToken cancel)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(breaker.Allow());
        }
    }

    public ValueTask RecordAsync(bool ok, CancellationToken cancel)
    {
        lock (_lock)
        {
            breaker.Record(ok);
        }

        return ValueTask.CompletedTask;
    }
}
