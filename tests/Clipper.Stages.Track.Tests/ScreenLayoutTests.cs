using System.Globalization;
using Clipper.Core.Crop;
using Clipper.Core.Media;
using Clipper.Core.Processes;
using Clipper.Core.Samples;
using Clipper.Samples;
using Clipper.Stages.Encode;
using Clipper.TestSupport;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// A screen share (<see cref="LayoutMedia.ScreenShareAsync"/>: a 1280x720 slide of real text, a real face small in the
/// webcam corner, real speech) tracked (auto) and rendered once at 360x640 with captions; the same slide without the
/// face tracked only.
/// </summary>
public sealed class ScreenShareFixture : IAsyncLifetime
{
    public const int Width = 360;
    public const int Height = 640;
    public const double Seconds = 6;

    public string Dir { get; } = TestMedia.TempDir("clipper-screen");

    public string Source => Path.Combine(Dir, "screen.mp4");

    public CropPath Screen { get; private set; } = null!;

    public CropPath NoFace { get; private set; } = null!;

    public string Video { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var slide = Path.Combine(Dir, "slide.mp4");
        await Task.WhenAll(LayoutMedia.ScreenShareAsync(Source, Seconds), LayoutMedia.ScreenShareAsync(slide, 3, face: false));
        using (var tracker = new FaceTracker(Assets.FaceModel(), new TrackOptions()))
        {
            Screen = await tracker.TrackAsync(Source, await Probe.ProbeAsync(Source), 0, Seconds, Width, Height);
            NoFace = await tracker.TrackAsync(slide, await Probe.ProbeAsync(slide), 0, 3, Width, Height);
        }

        var words = LayoutMedia.ScreenSpeech.Split(' ');
        var clip = new Core.Clips.ScoredClip(1, 0, Seconds, 70, new Core.Clips.Scores(70, 70, 70, 70), "test", "Screen share");
        var captions = words.Select((w, i) => new Core.Transcripts.Word(w, i * Seconds / words.Length, (i + 1) * Seconds / words.Length, 0.9)).ToList();
        var output = Directory.CreateDirectory(Path.Combine(Dir, "out")).FullName;
        Video = (await new ClipEncoder(new EncodeOptions { Preset = "ultrafast" })
            .EncodeAsync(new EncodeRequest(Source, clip, captions, Screen, Width, Height, output, "rendered"))).Video;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The screen layout on real media: auto picks it for the screen share, with the figures; the rendered clip shows the
/// whole source frame at the output's width on top (row for row, no black row) and the presenter's face below, found
/// there by BlazeFace; the slide with no face is fit, saying it is a screen with no face to inset.
/// </summary>
[Trait("Category", "media")]
public sealed class ScreenLayoutTests(ScreenShareFixture fixture) : IClassFixture<ScreenShareFixture>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void TheScreenShareGetsTheScreenLayoutWithItsFigures()
    {
        var shot = Assert.Single(fixture.Screen.Shots!);
        Measurements.Record($"screen layout: the screen share ({ScreenShareFixture.Seconds} s): {shot.Layout}: {shot.Reason}");
        Assert.Equal(ClipLayouts.Screen, shot.Layout);
        Assert.Matches(@"^a screen share: detail in [\d.]+ % of pixels \(at least 4 %\), change [\d.]+ grey levels \(at most 3\), "
            + @"a face \d+ % of the frame's height \(at most 25 %\) \d+ % of its width from a side \(at most 30 %\)$", shot.Reason);
        Assert.Equal(ClipLayouts.Screen, fixture.Screen.Layout);
        Assert.True(fixture.Screen.HasScreen);
    }

    [Fact]
    public void TheSlideWithNoFaceIsFitAsAScreenWithNoFaceToInset()
    {
        Measurements.Record($"screen layout: the slide with no face: {fixture.NoFace.Layout}: {fixture.NoFace.LayoutReason}");
        Assert.Equal(ClipLayouts.Fit, fixture.NoFace.Layout);
        Assert.Matches(@"^a screen with no face to inset \(detail in [\d.]+ % of pixels \(at least 4 %\), change [\d.]+ grey levels \(at most 3\)\): "
            + @"no face in 0 of 1\d sampled frames$", fixture.NoFace.LayoutReason);
    }

    [Fact]
    public async Task TheUpperPartIsTheWholeSourceFrameScaledWithNoBlackRow()
    {
        const int w = ScreenShareFixture.Width, h = ScreenShareFixture.Height;
        var (top, _) = ClipLayouts.ScreenHeights(1280, 720, w, h)!.Value;
        Assert.Equal(202, top);
        double worst = 0, worstSeam = 0;
        foreach (double t in new[] { 1.0, 3.0, 5.0 })
        {
            var output = await TestVideos.GrayAsync(fixture.Video, t, "null", Token);
            var upper = output[..(top * w)];
            var scaled = await TestVideos.GrayAsync(fixture.Source, t, $"scale={w}:{top}", Token);
            double diff = TestVideos.Difference(upper, scaled);
            // the same part against the source mirrored: the text and the webcam change sides, so a real match is far closer
            double mirrored = TestVideos.Difference(upper, await TestVideos.GrayAsync(fixture.Source, t, $"scale={w}:{top},hflip", Token));
            // its last rows too: the captions, drawn just under the screen, leave them alone
            double seam = TestVideos.Difference(upper[((top - 10) * w)..], scaled[((top - 10) * w)..]);
            (worst, worstSeam) = (Math.Max(worst, diff), Math.Max(worstSeam, seam));
            Assert.True(diff < 3 && diff < 0.3 * mirrored, $"at {t} s the upper part differs by {diff:0.00} from the source frame scaled, {mirrored:0.00} from it mirrored");
            Assert.True(seam < 4, $"at {t} s the upper part's last 10 rows differ by {seam:0.00} from the source frame's");
            // a bar is a row mostly black (the webcam's dark jacket blackens a tenth of some rows)
            for (int y = 0; y < top; y++)
            {
                int dark = Enumerable.Range(0, w).Count(x => output[y * w + x] < 16);
                Assert.True(dark < w / 2, $"at {t} s row {y} has {dark} of {w} pixels black");
            }
        }

        Measurements.Record(string.Create(Inv,
            $"screen layout: the upper {w}x{top} vs the whole 1280x720 source frame scaled: at most {worst:0.00} grey levels a pixel (3 frames; its last 10 rows {worstSeam:0.00}), no black row"));
    }

    [Fact]
    public async Task TheLowerPartShowsThePresentersFaceInNinetyFivePercentOfSampledFrames()
    {
        const double fps = 4;
        const int w = ScreenShareFixture.Width, h = ScreenShareFixture.Height;
        var (top, bottom) = ClipLayouts.ScreenHeights(1280, 720, w, h)!.Value;
        var raw = (await ProcessRunner.RunCheckedAsync(
            ["ffmpeg", "-nostdin", "-v", "error", "-i", fixture.Video, "-vf", $"fps={fps.ToString(Inv)},crop={w}:{bottom}:0:{top}",
             "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], TimeSpan.FromMinutes(1), Token)).Stdout;
        int frameBytes = w * bottom * 3;
        int frames = raw.Length / frameBytes, found = 0;
        double size = 0;
        using var detector = new BlazeFace(Assets.FaceModel());
        for (int f = 0; f < frames; f++)
        {
            var faces = detector.Detect(new RgbFrame(w, bottom, raw[(f * frameBytes)..((f + 1) * frameBytes)]));
            if (faces.Count > 0)
            {
                found++;
                size += faces.Max(x => x.Height) / bottom;
            }
        }

        Measurements.Record(string.Create(Inv,
            $"screen layout: BlazeFace finds the presenter's face in the lower {w}x{bottom} in {found} of {frames} sampled frames ({100.0 * found / frames:0.0}%), "
            + $"{100 * size / Math.Max(1, found):0} % of its height on average (window {fixture.Screen.InsetWidth}x{fixture.Screen.InsetHeight} of the source)"));
        Assert.True(frames >= 20, $"{frames} frames decoded");
        Assert.True(found >= 0.95 * frames, $"a face in {found} of {frames} frames");
    }
}
