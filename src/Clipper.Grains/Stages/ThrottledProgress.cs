namespace Clipper.Grains.Stages;

/// <summary>
/// Passes progress on at most every <paramref name="interval"/> unless it moved by <paramref name="step"/>, never
/// decreasing (stages report from any thread); see <see cref="JobOptions.ProgressInterval"/>.
/// </summary>
public sealed class ThrottledProgress(Action<double> send, TimeSpan interval, double step) : IProgress<double>
{
    private readonly Lock _gate = new();
    private double _last = -1;
    private long _lastAt;

    public void Report(double value)
    {
        lock (_gate)
        {
            var now = Environment.TickCount64;
            if (value <= _last || (value < 1 && value - _last < step && now - _lastAt < interval.TotalMilliseconds))
            {
                return;
            }

            _last = value;
            _lastAt = now;
        }

        send(Math.Clamp(value, 0, 1));
    }
}
