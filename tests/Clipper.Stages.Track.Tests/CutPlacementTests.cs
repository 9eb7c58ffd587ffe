using Clipper.Core.Crop;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// Where the window jumps at a cut, on samples and frames laid out by hand: the found frame is used as given, a
/// change spread over many frames is no cut frame, and nothing is smoothed across a cut. The source and window are
/// <see cref="PathFitterTests"/>' (1920x1080, a 9:16 window 608 px wide, 5 samples a second).
/// </summary>
[Trait("Category", "unit")]
public sealed class CutPlacementTests
{
    private static readonly TrackOptions Options = new();

    private readonly PathFitter _fitter = new(Options, 1920, 1080, 1080, 1920);

    private static double Centre(CropPath path, double t) => TestVideos.At(path, t).X + path.Width / 2.0;

    [Fact]
    public void TheWindowJumpsAtTheCutsFrameWhenItIsKnown()
    {
        var samples = Reframed();

        var path = _fitter.Fit(samples, 6, new Dictionary<int, double> { [15] = 2.853 });

        Assert.Equal([0.0, 2.853], path.Keyframes.Select(k => k.T));
        Assert.InRange(Centre(path, 2.852), 398, 402);
        Assert.InRange(Centre(path, 2.853), 1398, 1402);
        Assert.Contains("1 of 1 cut(s) placed on their frame", path.Reason);
    }

    [Fact]
    public void AFrameTimeOutOfItsPlaceIsIgnored()
    {
        // a time a whole second past the cut's samples cannot be its frame: the midpoint stays
        var path = _fitter.Fit(Reframed(), 6, new Dictionary<int, double> { [15] = 4.0 });

        Assert.Equal([0.0, 2.9], path.Keyframes.Select(k => k.T));
        Assert.DoesNotContain("placed on their frame", path.Reason);
    }

    [Fact]
    public void NothingIsSmoothedAcrossACut()
    {
        // Shot one: a face drifting right, 300 px in 4 s, which the window follows; shot two (a colour cut at 4 s):
        // a face far away drifting left. The window's last place before the cut is on the first face, its first
        // place after it already on the second: no pan across, no easing in from the old place.
        var samples = new List<Sample>();
        for (int i = 0; i < 40; i++)
        {
            double x = i < 20 ? 400 + 15 * i : 1500 - 15 * (i - 20);
            samples.Add(new Sample(i / 5.0, [PathFitterTests.FaceAt(x, 400, 200, 0.9)], i == 20));
        }

        var path = _fitter.Fit(samples, 8, new Dictionary<int, double> { [20] = 3.937 });

        double before = Centre(path, 3.936);
        double after = Centre(path, 3.937);
        Assert.True(Math.Abs(before - 685) < Options.DeadZone * path.Width + 30, $"before the cut the window is at {before}, the face near 685");
        Assert.True(Math.Abs(after - 1500) < Options.DeadZone * path.Width + 30, $"after the cut the window is at {after}, the face at 1500");
    }

    [Fact]
    public void TheCutIsTheFrameThatChangesMostAtOnce()
    {
        // grey frames brightening slowly with a hard change at frame 5 (in colour: from grey to blue)
        var hard = Enumerable.Range(0, 9).Select(k => k < 5 ? Solid(100 + k, 100 + k, 100 + k) : Solid(20, 40, 200 + k)).ToList();

        Assert.Equal(5, CutFrames.CutIndex(hard, colour: true));
        Assert.Equal(5, CutFrames.CutIndex(hard, colour: false));
    }

    [Fact]
    public void ADissolveHasNoCutFrame()
    {
        // the same change spread evenly over eight frames
        var dissolve = Enumerable.Range(0, 9).Select(k => Solid(200 - 20 * k, 40, 40 + 20 * k)).ToList();

        Assert.Equal(-1, CutFrames.CutIndex(dissolve, colour: true));
        Assert.Equal(-1, CutFrames.CutIndex(dissolve, colour: false));
    }

    [Fact]
    public void TheJumpTimeFallsAfterTheFrameBeforeAndNoLaterThanTheCutsFrame()
    {
        Assert.Equal(2.239, CutFrames.JumpTime(2.2, 2.24));
        Assert.Equal(2.399, CutFrames.JumpTime(71 / 30.0, 72 / 30.0));
        Assert.Equal(2.365, CutFrames.JumpTime(70 / 30.0, 71 / 30.0)); // 2.3667
        Assert.Equal(1.0005, CutFrames.JumpTime(1.0, 1.001)); // frames a millisecond apart: halfway
    }

    /// <summary>The person reframed from x=400 to x=1400 between samples 14 and 15 (a face-jump cut).</summary>
    private static List<Sample> Reframed() =>
        Enumerable.Range(0, 30).Select(i => new Sample(i / 5.0, [PathFitterTests.FaceAt(i < 15 ? 400 : 1400, 400, 200, 0.9)], false)).ToList();

    private static RgbFrame Solid(int r, int g, int b)
    {
        const int w = 32, h = 18;
        var px = new byte[w * h * 3];
        for (int i = 0; i < px.Length; i += 3)
        {
            (px[i], px[i + 1], px[i + 2]) = ((byte)r, (byte)g, (byte)b);
        }

        return new RgbFrame(w, h, px);
    }
}
