using Clipper.Core.Crop;

namespace Clipper.Stages.Track.Tests;

/// <summary>The layout of a clip from what its sampled frames held, and the job's choice over it.</summary>
[Trait("Category", "unit")]
public sealed class LayoutChoiceTests
{
    private static readonly CropPath Followed = new(1280, 720, 404, 720, [new Keyframe(0, 300, 0)], "face", "followed the main face");

    private static CropPath Centre(string reason) => CropPath.Centre(1280, 720, 1080, 1920, reason);

    [Fact]
    public void AClipWithNoFaceGetsTheFitLayoutSayingSo()
    {
        var path = LayoutChoice.Choose(Centre("no face found in 12 sampled frames"), null, 12, 0);
        Assert.Equal((ClipLayouts.Fit, "no face in 0 of 12 sampled frames"), (path.Layout, path.LayoutReason));
        Assert.True(path.IsFit);
    }

    [Fact]
    public void AClipWithTooFewFacesToFollowGetsTheFitLayout()
    {
        var path = LayoutChoice.Choose(Centre("a face was found in only 2 of 40 sampled frames"), ClipLayouts.Auto, 40, 2);
        Assert.Equal((ClipLayouts.Fit, "a face in only 2 of 40 sampled frames"), (path.Layout, path.LayoutReason));
    }

    [Fact]
    public void AFollowedFaceKeepsTheSingleLayout()
    {
        var path = LayoutChoice.Choose(Followed, null, 12, 11);
        Assert.Equal((ClipLayouts.Single, "a face in 11 of 12 sampled frames"), (path.Layout, path.LayoutReason));
        Assert.Equal(Followed.Keyframes, path.Keyframes);
    }

    [Fact]
    public void NothingSampledKeepsTodaysCentreCropWithItsReason()
    {
        var path = LayoutChoice.Choose(Centre("ffmpeg could not decode the clip"), null, 0, 0);
        Assert.Equal((ClipLayouts.Single, "no frames to judge: ffmpeg could not decode the clip"), (path.Layout, path.LayoutReason));
    }

    [Fact]
    public void TheJobsChoiceWinsEitherWay()
    {
        Assert.Equal(ClipLayouts.Single, LayoutChoice.Choose(Centre("no face found in 12 sampled frames"), ClipLayouts.Single, 12, 0).Layout);
        var fit = LayoutChoice.Choose(Followed, ClipLayouts.Fit, 12, 12);
        Assert.Equal((ClipLayouts.Fit, "the job asked for the fit layout"), (fit.Layout, fit.LayoutReason));
    }
}
