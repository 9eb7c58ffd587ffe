using Clipper.Core.Crop;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// The split layout chosen per shot from who talks when, on samples laid out by hand: two faces 900 px apart in a
/// 1920x1080 source (each half of a 9:16 output has the shape 1080x960, a 1214x1080 window there, which keeps the other
/// face out only when they are far enough apart), 5 samples a second; a talking mouth moves 8 grey levels a sample.
/// </summary>
[Trait("Category", "unit")]
public sealed class SplitChoiceTests
{
    private static readonly TrackOptions Options = new TrackOptions().Validate();

    [Fact]
    public void OverlappingSpeechSplitsTheShotAndSaysHowLongBothSpoke()
    {
        // both talk from 2 s to the end of a 16 s shot: a moment counts when both spoke within a second of it (talk is
        // judged over ±0.2 s, so from 1.8 s; both from 0.8 s)
        var (left, right, voice) = Talk(16, t => t >= 2, t => t >= 2);

        var d = SplitChoice.Decide(left, right, voice, Options);

        Assert.True(d.Split, d.Reason);
        Assert.Equal("both faces spoke in 15.2 of 16.0 s", d.Reason);
    }

    [Fact]
    public void CleanAlternationOfTurnsIsNotSplit()
    {
        // 4 s turns, each hand-over a 0.4 s pause: both spoke within the window only around the five hand-overs
        var (left, right, voice) = Talk(24, t => t % 8 < 3.6, t => t % 8 >= 4 && t % 8 < 7.6);

        var d = SplitChoice.Decide(left, right, voice, Options);

        Assert.False(d.Split, d.Reason);
        Assert.InRange(d.BothSeconds, 4, 12);
        Assert.EndsWith("(under 60 %): not split", d.Reason);
    }

    [Fact]
    public void ARapidBackAndForthIsSplit()
    {
        // turns of a second each: within any two seconds both have spoken
        var (left, right, voice) = Talk(12, t => (int)t % 2 == 0, t => (int)t % 2 == 1);

        Assert.True(SplitChoice.Decide(left, right, voice, Options).Split);
    }

    [Fact]
    public void AShortShotIsNotSplit()
    {
        var (left, right, voice) = Talk(2, _ => true, _ => true);

        var d = SplitChoice.Decide(left, right, voice, Options);

        Assert.False(d.Split);
        Assert.EndsWith("a shot shorter than 3 s: not split", d.Reason);
    }

    [Fact]
    public void AClipIsSingleInItsAlternatingShotAndSplitInItsOverlappingOneEachHalfOnItsFace()
    {
        // shot 1 (0-12 s): clean turns; a cut; shot 2 (12-24 s): both talk at once, the faces a little further right
        var samples = Enumerable.Range(0, 120).Select(i =>
        {
            double t = i / 5.0;
            bool second = t >= 12;
            bool l = second || t % 8 < 3.6, r = second || (t % 8 >= 4 && t % 8 < 7.6);
            double shift = second ? 60 : 0;
            return new Sample(t, [FaceAt(400 + shift, 420), FaceAt(1500 + shift, 440)], second && i == 60,
                [l ? 8.0 : 0, r ? 8.0 : 0], 0.6);
        }).ToList();

        var path = LayoutChoice.Choose(new PathFitter(Options, 1920, 1080, 1080, 1920).Fit(samples, 24), null, 120, 120);

        Assert.Equal([ClipLayouts.Single, ClipLayouts.Split], path.Shots!.Select(s => s.Layout));
        Assert.InRange(path.Shots![1].Start, 11.8, 12.0);
        Assert.Matches(@"^both faces spoke in [\d.]+ of 12\.0 s \(under 60 %\): not split$", path.Shots[0].Reason);
        Assert.Equal("both faces spoke in 12.0 of 12.0 s; stacked for a 1080x1920 output", path.Shots[1].Reason);
        // the split windows have the shape of the output's upper half (1080x960) and each holds its own face
        Assert.Equal((1214, 1080), (path.SplitWidth, path.SplitHeight));
        Assert.True(path.HasSplit);
        var top = path.Top!.Last(k => k.T <= 20);
        var bottom = path.Bottom!.Last(k => k.T <= 20);
        Assert.InRange(460, top.X, top.X + path.SplitWidth);
        Assert.True(1560 - 100 >= top.X + path.SplitWidth, $"the right face reaches into the upper window at x {top.X}");
        Assert.InRange(1560, bottom.X, bottom.X + path.SplitWidth);
        Assert.True(460 + 100 <= bottom.X, $"the left face reaches into the lower window at x {bottom.X}");
        // the clip's own layout is the one covering most of it (a tie goes to split), the reason lists both
        Assert.Equal(ClipLayouts.Split, path.Layout);
        Assert.Matches(@"^split in 1 of 2 shot\(s\) \([\d.]+ of 24\.0 s\), single in 1 of 2 shot\(s\) \([\d.]+ of 24\.0 s\); a face in 120 of 120 sampled frames$", path.LayoutReason);
    }

