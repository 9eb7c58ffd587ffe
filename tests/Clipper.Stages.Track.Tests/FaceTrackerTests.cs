using Clipper.Core.Crop;
using Clipper.Core.Errors;
using Clipper.Core.Media;
using Clipper.Core.Samples;
using Clipper.Samples;
using Clipper.TestSupport;

namespace Clipper.Stages.Track.Tests;

/// <summary>One loaded tracker and detector for the tracker tests, and a scratch directory.</summary>
public sealed class TrackerFixture : IDisposable
{
    public FaceTracker Tracker { get; } = new(Assets.FaceModel(), new TrackOptions());

    public BlazeFace Detector { get; } = new(Assets.FaceModel());

    public string Dir { get; } = TestMedia.TempDir("clipper-track");

    public void Dispose()
    {
        Tracker.Dispose();
        Detector.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}

/// <summary>
/// The tracker on real talking videos built from real photos, checked against where the face truly is: the face
/// is found once in the still photo, and the video's known pan expression says where it is in every frame.
/// </summary>
[Trait("Category", "media")]
public sealed class FaceTrackerTests(TrackerFixture fixture) : IClassFixture<TrackerFixture>
{
    /// <summary>A 9:16 window over a 640x360 frame is 202 px wide.</summary>
    private const int OutW = 1080;
    private const int OutH = 1920;
    private static readonly TrackOptions Options = new();

    private FaceTracker Tracker => fixture.Tracker;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    [Trait("Category", "slow")]
    public async Task FollowsAPanningFaceSmoothly()
    {
        var look = new Look(640, 360, 25, 100, 6);
        var clean = await TestMedia.CachedTalkAsync("track-pan", SampleVideo.Talk(0.25), look, "jesper_2.jpg");
        // Sensor-like noise, fresh in every frame, makes the detections wobble as they do on real footage.
        var noisy = Path.Combine(fixture.Dir, "noisy.mp4");
        await TestVideos.AddNoiseAsync(clean.File, 15, noisy);
        var face = await TruthAsync("jesper_2.jpg", look, 0);
        var progress = new ProgressLog();

        var media = await Probe.ProbeAsync(noisy, Token);
        var path = await Tracker.TrackAsync(noisy, media, 0, clean.DurationSeconds, OutW, OutH, progress, Token);

        Assert.True(path.Method == "face", path.Reason);
        Assert.Equal((202, 360), (path.Width, path.Height));
        int inside = 0, checks = 0;
        var offsets = new List<double>();
        for (double t = 0; t < clean.DurationSeconds; t += 0.1, checks++)
        {
            if (TestVideos.Inside(path, t, face.X(t)))
            {
                inside++;
            }

            offsets.Add(Math.Abs(face.X(t) - (TestVideos.At(path, t).X + path.Width / 2.0)));
        }

        offsets.Sort();
        double median = offsets[offsets.Count / 2];
        Assert.True(inside >= 0.95 * checks, $"face inside the window at {inside} of {checks} times");
        Assert.True(median < 0.15 * path.Width, $"median offset from the window centre {median} px");
        AssertSmooth(path, clean.DurationSeconds, look);
        var reports = progress.Values;
        Assert.Equal(1.0, reports[^1]);
        Assert.True(reports.Count > 10, $"progress reported {reports.Count} times");
        Assert.Equal(reports.Order(), reports);
    }

    [Fact]
    [Trait("Category", "slow")]
    public async Task HoldsStillWhenTheSubjectBarelyMoves()
    {
        // A pan of ±12 px: a little beyond the dead zone (16 px), but so small that steady mode must keep one window
        // for the whole clip.
        var look = new Look(640, 360, 25, 12, 4);
        var video = await TestMedia.CachedTalkAsync("track-still", SampleVideo.Talk(0.1), look, "jesper_2.jpg");
        var face = await TruthAsync("jesper_2.jpg", look, 0);

        var path = await TrackAsync(video.File, 0, video.DurationSeconds);

        Assert.True(path.Method == "face", path.Reason);
        var k = Assert.Single(path.Keyframes);
        Assert.True(Math.Abs(face.X(0) - (k.X + path.Width / 2.0)) < 0.1 * path.Width, $"face at {face.X(0)}, window {k}");
    }

