using Clipper.Samples;

namespace Clipper.Cli.Tests;

/// <summary>The plan of the benchmark's 60-minute source: what is said, by which voice, over which photo.</summary>
[Trait("Category", "unit")]
public sealed class LongSourcePlanTests
{
    [Fact]
    public void AnHourIsTheWholeTalkInSltThenRoundsInOtherVoicesWithTheReadingsBetween()
    {
        var plan = LongSource.Plan(60);
        var talk = SampleVideo.TalkParts();

        // the first round: every distinct sentence once, in the voice the recogniser reads best, then the readings
        Assert.Equal(talk.Select(p => p.Count), plan.Take(3).Select(p => p.Sentences!.Count));
        Assert.All(plan.Take(3), p => Assert.Equal("slt", p.Voice));
        Assert.True(plan[3].IsReading);
        // later rounds rotate the other voices, and neighbouring parts never share a photo
        Assert.Equal(["kal", "awb", "rms", "librivox", "awb", "rms", "slt"], plan.Skip(4).Take(7).Select(p => p.Voice));
        Assert.All(plan.Zip(plan.Skip(1)), pair => Assert.NotEqual(pair.First.Photo, pair.Second.Photo));
        // flite's slt speaks about 3.1 words a second: the plan's speech comes to an hour, not a part more
        double words = plan.Sum(p => p.Sentences?.Sum(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length) ?? 0);
        double seconds = (words / 3.1) + (plan.Sum(p => p.Sentences?.Count ?? 0) * 0.6) + (plan.Count(p => p.IsReading) * LongSource.ReadingSeconds);
        Assert.InRange(seconds, 3600, 3600 + 20);
    }
}
