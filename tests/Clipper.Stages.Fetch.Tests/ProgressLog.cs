namespace Clipper.Stages.Fetch.Tests;

/// <summary>Records progress reports as they happen (unlike <see cref="Progress{T}"/>, which posts them later).</summary>
public sealed class ProgressLog : IProgress<double>
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
    }

    /// <summary>Asserts the reports only ever rose and ended at exactly 1.</summary>
    public void AssertRisingToOne(int atLeast)
    {
        var v = Values;
        Assert.True(v.Count >= atLeast, $"expected at least {atLeast} reports: {string.Join(", ", v)}");
        Assert.Equal(1.0, v[^1]);
        for (int i = 1; i < v.Count; i++)
        {
            Assert.True(v[i] > v[i - 1], $"progress fell or repeated: {string.Join(", ", v)}");
        }
    }
}