    [Fact]
    [Trait("Category", "slow")]
    public async Task StaysOnOneOfTwoFaces()
    {
        // bar55_2.jpg: two people side by side, about 150 px apart in a 640 px frame, panning together. The window
        // (202 px) cannot hold both; it must pick one and stay with it rather than hop between them.
        var look = new Look(640, 360, 25, 80, 5);
        var video = await TestMedia.CachedTalkAsync("track-two", SampleVideo.Talk(0.15), look, "bar55_2.jpg");
        var left = await TruthAsync("bar55_2.jpg", look, 0);
        var right = await TruthAsync("bar55_2.jpg", look, 1);

        var path = await TrackAsync(video.File, 0, video.DurationSeconds);

        Assert.True(path.Method == "face", path.Reason);
        int nearLeft = 0, nearRight = 0;
        for (double t = 0; t < video.DurationSeconds; t += 0.1)
        {
            double centre = TestVideos.At(path, t).X + path.Width / 2.0;
            double dl = Math.Abs(left.X(t) - centre), dr = Math.Abs(right.X(t) - centre);
            if (Math.Min(dl, dr) < path.Width / 2.0)
            {
                if (dl < dr)
                {
                    nearLeft++;
                }
                else
                {
                    nearRight++;
                }
            }
        }

        int total = nearLeft + nearRight;
        Assert.True(total > 0 && Math.Max(nearLeft, nearRight) >= 0.95 * total,
            $"window near the left face {nearLeft} times, near the right face {nearRight} times");
        AssertSmooth(path, video.DurationSeconds, look);
    }

    [Fact]
    public async Task JumpsAtASceneCutInsteadOfPanning()
    {
        // Two shots: a face at the left of the frame, then a different person at the right.
        var a = Assets.Photo("jesper_2.jpg");
        var b = Assets.Photo("anne_helene.jpg");
        var video = Path.Combine(fixture.Dir, "cut.mp4");
        await TestVideos.ShotsAsync([new(a, 960, 320, 92, 3.0), new(b, 960, 0, 290, 3.0)], 640, 360, 25, video);
        double faceA = (await DetectAsync(a)).CentreX * 960 / 800 - 320;
        double faceB = (await DetectAsync(b)).CentreX * 960 / 400;

        var path = await TrackAsync(video, 0, 6.0);

        Assert.True(path.Method == "face", path.Reason);
        double before = TestVideos.At(path, 2.7).X + path.Width / 2.0;
        double after = TestVideos.At(path, 3.3).X + path.Width / 2.0;
        Assert.True(Math.Abs(before - faceA) < 0.15 * path.Width, $"before the cut the window is at {before}, the face at {faceA}");
        Assert.True(Math.Abs(after - faceB) < 0.15 * path.Width, $"after the cut the window is at {after}, the face at {faceB}");
        Assert.True(path.Keyframes.Count <= 3, $"two still shots need two keyframes: {string.Join(", ", path.Keyframes)}");
    }

    /// <summary>
    /// Several output sizes from one sampling pass (a job's extra renditions): each path is the one a track of that
    /// size alone gives, cut frames included, and the frames were sampled once for all of them.
    /// </summary>
    [Fact]
    public async Task OneSamplingPassFitsEachSizeAsATrackOfThatSizeAlone()
    {
        var video = Path.Combine(fixture.Dir, "cut-sizes.mp4");
        await TestVideos.ShotsAsync([new(Assets.Photo("jesper_2.jpg"), 960, 320, 92, 3.0), new(Assets.Photo("anne_helene.jpg"), 960, 0, 290, 3.0)],
            640, 360, 25, video);
        var media = await Probe.ProbeAsync(video, Token);

        var all = await Tracker.TrackAsync(video, media, 0, 6.0, [(1080, 1920), (1080, 1080), (1920, 1080)], null, Token);
        var vertical = await Tracker.TrackAsync(video, media, 0, 6.0, 1080, 1920, null, Token);
        var wide = await Tracker.TrackAsync(video, media, 0, 6.0, 1920, 1080, null, Token);

        Assert.Equal(30, all.SampledFrames);
        Assert.Equal([(202, 360), (360, 360), (640, 360)], all.Paths.Select(p => (p.Width, p.Height)));
        foreach (var (one, alone) in new[] { (all.Paths[0], vertical), (all.Paths[2], wide) })
        {
            Assert.Equal((alone.Method, alone.Reason, alone.Layout, alone.LayoutReason), (one.Method, one.Reason, one.Layout, one.LayoutReason));
            Assert.Equal(alone.Keyframes, one.Keyframes);
        }

        // the 1:1 window jumps at the cut as the 9:16 one does: the cut frame was found once, for every size
        Assert.Equal(vertical.Keyframes.Select(k => k.T), all.Paths[1].Keyframes.Select(k => k.T));
    }

