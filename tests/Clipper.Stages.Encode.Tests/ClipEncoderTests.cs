using System.Text;
using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Errors;
using Clipper.Core.Media;
using Clipper.TestSupport;
using static Clipper.Stages.Encode.Tests.EncodedSample;

namespace Clipper.Stages.Encode.Tests;

/// <summary>
/// Encodes real clips of a real talking video: a 20 s clip at 360×640 with a crop that jumps at known times,
/// once with captions and once without (the fixture), a short clip at the default 1080×1920, and failures,
/// kills and cancellation of ffmpeg.
/// </summary>
[Trait("Category", "media")]
public sealed class ClipEncoderTests(EncodedSample sample) : IClassFixture<EncodedSample>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheClipIsAnH264AacMp4OfTheRequestedSizeAndDuration()
    {
        var info = await Probe.ProbeAsync(sample.Captioned.Video, Token);
        Assert.Equal(W, info.Width);
        Assert.Equal(H, info.Height);
        Assert.Equal("h264", info.VideoCodec);
        Assert.Equal("aac", info.AudioCodec);
        Assert.Equal(20.0, info.DurationSeconds, 0.3);
        // the encoder checks its output with one ffprobe call, without the timing facts
        Assert.Equal(info with { Timing = SourceTiming.Unknown }, sample.Captioned.Media with { SizeBytes = info.SizeBytes });
        Assert.Equal("", await Frames.DecodeErrorsAsync(sample.Captioned.Video));
        Assert.Equal(Path.Combine(sample.OddDir, "clip-01.mp4"), sample.Captioned.Video);
        Assert.True(sample.Captioned.EncodeSeconds > 0);
    }

    [Fact]
    public void TheOutputDirectoryHoldsExactlyTheFourFinalFiles()
    {
        // temporary files, work directories and the dead attempt's leftovers are gone; another stem's are not
        Assert.Equal([".clip-011.mp4.deadbeef.tmp", "clip-01.jpg", "clip-01.mp4", "clip-01.srt", "clip-01.vtt"], Listing(sample.OddDir));
        Assert.Equal(sample.Captioned.Files.Order(StringComparer.Ordinal),
            Listing(sample.OddDir).Skip(1).Select(n => Path.Combine(sample.OddDir, n)));
    }

    [Fact]
    public async Task FaststartPutsTheIndexBeforeTheMediaData()
    {
        var head = new byte[64 * 1024];
        await using var input = File.OpenRead(sample.Captioned.Video);
        int n = await input.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, Token);
        string text = Encoding.Latin1.GetString(head, 0, n);
        int moov = text.IndexOf("moov", StringComparison.Ordinal);
        int mdat = text.IndexOf("mdat", StringComparison.Ordinal);
        Assert.True(moov > 0 && (mdat < 0 || moov < mdat), $"moov at {moov}, mdat at {mdat}");
    }

    [Fact]
    public void ProgressRisesToOneOnlyAtTheEnd()
    {
        var p = sample.Progress.Values;
        Assert.True(p.Count >= 3, "progress reports: " + string.Join(", ", p));
        for (int i = 1; i < p.Count; i++)
        {
            Assert.True(p[i] > p[i - 1], string.Join(", ", p));
        }

        Assert.Equal(1.0, p[^1]);
        Assert.True(p[^2] < 1.0);
        Assert.True(p[0] >= 0);
    }

    [Fact]
    public async Task TheCropWindowMovesAtTheKeyframeTimesCountedFromTheClipStart()
    {
        // just before and after the switch at 5 s; a path read in source time would switch at 2 s
        await AssertFrameShowsCropAsync(4.8, 0, CropRight);
        await AssertFrameShowsCropAsync(5.2, CropRight, 0);
        await AssertFrameShowsCropAsync(3.0, 0, CropRight);
        await AssertFrameShowsCropAsync(12.0, 219, 0);
    }

    /// <summary>The clip's frame at t is the source frame at start+t cropped at x=expected, not at x=other.</summary>
    private async Task AssertFrameShowsCropAsync(double t, int expectedX, int otherX)
    {
        var frame = await Frames.GrayAsync(sample.Plain.Video, t);
        var expected = await Frames.GrayAsync(sample.Source.File, ClipStart + t, CropScale(expectedX));
        var other = await Frames.GrayAsync(sample.Source.File, ClipStart + t, CropScale(otherX));
        double good = Frames.MeanAbsDiff(frame, expected, W, 0, H);
        double bad = Frames.MeanAbsDiff(frame, other, W, 0, H);
        Assert.True(good < 6 && bad > 3 * good, $"at {t} s: diff to x={expectedX} is {good}, to x={otherX} is {bad}");
    }

    private static string CropScale(int x) => $"crop={CropW}:360:{x}:0,scale={W}:{H}";

    [Fact]
    [Trait("Category", "slow")]
    public async Task CaptionsAreBurnedInAboveTheBottomFifthWithTheSpokenWordHighlighted()
    {
        int spoken = 0;
        foreach (var w in sample.Words)
        {
            double t = w.Start + (w.End - w.Start) / 2 - ClipStart;
            if (t < 1 || t > 19 || w.End - w.Start < 0.25)
            {
                continue;
            }

            var a = await Frames.GrayAsync(sample.Captioned.Video, t);
            var b = await Frames.GrayAsync(sample.Plain.Video, t);
            int captionTop = (int)(H * 0.55);
            int bottomFifth = (int)(H * 0.8);
            double band = Frames.MeanAbsDiff(a, b, W, captionTop, bottomFifth);
            double above = Frames.MeanAbsDiff(a, b, W, 0, captionTop);
            double below = Frames.MeanAbsDiff(a, b, W, bottomFifth, H);
            string diffs = $" (band {band}, above {above}, bottom fifth {below})";
            Assert.True(band > 5, $"at {t} s the caption band hardly differs{diffs}");
            // elsewhere the two encodes differ only by compression noise
            Assert.True(above < 1.5 && band > 5 * above, $"at {t} s the picture above the captions differs{diffs}");
            Assert.True(below < 1.5 && band > 5 * below, $"at {t} s captions reach the bottom fifth{diffs}");
            var rgb = await Frames.RgbAsync(sample.Captioned.Video, t);
            var plainRgb = await Frames.RgbAsync(sample.Plain.Video, t);
            int highlight = Frames.PixelsNear(rgb, W, captionTop, bottomFifth, 0xFFE135, 40);
            Assert.True(highlight > 60, $"at {t} s only {highlight} highlight-coloured pixels");
            Assert.True(Frames.PixelsNear(plainRgb, W, captionTop, bottomFifth, 0xFFE135, 40) < highlight / 10);
            if (++spoken == 3)
            {
                break;
            }
        }

        Assert.Equal(3, spoken);
    }

    [Fact]
    public async Task SrtAndVttAreWrittenFromTheClipsWordsInClipTime()
    {
        var expected = Captions.ForClip(sample.Words, ClipStart, ClipEnd);
        var o = new CaptionOptions();
        Assert.Equal(expected.Srt(o), await File.ReadAllTextAsync(sample.Captioned.Srt, Token));
        Assert.Equal(expected.Vtt(o), await File.ReadAllTextAsync(sample.Captioned.Vtt, Token));
        Assert.StartsWith("1\n00:00:0", await File.ReadAllTextAsync(sample.Captioned.Srt, Token));
        // without burned-in captions the subtitle files are still written, the same
        Assert.Equal(expected.Srt(o), await File.ReadAllTextAsync(sample.Plain.Srt, Token));
        Assert.Equal(expected.Vtt(o), await File.ReadAllTextAsync(sample.Plain.Vtt, Token));
    }

    [Fact]
    public async Task SrtCuesFollowTheSpokenSentencesOfTheSource()
    {
        // every sentence wholly inside the clip starts a cue at its own start, shifted to clip time
        var srt = await File.ReadAllTextAsync(sample.Captioned.Srt, Token);
        var inside = sample.Source.Sentences.Where(s => s.Start >= ClipStart && s.End <= ClipEnd).ToList();
        Assert.NotEmpty(inside);
        foreach (var s in inside)
        {
            Assert.Contains(Captions.Timestamp(s.Start - ClipStart, ',') + " --> ", srt);
        }
    }

    [Fact]
    public async Task TheThumbnailIsAJpegFrameOfTheCroppedClip()
    {
        var thumb = await Probe.ProbeAsync(sample.Captioned.Thumbnail, Token);
        Assert.Equal("mjpeg", thumb.VideoCodec);
        Assert.Equal(W, thumb.Width); // 540 wide is capped at the 360 wide output
        Assert.Equal(H, thumb.Height);
        // taken 30% in (6 s): the crop is at the right edge then, and the thumbnail carries no captions
        var still = await Frames.GrayAsync(sample.Captioned.Thumbnail, 0);
        var right = await Frames.GrayAsync(sample.Source.File, ClipStart + 6, CropScale(CropRight));
        var left = await Frames.GrayAsync(sample.Source.File, ClipStart + 6, CropScale(0));
        double good = Frames.MeanAbsDiff(still, right, W, 0, H);
        Assert.True(good < 6 && Frames.MeanAbsDiff(still, left, W, 0, H) > 3 * good, $"thumbnail diff {good}");
    }

    /// <summary>
    /// The hook title overlay: the clip's title in the top of the safe area for the first seconds, in the preset's
    /// font and text colour, then gone. Read back from the frames against the plain encode of the same clip.
    /// </summary>
    [Fact]
    public async Task TheHookTitleShowsAtTheTopForItsSecondsOnly()
    {
        var titled = sample.Clip with { End = ClipStart + 4, Title = "Three canyons in one day" };
        var hooked = await new ClipEncoder(new EncodeOptions { BurnCaptions = false }).EncodeAsync(
            new EncodeRequest(sample.Source.File, titled, sample.Words, Moving, W, H, Path.Combine(sample.Dir, "hook"), "clip-03")
            { HookSeconds = 2 }, cancel: Token);

        int top = (int)(H * 0.08), bottom = (int)(H * 0.4);
        foreach (var (t, shown) in new[] { (1.0, true), (3.0, false) })
        {
            var a = await Frames.GrayAsync(hooked.Video, t);
            var b = await Frames.GrayAsync(sample.Plain.Video, t);
            double band = Frames.MeanAbsDiff(a, b, W, top, bottom);
            double below = Frames.MeanAbsDiff(a, b, W, bottom, H);
            string diffs = $" at {t} s (title band {band:0.0}, below it {below:0.0})";
            Assert.True(below < 1.5, "the picture below the title differs" + diffs);
            Assert.True(shown ? band > 5 : band < 1.5, (shown ? "no title" : "the title is still up") + diffs);
            int white = Frames.PixelsNear(await Frames.RgbAsync(hooked.Video, t), W, top, bottom, 0xFFFFFF, 30);
            int plainWhite = Frames.PixelsNear(await Frames.RgbAsync(sample.Plain.Video, t), W, top, bottom, 0xFFFFFF, 30);
            Assert.True(shown ? white > plainWhite + 300 : white < plainWhite + 50, $"{white} white pixels against {plainWhite}" + diffs);
        }

        // the title's style is the preset's font, upper-cased like its captions, inside its side margins
        var encoder = new ClipEncoder(new EncodeOptions());
        var script = HookTitle.AddTo(new Captions([], 4).Ass(W, H, encoder.Options.Captions, encoder.Font, CaptionPresets.Bold), "A TITLE", 2, W, H,
            encoder.Font, CaptionPresets.Bold);
        Assert.Contains($"Style: Hook,{CaptionPresets.Bold.FontName},", script);
        Assert.Contains("Dialogue: 1,0:00:00.00,0:00:02.00,Hook,,0,0,0,,A TITLE", script);
    }

    [Fact]
    public async Task TheDefaultOutputIs1080x1920WithA540x960Thumbnail()
    {
        var shortClip = new ScoredClip(2, 10.0, 14.0, 70, new Scores(70, 70, 70, 70), "test", "Short");
        var full = await new ClipEncoder(new EncodeOptions()).EncodeAsync(new EncodeRequest(sample.Source.File, shortClip,
            sample.Words, CropPath.Centre(640, 360, 1080, 1920, "test"), ClipOptions.Defaults, Path.Combine(sample.Dir, "full"),
            "clip-02"), cancel: Token);
        var info = await Probe.ProbeAsync(full.Video, Token);
        Assert.Equal(1080, info.Width);
        Assert.Equal(1920, info.Height);
        Assert.True(info.HasAudio);
        Assert.Equal(4.0, info.DurationSeconds, 0.3);
        Assert.Equal("", await Frames.DecodeErrorsAsync(full.Video));
        var thumb = await Probe.ProbeAsync(full.Thumbnail, Token);
        Assert.Equal(540, thumb.Width);
        Assert.Equal(960, thumb.Height);
        foreach (var p in full.Files)
        {
            Assert.True(new FileInfo(p).Length > 0, p + " is empty");
        }
    }

    [Fact]
    public async Task ASquareOutputWithAnOddThumbnailHeightRoundsToEven()
    {
        var options = new EncodeOptions { ThumbnailWidth = 101, Preset = "ultrafast" };
        var shortClip = new ScoredClip(3, 30.0, 32.0, 70, new Scores(70, 70, 70, 70), "test", "Square");
        var square = await new ClipEncoder(options).EncodeAsync(new EncodeRequest(sample.Source.File, shortClip,
            sample.Words, CropPath.Centre(640, 360, 240, 240, "test"), 240, 240, Path.Combine(sample.Dir, "square"), "clip-sq"),
            cancel: Token);
        Assert.Equal((240, 240), (square.Media.Width, square.Media.Height));
        var thumb = await Probe.ProbeAsync(square.Thumbnail, Token);
        Assert.Equal((100, 100), (thumb.Width, thumb.Height));
    }

    [Fact]
    public async Task ACorruptSourceFailsAsToolFailedAndLeavesNoFiles()
    {
        var corrupt = Path.Combine(sample.Dir, "corrupt.mp4");
        var junk = new byte[200_000];
        new Random(7).NextBytes(junk);
        await File.WriteAllBytesAsync(corrupt, junk, Token);
        var output = Path.Combine(sample.Dir, "corrupt-out");
        var e = await Assert.ThrowsAsync<ClipperException>(() => new ClipEncoder(new EncodeOptions()).EncodeAsync(
            new EncodeRequest(corrupt, sample.Clip, sample.Words, Moving, W, H, output, "clip-03"), cancel: Token));
        Assert.Equal(ErrorCode.ToolFailed, e.Code);
        Assert.Contains("exit code", e.Message);
        Assert.NotNull(e.Detail);
        Assert.Contains("Invalid data", e.Detail);
        Assert.Empty(Listing(output));
    }

    [Fact]
    public async Task AnImpossibleCropFailsAsToolFailedWithFfmpegsComplaint()
    {
        // the right shape but larger than the 640x360 source
        var tooBig = new CropPath(640, 360, 404, 720, [new Keyframe(0, 0, 0)], "face", "bad");
        var output = Path.Combine(sample.Dir, "bad-crop-out");
        var e = await Assert.ThrowsAsync<ClipperException>(() => new ClipEncoder(new EncodeOptions()).EncodeAsync(
            sample.Request(tooBig, W, H, output, "clip-04"), cancel: Token));
        Assert.Equal(ErrorCode.ToolFailed, e.Code);
        Assert.Contains("too big", e.Detail!.ToLowerInvariant());
        Assert.Empty(Listing(output));
    }

    [Fact]
    public async Task AKilledFfmpegLeavesNothingThatLooksFinished()
    {
        var output = Path.Combine(sample.Dir, "killed-out");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new ProgressLog(p =>
        {
            if (p > 0.02)
            {
                started.TrySetResult();
            }
        });
        var run = Task.Run(() => new ClipEncoder(new EncodeOptions()).EncodeAsync(
            sample.Request(Moving, 540, 960, output, "clip-05"), progress), Token);
        // an early failure must not wait a minute
        await Task.WhenAny(started.Task, run).WaitAsync(TimeSpan.FromSeconds(60), Token);
        Assert.False(run.IsCompleted, "the encode ended before it could be killed");

        var ffmpegs = Children.Named("ffmpeg");
        Assert.Single(ffmpegs); // one ffmpeg running
        var during = Listing(output);
        Assert.DoesNotContain("clip-05.mp4", during);
        Assert.Contains(during, n => n.StartsWith(".clip-05.mp4.", StringComparison.Ordinal)); // it writes a temporary name
        System.Diagnostics.Process.GetProcessById(ffmpegs[0]).Kill();

        var e = await Assert.ThrowsAsync<ClipperException>(() => run.WaitAsync(TimeSpan.FromSeconds(60), Token));
        Assert.Equal(ErrorCode.ToolFailed, e.Code);
        Assert.Contains("signal 9", e.Message);
        Assert.Empty(Listing(output));
    }

    [Fact]
    public async Task CancellingKillsFfmpegAndLeavesNoFiles()
    {
        var output = Path.Combine(sample.Dir, "cancelled-out");
        using var cts = new CancellationTokenSource();
        var progress = new ProgressLog(p =>
        {
            if (p > 0.02)
            {
                cts.Cancel();
            }
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ClipperException>(() => new ClipEncoder(new EncodeOptions()).EncodeAsync(
            sample.Request(Moving, 540, 960, output, "clip-06"), progress, cts.Token));
        Assert.Equal(ErrorCode.Cancelled, e.Code);
        Assert.True(progress.Values.Max() < 0.5, "cancelled early, not after the encode: " + string.Join(", ", progress.Values));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.Empty(Children.Named("ffmpeg"));
        Assert.Empty(Listing(output));
    }

    [Fact]
    public async Task AnEncodeOverItsTimeLimitIsKilledAsToolFailedAndLeavesNoFiles()
    {
        var output = Path.Combine(sample.Dir, "slow-out");
        var e = await Assert.ThrowsAsync<ClipperException>(() => new ClipEncoder(new EncodeOptions { Timeout = TimeSpan.FromSeconds(1) })
            .EncodeAsync(sample.Request(Moving, 1080, 1920, output, "clip-07"), cancel: Token));
        Assert.Equal(ErrorCode.ToolFailed, e.Code);
        Assert.Contains("did not finish within 1 s", e.Message);
        Assert.Empty(Children.Named("ffmpeg"));
        Assert.Empty(Listing(output));
    }

    [Fact]
    public void CropCommandsAreSendcmdLinesInClipTime()
    {
        Assert.Equal("5.000 crop x 438, crop y 0;\n10.000 crop x 219, crop y 0;\n", ClipEncoder.CropCommands(Moving, 20));
        Assert.Equal("", ClipEncoder.CropCommands(Moving, 5)); // keyframes at or after the end are dropped
        Assert.DoesNotContain("9999", ClipEncoder.CropCommands(new CropPath(640, 360, CropW, 360,
            [new Keyframe(0, 0, 0), new Keyframe(1, 9999, -5)], "face", ""), 20)); // positions are clamped into the source
        // unsorted keyframes are sorted; one before the start sets the initial window
        var path = new CropPath(640, 360, CropW, 360, [new Keyframe(3, 100, 0), new Keyframe(-1, 50, 0), new Keyframe(1, 50, 0)], "face", "");
        Assert.Equal("3.000 crop x 100, crop y 0;\n", ClipEncoder.CropCommands(path, 20));
    }

    [Fact]
    public void AClipOfSeveralLayoutsIsOneGraphTheStackAndTheWholeFrameLaidOverTheWindowInTheirShots()
    {
        var path = new CropPath(1280, 720, 404, 720, [new Keyframe(0, 100, 0), new Keyframe(2, 120, 0)], "face", "")
        {
            Shots = [new ShotLayout(0, 4, ClipLayouts.Single, "a"), new ShotLayout(4, 8, ClipLayouts.Split, "b"), new ShotLayout(8, 10.2, ClipLayouts.Fit, "c")],
            SplitWidth = 810,
            SplitHeight = 720,
            Top = [new Keyframe(0, 0, 0)],
            Bottom = [new Keyframe(0, 470, 0), new Keyframe(6, 460, 0)],
        };

        string graph = ClipEncoder.ShotsGraph(path, 360, 640, 10);

        Assert.StartsWith("split=3[single][stack][fit];[single]crop@single=w=404:h=720:x=100:y=0,scale=360:640,setsar=1[singled];"
            + "[stack]split=2[top][bottom];[top]crop@top=w=810:h=720:x=0:y=0,scale=360:320,setsar=1[tophalf];"
            + "[bottom]crop@bottom=w=810:h=720:x=470:y=0,scale=360:320,setsar=1[bottomhalf];[tophalf][bottomhalf]vstack[stacked];[fit]split=2[fitfg][fitbg];", graph);
        Assert.EndsWith("[singled][stacked]overlay=x=0:y=0:format=yuv420:enable='gte(t\\,4.000)*lt(t\\,8.000)'[splitover];"
            + "[splitover][fitted]overlay=x=0:y=0:format=yuv420:enable='gte(t\\,8.000)*lt(t\\,11.000)'[fitover];[fitover]setsar=1,split=2[main][still];[main]", graph);
        // each window moved by name: a command to the type would move every crop in the graph
        Assert.Equal("2.000 crop@single x 120, crop@single y 0;\n6.000 crop@bottom x 460, crop@bottom y 0;\n", ClipEncoder.ShotsCommands(path, 10));
        // a clip split throughout is the stack alone
        var split = path with { Shots = [new ShotLayout(0, 10, ClipLayouts.Split, "b")] };
        Assert.StartsWith("split=2[top][bottom];", ClipEncoder.ShotsGraph(split, 360, 640, 10));
        Assert.EndsWith("vstack[stacked];[stacked]setsar=1,split=2[main][still];[main]", ClipEncoder.ShotsGraph(split, 360, 640, 10));
        Assert.Equal("6.000 crop@bottom x 460, crop@bottom y 0;\n", ClipEncoder.ShotsCommands(split, 10));
    }

    [Fact]
    public void ASideBySideSplitPutsItsColumnsNextToEachOtherAndLeavesTheCaptionsAtThePresetsHeight()
    {
        // a 1:1 output of 360x360: two 180x360 columns, each a 360x720 window of the 1280x720 source
        var columns = new CropPath(1280, 720, 720, 720, [new Keyframe(0, 280, 0)], "face", "") { SplitWidth = 360, SplitHeight = 720, SideBySide = true };
        var path = columns with
        {
            Shots = [new ShotLayout(0, 4, ClipLayouts.Single, "a"), new ShotLayout(4, 10, ClipLayouts.Split, "b")],
            Top = [new Keyframe(0, 140, 0)],
            Bottom = [new Keyframe(0, 780, 0)],
        };

        string graph = ClipEncoder.ShotsGraph(path, 360, 360, 10);

        Assert.Contains("[stack]split=2[top][bottom];[top]crop@top=w=360:h=720:x=140:y=0,scale=180:360,setsar=1[tophalf];"
            + "[bottom]crop@bottom=w=360:h=720:x=780:y=0,scale=180:360,setsar=1[bottomhalf];[tophalf][bottomhalf]hstack[stacked];", graph);
        // the seam of stacked halves is where their captions go; columns have none across the frame
        Assert.Empty(ClipEncoder.SplitSpans(path, 10));
        Assert.Equal([(4.0, 11.0)], ClipEncoder.SplitSpans(path with { SideBySide = false }, 10));
    }

    [Fact]
    public void AScreenShotStacksTheWholeFrameAtTheOutputsWidthOverTheFacesWindowMovedByName()
    {
        var path = new CropPath(1280, 720, 404, 720, [new Keyframe(0, 100, 0)], "face", "")
        {
            Shots = [new ShotLayout(0, 4, ClipLayouts.Single, "a"), new ShotLayout(4, 10.2, ClipLayouts.Screen, "b")],
            InsetWidth = 412,
            InsetHeight = 502,
            Inset = [new Keyframe(0, 868, 218), new Keyframe(6, 860, 218)],
        };

        string graph = ClipEncoder.ShotsGraph(path, 360, 640, 10);

        Assert.Equal("split=2[single][screen];[single]crop@single=w=404:h=720:x=100:y=0,scale=360:640,setsar=1[singled];"
            + "[screen]split=2[scrwhole][scrface];[scrwhole]scale=360:202,setsar=1[scrtop];"
            + "[scrface]crop@inset=w=412:h=502:x=868:y=218,scale=360:438,setsar=1[scrbottom];[scrtop][scrbottom]vstack[screened];"
            + "[singled][screened]overlay=x=0:y=0:format=yuv420:enable='gte(t\\,4.000)*lt(t\\,11.000)'[screenover];"
            + "[screenover]setsar=1,split=2[main][still];[main]", graph);
        Assert.Equal("6.000 crop@inset x 860, crop@inset y 218;\n", ClipEncoder.ShotsCommands(path, 10));
        // captions of the screen shots sit under the screen's 202 rows
        Assert.Equal(202, ClipEncoder.ScreenSpans(path, 10, 360, 640)!.Value.Top);
        // a clip that is a screen throughout is the stack alone
        var screen = path with { Shots = [new ShotLayout(0, 10, ClipLayouts.Screen, "b")] };
        Assert.StartsWith("split=2[scrwhole][scrface];", ClipEncoder.ShotsGraph(screen, 360, 640, 10));
        Assert.EndsWith("vstack[screened];[screened]setsar=1,split=2[main][still];[main]", ClipEncoder.ShotsGraph(screen, 360, 640, 10));
        Assert.Equal("6.000 crop@inset x 860, crop@inset y 218;\n", ClipEncoder.ShotsCommands(screen, 10));
    }

    [Fact]
    public void FilterValuesAreEscapedForTheOptionAndTheGraphParsers()
    {
        Assert.Equal("/a\\\\:b", ClipEncoder.FilterValue("/a:b")); // : escaped for the option parser, that backslash for the graph parser
        Assert.Equal("\\[x\\]\\,\\;", ClipEncoder.FilterValue("[x],;"));
        Assert.Equal("\\\\\\\\\\\\\\'", ClipEncoder.FilterValue("\\'"));
    }

    [Fact]
    public void RequestsThatCannotBeEncodedAreRejected()
    {
        var src = sample.Source.File;
        var words = sample.Words;
        var dir = sample.Dir;
        Assert.Throws<ArgumentException>(() => new EncodeRequest(src, sample.Clip, words, Moving, 1080, 1080, dir, "c")); // shape
        Assert.Throws<ArgumentException>(() => new EncodeRequest(src, sample.Clip, words, Moving, 361, 640, dir, "c")); // odd size
        Assert.Throws<ArgumentException>(() => new EncodeRequest(src, sample.Clip, words, Moving, 32, 56, dir, "c")); // tiny
        Assert.Throws<ArgumentException>(() => new EncodeRequest(src, sample.Clip with { End = 3.0 }, words, Moving, W, H, dir, "c"));
        Assert.Throws<ArgumentException>(() => new EncodeRequest(src, sample.Clip with { Start = -1 }, words, Moving, W, H, dir, "c"));
        Assert.Throws<ArgumentException>(() => new EncodeRequest(src, sample.Clip, words, Moving with { Keyframes = [] }, W, H, dir, "c"));
        foreach (var stem in new[] { "", ".hidden", "../up", "a/b", "a b", "x\n", "-rf", new string('a', 101) })
        {
            Assert.Throws<ArgumentException>(() => new EncodeRequest(src, sample.Clip, words, Moving, W, H, dir, stem));
        }

        var ok = new EncodeRequest(src, sample.Clip, words, Moving, W, H, dir, "Clip_01.v2-final");
        Assert.Equal(20.0, ok.Duration, 9);
    }

    [Fact]
    public void OptionsOutOfRangeAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new ClipEncoder(new EncodeOptions { Preset = "warp" }));
        Assert.Throws<ArgumentException>(() => new ClipEncoder(new EncodeOptions { Crf = 52 }));
        Assert.Throws<ArgumentException>(() => new ClipEncoder(new EncodeOptions { JpegQuality = 1 }));
        Assert.Throws<ArgumentException>(() => new ClipEncoder(new EncodeOptions { Captions = new() { Preset = "neon" } }));
        Assert.Throws<ArgumentException>(() => new ClipEncoder(new EncodeOptions { Timeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentException>(() => (CaptionPresets.Bold with { HighlightColour = "yellow" }).Validate());
        Assert.Throws<ArgumentException>(() => (CaptionPresets.Bold with { FontName = "A, B" }).Validate());
        Assert.Throws<ArgumentException>(() => (CaptionPresets.Bold with { MinWordsPerLine = 3, MaxWordsPerLine = 4 }).Validate());
        var defaults = new EncodeOptions();
        Assert.Equal(("veryfast", 21, 0, 128, true), (defaults.Preset, defaults.Crf, defaults.X264Threads, defaults.AudioBitrateKbps, defaults.BurnCaptions));
        Assert.Equal((540, 0.3, 3, 0.3, TimeSpan.FromMinutes(15)), (defaults.ThumbnailWidth, defaults.ThumbnailAt, defaults.JpegQuality, defaults.DurationTolerance, defaults.Timeout));
        Assert.Equal(("bold", "League Spartan Black", "/usr/share/fonts/opentype/league-spartan"),
            (defaults.Captions.Preset, CaptionPresets.Bold.FontName, CaptionPresets.Bold.FontsDir));
    }

    [Fact]
    public void TheCommandIsOneFfmpegPassWithSeekSendcmdCaptionsAndTwoOutputs()
    {
        var encoder = new ClipEncoder(new EncodeOptions { X264Threads = 2 });
        var cmd = encoder.Command(sample.Request(Moving, W, H, sample.Dir, "c"), "/w/crop.cmd", "/w/c.ass", "/o/v.tmp", "/o/t.tmp");
        string line = string.Join(' ', cmd);
        Assert.StartsWith("ffmpeg -nostdin", line);
        Assert.Contains("-ss 3.000 -t 20.000 -i " + sample.Source.File, line); // the seek is on the input
        string graph = cmd[cmd.ToList().IndexOf("-filter_complex") + 1];
        Assert.Equal("[0:v]sendcmd=f=/w/crop.cmd,crop=w=202:h=360:x=0:y=0,scale=360:640,setsar=1,split=2[main][still];"
            + "[main]ass=filename=/w/c.ass:fontsdir=/usr/share/fonts/opentype/league-spartan,format=yuv420p[v];"
            + "[still]trim=start=6.000:duration=0.5,setpts=PTS-STARTPTS,scale=360:640,setsar=1[thumb]", graph);
        Assert.Contains("-threads 2", line);
        Assert.Contains("-movflags +faststart -f mp4 /o/v.tmp", line);
        Assert.EndsWith("-map [thumb] -frames:v 1 -c:v mjpeg -q:v 3 -f image2 /o/t.tmp", line);
    }

    private static List<string> Listing(string dir) =>
        !Directory.Exists(dir) ? [] : Directory.EnumerateFileSystemEntries(dir).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToList();
}
