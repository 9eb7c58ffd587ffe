namespace Clipper.Grains.Stages;

/// <summary>Passes progress on at most every half second or 2 %, never decreasing (stages report from any thread).</summary>
public sealed class ThrottledProgress(Action<double> send) : IProgress<double>
{
    private readonly Lock _gate = new();
    private double _last = -1;
    private long _lastAt;

    public void Report(double value)
    {
        lock (_gate)
        {
            var now = Environment.TickCount64;
            if (value <= _last || (value < 1 && value - _last < 0.02 && now - _lastAt < 500))
            {
                return;
            }

            _last = value;
            _lastAt = now;
        }

        send(Math.Clamp(value, 0, 1));
    }
}