    [Theory]
    [InlineData(1920, 1080, 960)]
    [InlineData(1080, 1080, 540)]
    [InlineData(1080, 1350, 432)]
    public void TwoFacesTalkingTogetherGoSideBySideInAWideSquareOrFourByFiveOutputEachColumnOnItsFace(int width, int height, int window)
    {
        // both talk throughout, 1100 px apart in a 1920x1080 frame: a half of 4:5, 1:1 or 16:9 is too wide for one face,
        // a column is not
        var samples = Enumerable.Range(0, 60).Select(i => new Sample(i / 5.0, [FaceAt(420, 420), FaceAt(1520, 440)], false, [8.0, 8.0], 0.6)).ToList();

        var path = new PathFitter(Options, 1920, 1080, width, height).Fit(samples, 12);

        var shot = Assert.Single(path.Shots!);
        Assert.Equal((ClipLayouts.Split, $"both faces spoke in 12.0 of 12.0 s; side by side for a {width}x{height} output"), (shot.Layout, shot.Reason));
        Assert.Equal((true, window, 1080), (path.SideBySide, path.SplitWidth, path.SplitHeight));
        Assert.Contains("two faces side by side (split) in 1 of 1 shot(s)", path.Reason);
        var left = path.Top!.Last();
        var right = path.Bottom!.Last();
        Assert.True(left.X <= 420 - 100 && 420 + 100 <= left.X + window && left.X + window <= 1520 - 100, $"the left column's window at x {left.X}");
        Assert.True(right.X <= 1520 - 100 && 1520 + 100 <= right.X + window && 420 + 100 <= right.X, $"the right column's window at x {right.X}");
    }

    [Fact]
    public void TheJobsSplitStacksEveryShotWithTwoFacesAndLeavesAOneFaceShotSingle()
    {
        // nobody talks at all; shot 2 has one face
        var samples = Enumerable.Range(0, 60).Select(i =>
        {
            double t = i / 5.0;
            IReadOnlyList<Face> faces = t < 6 ? [FaceAt(400, 420), FaceAt(1500, 440)] : [FaceAt(900, 420)];
            return new Sample(t, faces, i == 30, faces.Select(_ => 0.0).ToList(), 0.6);
        }).ToList();

        var path = LayoutChoice.Choose(new PathFitter(Options, 1920, 1080, 1080, 1920).Fit(samples, 12, null, ClipLayouts.Split), ClipLayouts.Split, 60, 60);

        Assert.Equal([(ClipLayouts.Split, "the job asked for the split layout; stacked for a 1080x1920 output"), (ClipLayouts.Single, "the job asked for the split layout, but one face in the shot")],
            path.Shots!.Select(s => (s.Layout, s.Reason)));
    }

    [Fact]
    public void ASlideShotBetweenFaceShotsGetsTheFitLayoutAndAFlashDoesNot()
    {
        // 0-4 s a face; 4-8 s a slide (no face); 8-8.4 s a flash of no face; 8.4-12 s the face again
        var samples = Enumerable.Range(0, 60).Select(i =>
        {
            double t = i / 5.0;
            bool face = t < 4 || t >= 8.4;
            IReadOnlyList<Face> faces = face ? [FaceAt(600, 420)] : [];
            return new Sample(t, faces, i is 20 or 40 or 42, faces.Select(_ => 0.0).ToList(), 0.6);
        }).ToList();

        var path = LayoutChoice.Choose(new PathFitter(Options, 1920, 1080, 1080, 1920).Fit(samples, 12), null, 60, 38);

        Assert.Equal([ClipLayouts.Single, ClipLayouts.Fit, ClipLayouts.Single, ClipLayouts.Single], path.Shots!.Select(s => s.Layout));
        Assert.Equal("no face in the shot's 20 sampled frames", path.Shots![1].Reason);
        Assert.Equal("no face in the shot, shorter than 1 s: the window held where the face was", path.Shots[2].Reason);
        Assert.Equal(ClipLayouts.Single, path.Layout);
        Assert.StartsWith("single in 3 of 4 shot(s) (8.0 of 12.0 s), fit in 1 of 4 shot(s) (4.0 of 12.0 s)", path.LayoutReason);
        // the job's single keeps the window on the face's place through the slide
        var single = new PathFitter(Options, 1920, 1080, 1080, 1920).Fit(samples, 12, null, ClipLayouts.Single);
        Assert.DoesNotContain(single.Shots!, s => s.Layout == ClipLayouts.Fit);
    }

    [Fact]
    public void FacesTooCloseForAHalfEachAreNotSplit()
    {
        // 500 px apart: a 1214 px window on either face holds the other
        var samples = Enumerable.Range(0, 60).Select(i => new Sample(i / 5.0, [FaceAt(700, 420), FaceAt(1200, 440)], false, [8.0, 8.0], 0.6)).ToList();

        var path = new PathFitter(Options, 1920, 1080, 1080, 1920).Fit(samples, 12, null, ClipLayouts.Split);

        var shot = Assert.Single(path.Shots!);
        Assert.Equal(ClipLayouts.Single, shot.Layout);
        Assert.StartsWith("the job asked for the split layout, but two faces too close together for a half each (500 px apart", shot.Reason);
        Assert.False(path.HasSplit);
    }

    private static (double[] Left, double[] Right, double[] Voice) Talk(double seconds, Func<double, bool> left, Func<double, bool> right)
    {
        int n = (int)(seconds * 5);
        var times = Enumerable.Range(0, n).Select(i => i / 5.0).ToArray();
        return (times.Select(t => left(t) ? 8.0 : 0).ToArray(), times.Select(t => right(t) ? 8.0 : 0).ToArray(),
            times.Select(t => left(t) || right(t) ? 0.6 : 0.02).ToArray());
    }

    private static Face FaceAt(double centreX, double centreY)
    {
        const double size = 200;
        double l = centreX - size / 2, t = centreY - size / 2;
        FacePoint P(double fx, double fy) => new(l + fx * size, t + fy * size);
        return new Face(l, t, size, size, 0.9, [P(0.3, 0.35), P(0.7, 0.35), P(0.5, 0.55), P(0.5, 0.75), P(0.08, 0.4), P(0.92, 0.4)]);
    }
}
