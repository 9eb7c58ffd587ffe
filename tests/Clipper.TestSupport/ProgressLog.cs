namespace Clipper.TestSupport;

/// <summary>Records progress reports synchronously, in the order they are made (Progress&lt;T&gt; would post them later).</summary>
public sealed class ProgressLog(Action<double>? onReport = null) : IProgress<double>
{
    private readonly List<double> _values = [];

    public IReadOnlyList<double> Values
    {
        get
        {
            lock (_values)
            {
                return _values.ToList();
            }
        }
    }

    public void Report(double value)
    {
        lock (_values)
        {
            _values.Add(value);
        }

        onReport?.Invoke(value);
    }
}
