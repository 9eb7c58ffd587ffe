namespace Clipper.Stages.Transcribe.Tests;

/// <summary>Keeps every progress report in order, on the reporting thread (unlike Progress&lt;T&gt;, which posts).</summary>
internal sealed class RecordingProgress(Action<double>? onReport = null) : IProgress<double>
{
    private readonly List<double> values = [];

    public IReadOnlyList<double> Values
    {
        get
        {
            lock (values)
            {
                return values.ToList();
            }
        }
    }

    public void Report(double value)
    {
        lock (values)
        {
            values.Add(value);
        }

        onReport?.Invoke(value);
    }
}
