using Clipper.Host.Cli.Bench;

namespace Clipper.Cli.Tests;

/// <summary>How the benchmark splits sampled CPU among the stages that had units running.</summary>
[Trait("Category", "unit")]
public sealed class StageUsageTests
{
    private static UsageSample At(double t, double cpu, params (string Stage, long Units)[] running) =>
        new(t, cpu, running.ToDictionary(r => r.Stage, r => r.Units));

    [Fact]
    public void AnIntervalGoesToItsOnlyStageAndOverlapsSplitByTheUnitsRunning()
    {
        var shares = StageUsage.Split(
        [
            At(0, 0),
            At(1, 0.5, ("transcribe", 1)),           // half of it when nothing ran at the start: still transcribe's
            At(2, 2.5, ("transcribe", 1)),
            At(3, 4.5, ("track", 1), ("encode", 1)), // means: transcribe 0.5, track 0.5, encode 0.5 of 1.5 units
            At(4, 6.5, ("encode", 2), ("track", 0)), // means: track 0.5, encode 1.5 of 2
            At(5, 7.0),                              // encode 1 of 1
            At(6, 7.25),                             // nothing ran at either end
        ]);

        Assert.Equal(
        [
            new StageShare("transcribe", 3, 0.5 + 2 + (2 / 3.0)),
            new StageShare("track", 2, (2 / 3.0) + 0.5),
            new StageShare("encode", 3, (2 / 3.0) + 1.5 + 0.5),
            new StageShare(StageUsage.Idle, 1, 0.25),
        ], shares.Select(s => s with { CpuSeconds = Math.Round(s.CpuSeconds, 9) }),
            new StageShareComparer());
        Assert.Equal(7.25, shares.Sum(s => s.CpuSeconds), 9);
    }

    [Fact]
    public void NoIdleRowWhenUnitsRanThroughout() =>
        Assert.Equal(["encode"], StageUsage.Split([At(0, 0, ("encode", 1)), At(1, 1, ("encode", 1))]).Select(s => s.Stage));

    private sealed class StageShareComparer : IEqualityComparer<StageShare>
    {
        public bool Equals(StageShare? x, StageShare? y) =>
            x!.Stage == y!.Stage && Math.Abs(x.WallSeconds - y.WallSeconds) < 1e-9 && Math.Abs(x.CpuSeconds - y.CpuSeconds) < 1e-9;

        public int GetHashCode(StageShare obj) => obj.Stage.GetHashCode(StringComparison.Ordinal);
    }
}