    /// <summary>
    /// The issue's first case: one set, one backdrop, the same person reframed by a hard cut from the left of the
    /// frame to the right. The colours barely change, so only the face's jump shows the cut; the window must be on
    /// the face again within 0.4 s of the cut rather than pan across for over a second.
    /// </summary>
    [Fact]
    public async Task JumpsWhenACutOnlyMovesThePerson()
    {
        var photo = Assets.Photo("jesper_2.jpg");
        var video = Path.Combine(fixture.Dir, "reframed.mp4");
        const double cutAt = 2.96; // 25 fps: between the samples at 2.8 and 3.0, off their midpoint
        await TestVideos.ReframedAsync(photo, 640, 360, 216, 10, 306, cutAt, 6.0, video);
        // jesper_2.jpg (800x532) scaled to 216 px high is 324 px wide.
        double inPhoto = (await DetectAsync(photo)).CentreX * 324 / 800;
        double first = 10 + inPhoto, second = 306 + inPhoto;

        var path = await TrackAsync(video, 0, 6.0);

        Assert.True(path.Method == "face", path.Reason);
        Assert.Contains("found by the face jumping", path.Reason);
        for (double t = 0; t < cutAt - 0.1; t += 0.1)
        {
            Assert.True(TestVideos.Inside(path, t, first), $"at {t:0.0} s the window {TestVideos.At(path, t)} misses the face at {first:0}");
        }

        for (double t = cutAt + 0.4; t < 6.0; t += 0.1)
        {
            Assert.True(TestVideos.Inside(path, t, second), $"at {t:0.0} s the window {TestVideos.At(path, t)} misses the face at {second:0}");
        }

        // One jump, no pan: no keyframe between the two framings; and the jump on the cut's own frame (the pixel
        // difference finds it, the colours hardly change), after the frame before it
        Assert.True(path.Keyframes.Count <= 2, $"keyframes: {string.Join(", ", path.Keyframes)}");
        var jump = Assert.Single(path.Keyframes, k => k.T > 0);
        Assert.True(jump.T > cutAt - 0.04 && jump.T <= cutAt, $"the cut's frame is at {cutAt} s, the window jumps at {jump.T} s");
    }

    [Fact]
    public async Task FallsBackToACentreCropWithoutFaces()
    {
        var look = new Look(640, 360, 25, 40, 6);
        var video = await TestMedia.CachedTalkAsync("track-rabbit", SampleVideo.Talk(0.05), look, "spiff.jpg");

        var path = await TrackAsync(video.File, 0, video.DurationSeconds);

        Assert.Equal("centre", path.Method);
        Assert.StartsWith("no face found in ", path.Reason);
        Assert.Equal([new Keyframe(0, (640 - 202) / 2, 0)], path.Keyframes);
    }

    /// <summary>
    /// The issue's second case: a dog's face close up (donna_2.jpg) panning like a speaker. It scores 0.57–0.78 in
    /// these frames, above the Java build's 0.7 in most of them; the window must not follow it.
    /// </summary>
    [Fact]
    public async Task DoesNotFollowADog()
    {
        var look = new Look(640, 360, 25, 100, 6);
        var video = await TestMedia.CachedTalkAsync("track-dog", SampleVideo.Talk(0.1), look, "donna_2.jpg");

        var path = await TrackAsync(video.File, 0, video.DurationSeconds);

        Assert.Equal("centre", path.Method);
        Assert.Matches("^(no face found in|a face was found in only) ", path.Reason);
        Assert.Equal([new Keyframe(0, (640 - 202) / 2, 0)], path.Keyframes);
    }

    [Fact]
    public async Task FallsBackToACentreCropWhenFfmpegCannotDecode()
    {
        var notVideo = Path.Combine(fixture.Dir, "broken.mp4");
        await File.WriteAllBytesAsync(notVideo, new byte[4096], Token);
        var claimed = new MediaInfo(10, true, false, 1920, 1080, 30, "h264", null, "mov,mp4", 4096);

        var path = await Tracker.TrackAsync(notVideo, claimed, 0, 5, OutW, OutH, null, Token);

        Assert.Equal("centre", path.Method);
        Assert.StartsWith("ffmpeg could not decode the clip", path.Reason);
        Assert.Equal((608, 1080), (path.Width, path.Height));
    }

