namespace Clipper.Stages.Fetch;

/// <summary>Maps the phases of a fetch onto 0..1 and never reports a smaller fraction, or the same one twice.</summary>
internal sealed class FetchProgress(IProgress<double>? listener)
{
    private double last = -1;

    public void Report(double fraction)
    {
        double f = Math.Clamp(fraction, 0, 1);
        // Whole percents are plenty for a progress bar, and the byte loop reports every buffer.
        if (f >= 1 ? last < 1 : f >= last + 0.01)
        {
            last = f;
            listener?.Report(f);
        }
    }

    /// <summary>A phase that runs from <paramref name="from"/> to <paramref name="to"/> of the whole.</summary>
    public Action<double> Range(double from, double to) => f => Report(from + (to - from) * Math.Clamp(f, 0, 1));
}
