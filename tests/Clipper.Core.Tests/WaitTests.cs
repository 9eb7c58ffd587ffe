using Clipper.TestSupport;

namespace Clipper.Core.Tests;

/// <summary>
/// The tests' one wait helper (it lives in TestSupport, which has no tests of its own): a condition that never comes
/// true fails the wait, naming the condition and what was last seen, instead of letting the test go on.
/// </summary>
[Trait("Category", "unit")]
public sealed class WaitTests
{
    [Fact]
    public async Task AConditionThatNeverHoldsThrowsNamingItAndWhatWasSeen()
    {
        int asked = 0;
        var e = await Assert.ThrowsAsync<TimeoutException>(() =>
            Wait.Until(() => Task.FromResult(++asked > 1000), TimeSpan.FromMilliseconds(500), () => $"asked {asked} times"));

        Assert.Contains("++asked > 1000", e.Message);
        Assert.Contains($"last seen: asked {asked} times", e.Message);
        Assert.InRange(asked, 2, 10);
    }

    [Fact]
    public async Task ForReturnsTheFirstValueThatSatisfiesAndOtherwiseThrowsWithTheLastOne()
    {
        int n = 0;
        Assert.Equal(3, await Wait.For(() => Task.FromResult(++n), v => v >= 3, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(1)));

        var e = await Assert.ThrowsAsync<TimeoutException>(() =>
            Wait.For(() => Task.FromResult(7), v => v > 7, TimeSpan.FromMilliseconds(100)));
        Assert.Contains("v => v > 7", e.Message);
        Assert.EndsWith("last seen: 7", e.Message);
    }

    [Fact]
    public async Task AConditionAlreadyTrueReturnsAtOnce()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Wait.Until(() => true, TimeSpan.Zero);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }
}
