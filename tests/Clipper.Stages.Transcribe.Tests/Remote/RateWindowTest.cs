using Clipper.Stages.Transcribe.Remote;

namespace Clipper.Stages.Transcribe.Tests.Remote;

/// <summary>The cluster-wide rate limit's arithmetic: a sliding minute of requests and audio minutes.</summary>
[Trait("Category", "unit")]
public sealed class RateWindowTest
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public void OverTheRequestLimitARequestWaitsUntilTheOldestLeavesTheMinute()
    {
        var w = new RateWindow(requestsPerMinute: 2, audioMinutesPerMinute: 0);
        Assert.Equal(TimeSpan.Zero, w.Take(T0, 1));
        Assert.Equal(TimeSpan.Zero, w.Take(T0.AddSeconds(10), 1));
        Assert.Equal(TimeSpan.FromSeconds(45), w.Take(T0.AddSeconds(15), 1));
        // asking again before then is still refused, and not counted
        Assert.Equal(TimeSpan.FromSeconds(1), w.Take(T0.AddSeconds(59), 1));
        Assert.Equal(2, w.Requests);
        Assert.Equal(TimeSpan.Zero, w.Take(T0.AddSeconds(60), 1));
        Assert.Equal(TimeSpan.FromSeconds(10), w.Take(T0.AddSeconds(60), 1));
    }

    [Fact]
    public void OverTheAudioLimitARequestWaitsUntilEnoughMinutesLeave()
    {
        var w = new RateWindow(requestsPerMinute: 0, audioMinutesPerMinute: 10);
        Assert.Equal(TimeSpan.Zero, w.Take(T0, 4));
        Assert.Equal(TimeSpan.Zero, w.Take(T0.AddSeconds(5), 4));
        // 8 in the window: 6 more fits only when the first 4 have left (and then 4 + 6 = 10)
        Assert.Equal(TimeSpan.FromSeconds(40), w.Take(T0.AddSeconds(20), 6));
        Assert.Equal(TimeSpan.Zero, w.Take(T0.AddSeconds(60), 6));
    }

    [Fact]
    public void APieceLargerThanTheAudioLimitGoesAloneInsteadOfNever()
    {
        var w = new RateWindow(requestsPerMinute: 0, audioMinutesPerMinute: 5);
        Assert.Equal(TimeSpan.Zero, w.Take(T0, 12));
        Assert.Equal(TimeSpan.FromSeconds(60), w.Take(T0, 12));
        Assert.Equal(TimeSpan.Zero, w.Take(T0.AddSeconds(60), 12));
    }
}
