using Clipper.Core.Crop;
using Clipper.Core.Errors;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// The active speaker's decisions and hysteresis on samples laid out by hand: two faces 900 px apart in a 1920x1080
/// source (a 9:16 window, 608 px, holds one), 5 samples a second; a talking mouth moves 8 grey levels a sample, a
/// listening one 0, and the sound is at 0.6 of its loud level while anyone talks.
/// </summary>
[Trait("Category", "unit")]
public sealed class ActiveSpeakerFitTests
{
    internal const int Window = 608;
    internal const double Left = 500;
    internal const double Right = 1400;

    [Fact]
    public void SwitchesToTheNewSpeakerWithACutAtTheStartOfTheirTurn()
    {
        var samples = Dialogue(14, t => t < 6 ? 0 : 1);

        var path = Fit(new TrackOptions(), samples, 14);

        Assert.Equal(2, path.Keyframes.Count);
        Assert.InRange(Centre(path.Keyframes[0]), Left - 5, Left + 5);
        Assert.InRange(Centre(path.Keyframes[1]), Right - 5, Right + 5);
        // the jump comes between the last sample of the old turn and the first of the new, not after a pan
        Assert.InRange(path.Keyframes[1].T, 5.6, 6.0);
        Assert.Contains("followed the active speaker in 1 shot(s) with two or more faces (1 speaker switch(es), each a cut)", path.Reason);
    }

    [Fact]
    public void AnInterjectionShorterThanTheMinimumTurnDoesNotSwitch()
    {
        // the right face says something for one second in the middle of the left face's talk
        var samples = Dialogue(12, t => t >= 5 && t < 6 ? 1 : 0);

        var held = Fit(new TrackOptions(), samples, 12);
        var eager = Fit(new TrackOptions { MinSpeakerTurn = 0.5 }, samples, 12);

        var k = Assert.Single(held.Keyframes);
        Assert.InRange(Centre(k), Left - 5, Left + 5);
        Assert.Contains("(0 speaker switch(es), each a cut)", held.Reason);
        Assert.Equal(3, eager.Keyframes.Count);
        Assert.InRange(Centre(eager.Keyframes[1]), Right - 5, Right + 5);
    }

    [Fact]
    public void APauseKeepsTheLastSpeakerInTheWindow()
    {
        // the right face talks 0-5 s, nobody 5-9 s, the left face from 9 s: the window waits on the right face
        var samples = Dialogue(14, t => t < 5 ? 1 : t < 9 ? -1 : 0);

        var path = Fit(new TrackOptions(), samples, 14);

        Assert.Equal(2, path.Keyframes.Count);
        Assert.InRange(Centre(path.Keyframes[0]), Right - 5, Right + 5);
        Assert.InRange(path.Keyframes[1].T, 8.6, 9.0);
    }

    [Fact]
    public void WithoutSoundOrWithNobodyTalkingTwoFacesAreFollowedAsBefore()
    {
        var talking = Dialogue(10, t => t < 5 ? 0 : 1);
        var silent = talking.Select(s => s with { Voice = double.NaN }).ToList();
        var still = talking.Select(s => s with { Mouth = [0.0, 0.0] }).ToList();
        var before = Fit(new TrackOptions { FollowSpeaker = false }, talking, 10);

        foreach (var samples in new[] { silent, still })
        {
            var path = Fit(new TrackOptions(), samples, 10);
            Assert.Equal(before.Keyframes, path.Keyframes);
            Assert.Equal(before.Reason, path.Reason);
            Assert.DoesNotContain("speaker", path.Reason);
        }
    }

    [Fact]
    public void OneFaceIsFollowedExactlyAsWithTheSpeakerOff()
    {
        // one talking face that walks across the frame
        var samples = Enumerable.Range(0, 50)
            .Select(i => new Sample(i / 5.0, [FaceAt(400 + 20 * i, 500)], false, [i % 2 == 0 ? 8.0 : 2.0], 0.6)).ToList();

        var on = Fit(new TrackOptions(), samples, 10);
        var off = Fit(new TrackOptions { FollowSpeaker = false }, samples, 10);

        Assert.True(on.Keyframes.Count > 5, $"{on.Keyframes.Count} keyframes");
        Assert.Equal(off.Keyframes, on.Keyframes);
        Assert.Equal(off.Reason, on.Reason);
    }

    [Theory]
    [InlineData(nameof(TrackOptions.MinSpeakerTurn), -1)]
    [InlineData(nameof(TrackOptions.MinMouthActivity), 0)]
    [InlineData(nameof(TrackOptions.SpeakerDominance), 0.9)]
    [InlineData(nameof(TrackOptions.SplitWindow), 0)]
    [InlineData(nameof(TrackOptions.SplitMinShare), 1.5)]
    [InlineData(nameof(TrackOptions.SplitMinShot), -1)]
    [InlineData(nameof(TrackOptions.FitMinShot), -1)]
    [InlineData(nameof(TrackOptions.ReactionMinTurn), 0)]
    [InlineData(nameof(TrackOptions.ReactionLength), 0)]
    [InlineData(nameof(TrackOptions.ReactionMargin), -1)]
    public void OutOfRangeSpeakerSettingsAreRejected(string name, double value)
    {
        var options = new TrackOptions();
        typeof(TrackOptions).GetProperty(name)!.SetValue(options, value);

        var e = Assert.Throws<ClipperException>(() => options.Validate());

        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.StartsWith(name, e.Message);
    }

    /// <summary>
    /// Both faces in every sample; <paramref name="speaker"/> says who talks at time t (0 left, 1 right, -1 nobody).
    /// </summary>
    internal static List<Sample> Dialogue(double seconds, Func<double, int> speaker) =>
        Enumerable.Range(0, (int)(seconds * 5)).Select(i =>
        {
            double t = i / 5.0;
            int who = speaker(t);
            return new Sample(t, [FaceAt(Left, 400), FaceAt(Right, 420)], false,
                [who == 0 ? 8.0 : 0.0, who == 1 ? 8.0 : 0.0], who < 0 ? 0.02 : 0.6);
        }).ToList();

    internal static CropPath Fit(TrackOptions options, List<Sample> samples, double duration) =>
        new PathFitter(options.Validate(), 1920, 1080, 1080, 1920).Fit(samples, duration);

    internal static double Centre(Keyframe k) => k.X + Window / 2.0;

    internal static Face FaceAt(double centreX, double centreY)
    {
        const double size = 200;
        double l = centreX - size / 2, t = centreY - size / 2;
        FacePoint P(double fx, double fy) => new(l + fx * size, t + fy * size);
        return new Face(l, t, size, size, 0.9, [P(0.3, 0.35), P(0.7, 0.35), P(0.5, 0.55), P(0.5, 0.75), P(0.08, 0.4), P(0.92, 0.4)]);
    }
}
