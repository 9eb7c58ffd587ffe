using System.Globalization;
using Clipper.Core.Crop;
using Clipper.TestSupport;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// A wide shot with two small faces (<see cref="WideShotFixture"/>: the alternating dialogue, each face a seventh of the
/// frame's height): the tracker still finds both, tells from their mouths and the sound who talks, and keeps the
/// speaking face in the 9:16 window; a plain wall behind two small faces is no screen share.
/// </summary>
[Trait("Category", "media")]
public sealed class WideShotTests(WideShotFixture fixture) : IClassFixture<WideShotFixture>
{
    [Fact]
    public void TheSpeakingSmallFaceIsInTheWindowInNinetyPercentOfSampledTimes()
    {
        var (inside, judged) = SpeakerTruth.Coverage(fixture.Dialogue, fixture.Path);
        var shot = Assert.Single(fixture.Path.Shots!);
        Measurements.Record(string.Create(CultureInfo.InvariantCulture,
            $"wide shot, two faces {fixture.Dialogue.FaceHeight:0} px high in 1280x720: the speaking face in the 9:16 window at {inside} of {judged} sampled times "
            + $"({100.0 * inside / judged:0.0}%); {shot.Layout}: {shot.Reason}"));
        Assert.True(inside >= 0.9 * judged, $"the speaking face was in the window at {inside} of {judged} sampled times; {fixture.Path.Reason}");
        Assert.Equal(ClipLayouts.Single, shot.Layout);
        Assert.Contains("followed the active speaker in 1 shot(s) with two or more faces", fixture.Path.Reason);
    }
}
