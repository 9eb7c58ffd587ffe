using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Media;
using Clipper.Core.Processes;
using Clipper.Core.Samples;
using Clipper.Core.Transcripts;
using Clipper.Samples;
using Clipper.Stages.Encode;
using Clipper.Stages.Encode.Tests;
using Clipper.TestSupport;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// Overlapping dialogue (<see cref="TwoSpeakerMedia.Overlapping"/>, about 11 s): the same two faces and voices as the
/// alternating dialogue, both talking at once nearly throughout. Built, tracked (auto) once for three outputs (360×640,
/// and the wide and square <see cref="Others"/>), each rendered with captions of the spoken words; the wide and square
/// also without captions, so that the captions' ink is what differs.
/// </summary>
public sealed class OverlapFixture() : TwoSpeakerFixture("overlap", TwoSpeakerMedia.Overlapping)
{
    public const int Width = 360;
    public const int Height = 640;

    /// <summary>The outputs the split goes side by side in: 16:9 and 1:1, small (the shapes are what matter).</summary>
    public static readonly IReadOnlyDictionary<string, (int Width, int Height)> OtherSizes =
        new Dictionary<string, (int Width, int Height)> { ["16:9"] = (640, 360), ["1:1"] = (360, 360) };

    public CropPath Path { get; private set; } = null!;

    public string Video { get; private set; } = null!;

    public ScoredClip Clip { get; private set; } = null!;

    /// <summary>Each of <see cref="OtherSizes"/>: its path, its render with captions and without.</summary>
    public Dictionary<string, (CropPath Path, string Video, string Plain)> Others { get; } = [];

    protected override async Task UseAsync(string model, MediaInfo media)
    {
        IReadOnlyList<CropPath> paths;
        using (var tracker = new FaceTracker(model, new TrackOptions()))
        {
            paths = (await tracker.TrackAsync(Dialogue.File, media, 0, Dialogue.DurationSeconds,
                [(Width, Height), .. OtherSizes.Values])).Paths;
        }

        Path = paths[0];
        Clip = new ScoredClip(1, 0, Dialogue.DurationSeconds, 70, new Scores(70, 70, 70, 70), "test", "Both at once");
        var words = Words(Dialogue);
        Task<string> Render(CropPath path, (int Width, int Height) size, string name, bool captions) =>
            new ClipEncoder(new EncodeOptions { BurnCaptions = captions })
                .EncodeAsync(new EncodeRequest(Dialogue.File, Clip, words, path, size.Width, size.Height, Dir, name))
                .ContinueWith(t => t.Result.Video, TaskScheduler.Default);
        var renders = OtherSizes.Select((kv, i) => (kv.Key, paths[i + 1], Render(paths[i + 1], kv.Value, $"split{i}", true),
            Render(paths[i + 1], kv.Value, $"plain{i}", false))).ToList();
        Video = await Render(Path, (Width, Height), "split", true);
        foreach (var (name, path, video, plain) in renders)
        {
            Others[name] = (path, await video, await plain);
        }
    }

    /// <summary>The words of each line spread evenly over its turn: captions to burn in, as a transcript would give them.</summary>
    public static IReadOnlyList<Word> Words(Dialogue d) =>
        d.Turns.SelectMany(t =>
        {
            var words = t.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            double each = (t.End - t.Start) / words.Length;
            return words.Select((w, i) => new Word(w, t.Start + i * each, t.Start + (i + 1) * each, 0.9));
        }).OrderBy(w => w.Start).ToList();
}

/// <summary>
/// The split layout on real media: chosen for the overlapping dialogue's one shot, and in the rendered clip each half
/// shows its own face (left face on top), found there by BlazeFace; a clip that changes layout at a cut renders both.
/// </summary>
[Trait("Category", "media")]
public sealed class SplitLayoutTests(OverlapFixture fixture) : IClassFixture<OverlapFixture>
{
    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private Dialogue D => fixture.Dialogue;

