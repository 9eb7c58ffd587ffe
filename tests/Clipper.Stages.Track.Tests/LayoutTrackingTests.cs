using Clipper.Core.Crop;
using Clipper.Core.Media;
using Clipper.Samples;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// The tracker chooses the layout on real material: a slide built from a real landscape photo (no face) gets fit, as a
/// screen with no face to inset, with the figures and counts as its reason; a real face keeps single; a job asking for fit skips the sampling.
/// </summary>
[Trait("Category", "media")]
public sealed class LayoutTrackingTests(TrackerFixture fixture) : IClassFixture<TrackerFixture>
{
    [Fact]
    public async Task ASlideWithNoFaceGetsTheFitLayout()
    {
        var slide = Path.Combine(fixture.Dir, "slide.mp4");
        await LayoutMedia.SlideAsync(slide, 2, 640, 360);
        var path = await fixture.Tracker.TrackAsync(slide, await Probe.ProbeAsync(slide), 0, 2, 1080, 1920);
        Assert.Equal(ClipLayouts.Fit, path.Layout);
        // a slide is a screen: with no face to inset, it is shown whole
        Assert.Matches(@"^a screen with no face to inset \(detail in [\d.]+ % of pixels \(at least 4 %\), change [\d.]+ grey levels \(at most 3\)\): "
            + @"no face in 0 of 1\d sampled frames$", path.LayoutReason);
    }

    [Fact]
    public async Task AFaceKeepsTheSingleLayout()
    {
        var face = Path.Combine(fixture.Dir, "face.mp4");
        await LayoutMedia.FaceShotAsync(face, 2, 640, 360);
        var path = await fixture.Tracker.TrackAsync(face, await Probe.ProbeAsync(face), 0, 2, 1080, 1080);
        Assert.Equal(("face", ClipLayouts.Single), (path.Method, path.Layout));
        Assert.Matches(@"^a face in (\d+) of \1 sampled frames$", path.LayoutReason);
        Assert.Equal(360, path.Width);
    }

    [Fact]
    public async Task AJobAskingForFitGetsItOverAFace()
    {
        var face = Path.Combine(fixture.Dir, "face-fit.mp4");
        await LayoutMedia.FaceShotAsync(face, 2, 640, 360);
        var path = await fixture.Tracker.TrackAsync(face, await Probe.ProbeAsync(face), 0, 2, 1080, 1920, layout: ClipLayouts.Fit);
        Assert.Equal((ClipLayouts.Fit, "the job asked for the fit layout"), (path.Layout, path.LayoutReason));
    }
}