    [Fact]
    public async Task FallsBackToACentreCropWhenTheModelIsMissing()
    {
        using var broken = new FaceTracker(Path.Combine(fixture.Dir, "missing.onnx"), Options);
        var media = new MediaInfo(10, true, false, 1280, 720, 25, "h264", null, "mov,mp4", 1);

        var path = await broken.TrackAsync(Path.Combine(fixture.Dir, "any.mp4"), media, 0, 5, OutW, OutH, null, Token);

        Assert.Equal("centre", path.Method);
        Assert.StartsWith("the face model could not be loaded", path.Reason);
    }

    [Fact]
    public async Task ACancelledTrackThrowsCancelled()
    {
        var video = await TestMedia.CachedTalkAsync("track-still", SampleVideo.Talk(0.1), new Look(640, 360, 25, 12, 4), "jesper_2.jpg");
        var media = await Probe.ProbeAsync(video.File, Token);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var e = await Assert.ThrowsAsync<ClipperException>(() =>
            Tracker.TrackAsync(video.File, media, 0, video.DurationSeconds, OutW, OutH, null, cancel.Token));

        Assert.Equal(ErrorCode.Cancelled, e.Code);
    }

    [Fact]
    public async Task ASourceWithoutVideoIsNotAVideo()
    {
        var audioOnly = new MediaInfo(10, false, true, 0, 0, 0, null, "aac", "mov,mp4", 1000);

        var e = await Assert.ThrowsAsync<ClipperException>(() =>
            Tracker.TrackAsync(Path.Combine(fixture.Dir, "talk.m4a"), audioOnly, 0, 5, OutW, OutH, null, Token));

        Assert.Equal(ErrorCode.NotAVideo, e.Code);
    }

    /// <summary>
    /// The sampling settings <c>clipper bench track</c> compares, the defaults and the former ones (ffmpeg scaling to 640
    /// wide on its own threads, the detector shrinking that), both follow the face of a 720p talk.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BothSamplingSettingsFollowTheFaceIn720p(bool former)
    {
        var video = await TestMedia.CachedTalkAsync("track-bench-hd", SampleVideo.Talk(0.25), Look.Hd, "jesper_2.jpg");
        var media = await Probe.ProbeAsync(video.File, Token);
        using var tracker = new FaceTracker(Assets.FaceModel(), former ? new TrackOptions { AnalysisSize = 640, DecodeThreads = 0 } : new TrackOptions());

        var path = await tracker.TrackAsync(video.File, media, 0, video.DurationSeconds, OutW, OutH, null, Token);

        Assert.True(path.Method == "face", $"{path.Method}: {path.Reason}");
    }

    private async Task<CropPath> TrackAsync(string file, double start, double end)
    {
        var media = await Probe.ProbeAsync(file, Token);
        return await Tracker.TrackAsync(file, media, start, end, OutW, OutH, null, Token);
    }

    private async Task<Face> DetectAsync(string photo) =>
        fixture.Detector.Detect(await RgbFrame.ReadAsync(photo, Token)).OrderByDescending(f => f.Score).First();

    /// <summary>The face of the photo with index which (0 = leftmost), as it moves in the video.</summary>
    private async Task<PannedFace> TruthAsync(string photo, Look look, int which)
    {
        var still = await RgbFrame.ReadAsync(Assets.Photo(photo), Token);
        var faces = fixture.Detector.Detect(still).OrderBy(f => f.CentreX).ToList();
        return PannedFace.Of(faces[which], still.Width, still.Height, look);
    }

    /// <summary>
    /// No step faster than the speed limit allows (plus rounding), and no jitter: the window turns around no more
    /// often than the subject does (the pan reverses twice per period).
    /// </summary>
    private static void AssertSmooth(CropPath path, double duration, Look look)
    {
        var ks = path.Keyframes;
        for (int i = 1; i < ks.Count; i++)
        {
            double allowed = Options.MaxSpeed * path.Width * (ks[i].T - ks[i - 1].T) + 2;
            int step = Math.Abs(ks[i].X - ks[i - 1].X);
            Assert.True(step <= allowed, $"the window moved {step} px between {ks[i - 1]} and {ks[i]}");
        }

        int reversals = 0, direction = 0;
        for (int i = 1; i < ks.Count; i++)
        {
            int d = Math.Sign(ks[i].X - ks[i - 1].X);
            if (d != 0 && direction != 0 && d != direction)
            {
                reversals++;
            }

            if (d != 0)
            {
                direction = d;
            }
        }

        double subjectReversals = Math.Ceiling(2 * duration / look.PanPeriod);
        Assert.True(reversals <= subjectReversals + 1, $"the window reversed {reversals} times; the subject about {subjectReversals}");
    }
}
