namespace Clipper.Grains.Jobs;

/// <summary>
/// The job's one timer, armed at the earliest moment something is due: a retry's time, or the next liveness check
/// while work is in flight. Arming a later time than the one armed keeps the earlier one; when it fires the job
/// arms it again for whatever is due next.
/// </summary>
public sealed class WakeTimer(Func<TimeSpan, IDisposable> register, TimeProvider clock) : IDisposable
{
    private IDisposable? _timer;

    /// <summary>When the armed timer fires, or null.</summary>
    public DateTimeOffset? Due { get; private set; }

    public void Arm(DateTimeOffset? due)
    {
        if (due is null || (Due is { } armed && armed <= due))
        {
            return;
        }

        _timer?.Dispose();
        var wait = due.Value - clock.GetUtcNow();
        _timer = register(wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
        Due = due;
    }

    /// <summary>The timer fired: nothing is armed until the next <see cref="Arm"/>.</summary>
    public void Fired()
    {
        _timer?.Dispose();
        _timer = null;
        Due = null;
    }

    public void Dispose() => Fired();
}
