using System.Globalization;
using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Samples;
using Clipper.TestSupport;
using static Clipper.Core.Processes.ProcessRunner;

namespace Clipper.Stages.Encode.Tests;

/// <summary>
/// Rendered frames of the aspect ratios and of the fit layout: each ratio comes out at exactly its size with the
/// captions inside the safe area (the default preset's margins, read back from the frame's ink); the fit layout of
/// a slide with no face (a real photo on it) has no black bar and shows the whole source frame, row for row.
/// </summary>
[Trait("Category", "media")]
public sealed class LayoutRenderTests : IDisposable
{
    private static readonly ScoredClip Clip = new(1, 0, 1.2, 80, new Scores(80, 80, 80, 80), "r", "t");

    private readonly string _dir = TestMedia.TempDir("clipper-layouts");

    private readonly ClipEncoder _encoder = new(new EncodeOptions { Preset = "ultrafast" });

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("9:16")]
    [InlineData("1:1")]
    [InlineData("4:5")]
    [InlineData("16:9")]
    public async Task EveryRatioHasItsExactSizeAndItsCaptionsInsideTheSafeArea(string name)
    {
        var (width, height) = AspectRatio.Size(name, null, null);
        var source = Path.Combine(_dir, "plain.mp4");
        await RunCheckedAsync(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", $"color=c=0x{CaptionRender.Background:X6}:s=1280x720:r=25:d=1.2",
            "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "1.2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", source,
        ], TimeSpan.FromMinutes(1));
        var crop = CropPath.Centre(1280, 720, width, height, "plain");

        var clip = await _encoder.EncodeAsync(new EncodeRequest(source, Clip, CaptionSamples.Words, crop, width, height, _dir, "r" + name.Replace(':', 'x')));

        Assert.Equal((width, height), (clip.Media.Width, clip.Media.Height));
        // 0.6 s: the second word of the sample line is being spoken, its line is up
        var ink = CaptionSafeArea.Ink(await Frames.RgbAsync(clip.Video, CaptionSamples.At), width, height, CaptionRender.Background);
        Assert.NotNull(ink);
        Measurements.Record("layouts: " + CaptionSafeArea.Check(ink.Value, width, height, name));
    }

    [Fact]
    public async Task TheFitLayoutOfASlideShowsTheWholeFrameOverItsBlurWithNoBlackBar()
    {
        const int width = 360, height = 640;
        var slide = Path.Combine(_dir, "slide.mp4");
        await LayoutMedia.SlideAsync(slide, 1.2, 640, 360);
        var crop = CropPath.Centre(640, 360, width, height, "no face found") with { Layout = ClipLayouts.Fit, LayoutReason = "no face" };

        var clip = await _encoder.EncodeAsync(new EncodeRequest(slide, Clip, [], crop, width, height, _dir, "fit"));

        Assert.Equal((width, height), (clip.Media.Width, clip.Media.Height));
        var (fw, fh, fx, fy) = ClipLayouts.FitBox(640, 360, width, height);
        Assert.Equal((360, 202, 0, 218), (fw, fh, fx, fy));
        var output = await Frames.GrayAsync(clip.Video, 0.6);
        var scaled = await Frames.GrayAsync(slide, 0.6, $"scale={fw}:{fh}");
        // the centre band is the source frame scaled, all of it: the title bar at its top, the photo's last rows at its bottom
        var band = output[(fy * width)..((fy + fh) * width)];
        Measurements.Record(string.Create(CultureInfo.InvariantCulture,
            $"layouts: fit band vs the whole source frame scaled: {Frames.MeanAbsDiff(band, scaled, width, 0, fh):0.00} grey levels a pixel (all rows), {Frames.MeanAbsDiff(band, scaled, width, 0, 10):0.00} (top 10), {Frames.MeanAbsDiff(band, scaled, width, fh - 10, fh):0.00} (bottom 10)"));
        Assert.True(Frames.MeanAbsDiff(band, scaled, width, 0, fh) < 2, $"band vs source: {Frames.MeanAbsDiff(band, scaled, width, 0, fh):0.0}");
        Assert.True(Frames.MeanAbsDiff(band, scaled, width, 0, 10) < 3, $"top rows: {Frames.MeanAbsDiff(band, scaled, width, 0, 10):0.0}");
        Assert.True(Frames.MeanAbsDiff(band, scaled, width, fh - 10, fh) < 3, $"bottom rows: {Frames.MeanAbsDiff(band, scaled, width, fh - 10, fh):0.0}");
        // above and below it, the blurred copy: no row of black, and not a flat fill
        var padding = Enumerable.Range(0, height).Where(y => y < fy || y >= fy + fh).ToList();
        foreach (int y in padding)
        {
            int dark = Enumerable.Range(0, width).Count(x => output[y * width + x] < 16);
            Assert.True(dark < width / 10, $"row {y} has {dark} of {width} pixels black");
        }

        var values = padding.SelectMany(y => output[(y * width)..((y + 1) * width)]).Select(v => (double)v).ToList();
        double mean = values.Average();
        Assert.True(Math.Sqrt(values.Average(v => (v - mean) * (v - mean))) > 8, "the background is a flat fill, not the blurred frame");
    }

    [Fact]
    public void TheFitChainEndsAsTheCropChainDoesAndScalesTheWholeFrame()
    {
        var crop = CropPath.Centre(1280, 720, 1080, 1920, "x") with { Layout = ClipLayouts.Fit };
        var graph = ClipEncoder.FitLayoutGraph(crop, 1080, 1920);
        Assert.Contains("[fitfg]scale=1080:608,", graph);
        Assert.Contains("overlay=x=0:y=656", graph);
        Assert.EndsWith("split=2[main][still];[main]", graph);
        Assert.DoesNotContain("crop=w=", graph);
    }
}
