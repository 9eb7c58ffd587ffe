using Clipper.Core.Crop;
using Clipper.Core.Errors;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// The screen layout's choice and geometry on detections laid out by hand (a 1920x1080 source, 5 samples a second):
/// a detailed, still frame with a small face near a side is a screen, a big central face is not, an output with no
/// room under the screen falls back to fit, and a job asking for screen gets it over any face.
/// </summary>
[Trait("Category", "unit")]
public sealed class ScreenChoiceTests
{
    private static readonly TrackOptions Options = new();

    [Theory]
    [InlineData(1080, 1920, 608, 1312)]
    [InlineData(1080, 1350, 608, 742)]
    [InlineData(1080, 1080, 0, 0)]
    [InlineData(1920, 1080, 0, 0)]
    public void TheScreenTakesTheOutputsWidthAndTheFaceTheRestWhenThatIsAtLeastFortyPercent(int w, int h, int top, int bottom)
    {
        var heights = ClipLayouts.ScreenHeights(1920, 1080, w, h);
        Assert.Equal(top == 0 ? null : (top, bottom), heights);
    }

    [Fact]
    public void ASmallFaceInTheCornerOfADetailedStillFrameIsAScreenShareWithItsFigures()
    {
        var path = new PathFitter(Options, 1920, 1080, 1080, 1920).Fit(Shot(FaceAt(1700, 900, 150), detail: 0.08, change: 0.3), 10);

        var shot = Assert.Single(path.Shots!);
        Assert.Equal(ClipLayouts.Screen, shot.Layout);
        Assert.Equal("a screen share: detail in 8.0 % of pixels (at least 4 %), change 0.30 grey levels (at most 3), "
            + "a face 14 % of the frame's height (at most 25 %) 11 % of its width from a side (at most 30 %)", shot.Reason);
        // the face's window: 4 face heights high, the shape of the output's 1080x1312 under the screen
        Assert.Equal((494, 600), (path.InsetWidth, path.InsetHeight));
        // the face is in the frame's corner: so is its window
        var k = Assert.Single(path.Inset!);
        Assert.Equal((1920 - 494, 1080 - 600), (k.X, k.Y));
    }

    [Theory]
    [InlineData(960, 540, 400, 0.08, 0.3)]
    [InlineData(1700, 900, 150, 0.02, 0.3)]
    [InlineData(1700, 900, 150, 0.08, 6)]
    [InlineData(960, 900, 150, 0.08, 0.3)]
    public void ABigOrCentralFaceOrASoftOrMovingFrameIsNoScreen(double x, double y, double size, double detail, double change)
    {
        var path = new PathFitter(Options, 1920, 1080, 1080, 1920).Fit(Shot(FaceAt(x, y, size), detail, change), 10);

        Assert.Equal(ClipLayouts.Single, Assert.Single(path.Shots!).Layout);
        Assert.Null(path.Inset);
    }

    [Fact]
    public void AScreenShareInAWideOutputIsFitSayingThereIsNoRoomForTheFace()
    {
        var path = new PathFitter(Options, 1920, 1080, 1920, 1080).Fit(Shot(FaceAt(1700, 900, 150), 0.08, 0.3), 10);

        var shot = Assert.Single(path.Shots!);
        Assert.Equal(ClipLayouts.Fit, shot.Layout);
        Assert.EndsWith("but a 1920x1080 output has no room under the screen for the face (the face's part would be under 40 % of it): fit", shot.Reason);
    }

    [Fact]
    public void AJobAskingForScreenGetsItOverATalkingHead()
    {
        var fitter = new PathFitter(Options, 1920, 1080, 1080, 1920);
        var path = LayoutChoice.Choose(fitter.Fit(Shot(FaceAt(960, 500, 400), 0.01, 5), 10, null, ClipLayouts.Screen), ClipLayouts.Screen, 50, 50);

        Assert.Equal((ClipLayouts.Screen, "the job asked for the screen layout"), (path.Layout, path.LayoutReason));
        Assert.True(path.HasScreen);
        // four face heights (1600) are more than the source has: the largest window of the part's shape
        Assert.Equal((888, 1080), (path.InsetWidth, path.InsetHeight));
    }

    [Fact]
    public void AJobAskingForScreenWithNoFaceGetsFitSayingWhy()
    {
        var fitter = new PathFitter(Options, 1920, 1080, 1080, 1920);
        var path = LayoutChoice.Choose(fitter.Fit(Shot(null, 0.08, 0.3), 10, null, ClipLayouts.Screen), ClipLayouts.Screen, 50, 0);

        Assert.Equal((ClipLayouts.Fit, "the job asked for the screen layout, but no face in 0 of 50 sampled frames"), (path.Layout, path.LayoutReason));
    }

    [Fact]
    public void TheThresholdsAreChecked()
    {
        Assert.Equal(ErrorCode.BadOption, Assert.Throws<ClipperException>(() => new TrackOptions { ScreenMinDetail = 1.5 }.Validate()).Code);
        Assert.Equal(ErrorCode.BadOption, Assert.Throws<ClipperException>(() => new TrackOptions { ScreenEdgeBand = 0.7 }.Validate()).Code);
        Assert.Equal(ErrorCode.BadOption, Assert.Throws<ClipperException>(() => new TrackOptions { ScreenEdge = 0 }.Validate()).Code);
        Assert.Equal(ErrorCode.BadOption, Assert.Throws<ClipperException>(() => new TrackOptions { ScreenFaceZoom = 0.5 }.Validate()).Code);
    }

    /// <summary>10 s of one shot, the face (if any) in every sample, each frame as detailed and still as given.</summary>
    private static List<Sample> Shot(Face? face, double detail, double change) =>
        Enumerable.Range(0, 50).Select(i => new Sample(i / 5.0, face is null ? [] : [face], false, null, double.NaN, detail, i == 0 ? double.NaN : change)).ToList();

    private static Face FaceAt(double centreX, double centreY, double size)
    {
        double l = centreX - size / 2, t = centreY - size / 2;
        FacePoint P(double fx, double fy) => new(l + fx * size, t + fy * size);
        return new Face(l, t, size, size, 0.9, [P(0.3, 0.35), P(0.7, 0.35), P(0.5, 0.55), P(0.5, 0.75), P(0.08, 0.4), P(0.92, 0.4)]);
    }
}
