using Clipper.TestSupport;

namespace Clipper.Stages.Fetch.Tests;

public static class ProgressLogAssertions
{
    /// <summary>Asserts the reports only ever rose and ended at exactly 1.</summary>
    public static void AssertRisingToOne(this ProgressLog log, int atLeast)
    {
        var v = log.Values;
        Assert.True(v.Count >= atLeast, $"expected at least {atLeast} reports: {string.Join(", ", v)}");
        Assert.Equal(1.0, v[^1]);
        for (int i = 1; i < v.Count; i++)
        {
            Assert.True(v[i] > v[i - 1], $"progress fell or repeated: {string.Join(", ", v)}");
        }
    }
}
