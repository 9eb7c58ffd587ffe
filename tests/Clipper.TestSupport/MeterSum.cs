using System.Diagnostics.Metrics;

namespace Clipper.TestSupport;

/// <summary>
/// The running sum of one instrument's long measurements from the meters one <see cref="IMeterFactory"/> made (one
/// silo's), from now on: other silos in the test process count their own.
/// </summary>
public sealed class MeterSum : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _sum;

    public MeterSum(IMeterFactory meters, string instrument)
    {
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Scope == meters && i.Name == instrument)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _sum, value));
        _listener.Start();
    }

    public long Value => Interlocked.Read(ref _sum);

    public void Dispose() => _listener.Dispose();
}