    [Fact]
    public void TheOverlappingDialogueIsSplitSayingHowLongBothSpoke()
    {
        var shot = Assert.Single(fixture.Path.Shots!);
        Assert.Equal(ClipLayouts.Split, shot.Layout);
        Assert.Matches(@"^both faces spoke in [\d.]+ of [\d.]+ s; stacked for a 360x640 output$", shot.Reason);
        Assert.Equal((ClipLayouts.Split, shot.Reason + "; a face in"), (fixture.Path.Layout, fixture.Path.LayoutReason![..(shot.Reason.Length + 11)]));
        Assert.False(fixture.Path.SideBySide);
        Measurements.Record($"split layout: the overlapping dialogue ({D.DurationSeconds.ToString("0.0", Inv)} s) split: {shot.Reason}");
    }

    [Fact]
    public async Task EachHalfOfTheRenderedClipShowsItsOwnFaceInNinetyFivePercentOfSampledFrames()
    {
        // 4 frames a second of the encoded clip, each half searched for a face on its own
        const double fps = 4;
        int topH = ClipLayouts.SplitHeights(OverlapFixture.Height).Top;
        var raw = (await ProcessRunner.RunCheckedAsync(
            ["ffmpeg", "-nostdin", "-v", "error", "-i", fixture.Video, "-vf", $"fps={fps.ToString(Inv)}", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
            TimeSpan.FromMinutes(1), Token)).Stdout;
        int frameBytes = OverlapFixture.Width * OverlapFixture.Height * 3;
        int frames = raw.Length / frameBytes, right = 0;
        var misses = new List<string>();
        using var detector = new BlazeFace(Assets.FaceModel());
        for (int f = 0; f < frames; f++)
        {
            double t = f / fps;
            bool top = Shows(detector, raw, f * frameBytes, 0, topH, fixture.Path.Top!, t, 0);
            bool bottom = Shows(detector, raw, f * frameBytes, topH, OverlapFixture.Height - topH, fixture.Path.Bottom!, t, 1);
            right += top && bottom ? 1 : 0;
            if (!(top && bottom))
            {
                misses.Add($"{t:0.00} s ({(top ? "" : "top")}{(bottom ? "" : " bottom")})");
            }
        }

        Measurements.Record(string.Create(Inv,
            $"split layout: each half shows its own face (BlazeFace in the half, mapped back to the source) in {right} of {frames} sampled frames ({100.0 * right / frames:0.0}%)"));
        Assert.True(frames >= 35, $"{frames} frames decoded");
        Assert.True(right >= 0.95 * frames, $"both halves right in {right} of {frames} frames; wrong at {string.Join(", ", misses)}");
    }

    [Theory]
    [InlineData("16:9")]
    [InlineData("1:1")]
    public async Task InAWideOrSquareOutputTheDialogueIsSplitSideBySideEachColumnOnItsFaceTheCaptionsInTheSafeAreaBelowThem(string ratio)
    {
        var (path, video, plain) = fixture.Others[ratio];
        var (w, h) = OverlapFixture.OtherSizes[ratio];
        var shot = Assert.Single(path.Shots!);
        Assert.Matches($@"^both faces spoke in [\d.]+ of [\d.]+ s; side by side for a {w}x{h} output$", shot.Reason);
        Assert.Equal((ClipLayouts.Split, true), (path.Layout, path.SideBySide));
        var probe = await Probe.ProbeAsync(video, Token);
        Assert.Equal((w, h), (probe.Width, probe.Height));

        // 4 frames a second of the render without captions, each column searched for a face on its own
        const double fps = 4;
        int left = ClipLayouts.SplitWidths(w).Left;
        var raw = (await ProcessRunner.RunCheckedAsync(
            ["ffmpeg", "-nostdin", "-v", "error", "-i", plain, "-vf", $"fps={fps.ToString(Inv)}", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
            TimeSpan.FromMinutes(1), Token)).Stdout;
        int frameBytes = w * h * 3;
        int frames = raw.Length / frameBytes, right = 0, faceBottom = 0;
        var misses = new List<string>();
        using var detector = new BlazeFace(Assets.FaceModel());
        for (int f = 0; f < frames; f++)
        {
            double t = f / fps;
            var l = Part(detector, raw, f * frameBytes, w, (0, 0, left, h), path.SplitWidth, path.Top!, t, 0);
            var r = Part(detector, raw, f * frameBytes, w, (left, 0, w - left, h), path.SplitWidth, path.Bottom!, t, 1);
            right += l is not null && r is not null ? 1 : 0;
            faceBottom = Math.Max(faceBottom, (int)Math.Ceiling(Math.Max(l is null ? 0 : l.Y + l.Height, r is null ? 0 : r.Y + r.Height)));
            if (l is null || r is null)
            {
                misses.Add($"{t:0.00} s ({(l is null ? "left" : "")}{(r is null ? " right" : "")})");
            }
        }

        // the captions' ink: where the captioned frame differs from the clean one, at the middle of each of 3 spoken lines
        var inks = new List<(int Left, int Top, int Right, int Bottom)>();
        foreach (double t in new[] { 2.0, 5.0, 8.0 })
        {
            var ink = Ink(await Frames.RgbAsync(video, t), await Frames.RgbAsync(plain, t), w, h);
            inks.Add(Assert.NotNull(ink));
            CaptionSafeArea.Check(ink.Value, w, h, $"{ratio} at {t} s");
        }

        int inkTop = inks.Min(i => i.Top);
        Measurements.Record(string.Create(Inv,
            $"split layout {ratio} ({w}x{h}, side by side, {path.SplitWidth}x{path.SplitHeight} source windows): each column shows its own face in {right} of {frames} sampled frames ({100.0 * right / frames:0.0}%); the faces' boxes end by row {faceBottom}, the captions' ink starts at row {inkTop} ({string.Join("; ", inks.Select(i => $"{i.Left}..{i.Right} x {i.Top}..{i.Bottom}"))})"));
        Assert.True(frames >= 35, $"{frames} frames decoded");
        Assert.True(right >= 0.95 * frames, $"both columns right in {right} of {frames} frames; wrong at {string.Join(", ", misses)}");
        Assert.True(faceBottom < inkTop, $"the faces reach row {faceBottom}, the captions start at row {inkTop}");
    }

    [Fact]
    public async Task AClipThatChangesLayoutAtItsCutsRendersTheSingleWindowTheStackAndTheWholeFrameInOnePass()
    {
        // the same source and windows, told that the first 4 s are a single shot, 4-8 s split, the rest fit
        var path = fixture.Path with
        {
            Shots =
            [
                new ShotLayout(0, 4, ClipLayouts.Single, "test"), new ShotLayout(4, 8, ClipLayouts.Split, "test"),
                new ShotLayout(8, D.DurationSeconds, ClipLayouts.Fit, "test"),
            ],
        };
        var video = (await new ClipEncoder(new EncodeOptions { BurnCaptions = false })
            .EncodeAsync(new EncodeRequest(D.File, fixture.Clip, [], path, OverlapFixture.Width, OverlapFixture.Height, fixture.Dir, "mixed"), null, Token)).Video;
        using var detector = new BlazeFace(Assets.FaceModel());

        var single = detector.Detect(await FrameAsync(video, 2.0));
        var face = Assert.Single(single);
        // the single window (405 of 720 rows shown in 640) makes the face about 0.89 of its source height: the halves' about 0.44
        Assert.True(face.Height > 0.7 * D.FaceHeight * OverlapFixture.Height / 720.0, $"a face {face.Height:0} px high at 2 s");
        var stacked = detector.Detect(await FrameAsync(video, 7.0));
        int topH = ClipLayouts.SplitHeights(OverlapFixture.Height).Top;
        Assert.Equal(2, stacked.Count);
        Assert.Single(stacked, f => f.CentreY < topH);
        Assert.Single(stacked, f => f.CentreY >= topH);
        // fit: the whole 1280x720 frame at the output's width (360x202, centred): that band is the source frame scaled,
        // far closer to it than to the source mirrored (the two faces change sides)
        var (fw, fh, fx, fy) = ClipLayouts.FitBox(D.Width, D.Height, OverlapFixture.Width, OverlapFixture.Height);
        var band = await TestVideos.GrayAsync(video, 9.0, $"crop={fw}:{fh}:{fx}:{fy}", Token);
        double own = TestVideos.Difference(band, await TestVideos.GrayAsync(D.File, 9.0, $"scale={fw}:{fh}", Token));
        double mirrored = TestVideos.Difference(band, await TestVideos.GrayAsync(D.File, 9.0, $"scale={fw}:{fh},hflip", Token));
        Assert.True(own < 0.4 * mirrored, $"the fit band differs by {own:0.0} from the whole source frame, by {mirrored:0.0} from it mirrored");
    }

    /// <summary>
    /// Whether BlazeFace finds, in rows [y0, y0 + height) of the frame, a face whose centre maps (through the half's
    /// window at t) to within half a face height of speaker <paramref name="speaker"/>'s face in the source.
    /// </summary>
    private bool Shows(BlazeFace detector, byte[] raw, int offset, int y0, int height, IReadOnlyList<Keyframe> window, double t, int speaker) =>
        Part(detector, raw, offset, OverlapFixture.Width, (0, y0, OverlapFixture.Width, height), fixture.Path.SplitWidth, window, t, speaker) is not null;

    /// <summary>
    /// The face BlazeFace finds in the part (x0, y0, width, height) of a frame <paramref name="frameWidth"/> wide whose
    /// centre maps (through the part's window at t, <paramref name="windowWidth"/> source pixels wide) to within half a
    /// face height of speaker <paramref name="speaker"/>'s face in the source; null when none does.
    /// </summary>
    private Face? Part(BlazeFace detector, byte[] raw, int offset, int frameWidth, (int X0, int Y0, int Width, int Height) part, int windowWidth,
        IReadOnlyList<Keyframe> window, double t, int speaker)
    {
        var pixels = new byte[part.Width * part.Height * 3];
        for (int y = 0; y < part.Height; y++)
        {
            Buffer.BlockCopy(raw, offset + ((((part.Y0 + y) * frameWidth) + part.X0) * 3), pixels, y * part.Width * 3, part.Width * 3);
        }

        var k = window.LastOrDefault(k => k.T <= t + 0.001) ?? window[0];
        double scale = (double)windowWidth / part.Width;
        return detector.Detect(new RgbFrame(part.Width, part.Height, pixels)).FirstOrDefault(f =>
            Math.Abs(k.X + f.CentreX * scale - D.FaceCentreX[speaker]) < D.FaceHeight / 2
            && Math.Abs(k.Y + f.CentreY * scale - D.FaceCentreY) < D.FaceHeight / 2);
    }

    /// <summary>The box (left, top, right, bottom; inclusive) of the pixels where two frames differ by more than 60 in a channel: the captions' ink.</summary>
    private static (int Left, int Top, int Right, int Bottom)? Ink(byte[] captioned, byte[] plain, int width, int height)
    {
        int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = 3 * ((y * width) + x);
                if (Math.Abs(captioned[i] - plain[i]) > 60 || Math.Abs(captioned[i + 1] - plain[i + 1]) > 60 || Math.Abs(captioned[i + 2] - plain[i + 2]) > 60)
                {
                    (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
                }
            }
        }

        return right < 0 ? null : (left, top, right, bottom);
    }

    private static async Task<RgbFrame> FrameAsync(string video, double t)
    {
        var raw = (await ProcessRunner.RunCheckedAsync(
            ["ffmpeg", "-nostdin", "-v", "error", "-ss", t.ToString("0.000", Inv), "-i", video, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
            TimeSpan.FromMinutes(1), Token)).Stdout;
        return new RgbFrame(OverlapFixture.Width, OverlapFixture.Height, raw);
    }
}
