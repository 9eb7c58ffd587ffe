using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Media;
using Clipper.Core.Processes;
using Clipper.Core.Samples;
using Clipper.Core.Transcripts;
using Clipper.Samples;
using Clipper.Stages.Encode;
using Clipper.TestSupport;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// Overlapping dialogue (<see cref="TwoSpeakerMedia.Overlapping"/>, about 11 s): the same two faces and voices as the
/// alternating dialogue, both talking at once nearly throughout. Built, tracked (auto) and rendered once, at 360×640
/// with captions of the spoken words.
/// </summary>
public sealed class OverlapFixture() : TwoSpeakerFixture("overlap", TwoSpeakerMedia.Overlapping)
{
    public const int Width = 360;
    public const int Height = 640;

    public CropPath Path { get; private set; } = null!;

    public string Video { get; private set; } = null!;

    public ScoredClip Clip { get; private set; } = null!;

    protected override async Task UseAsync(string model, MediaInfo media)
    {
        using (var tracker = new FaceTracker(model, new TrackOptions()))
        {
            Path = await tracker.TrackAsync(Dialogue.File, media, 0, Dialogue.DurationSeconds, Width, Height);
        }

        Clip = new ScoredClip(1, 0, Dialogue.DurationSeconds, 70, new Scores(70, 70, 70, 70), "test", "Both at once");
        Video = (await new ClipEncoder(new EncodeOptions())
            .EncodeAsync(new EncodeRequest(Dialogue.File, Clip, Words(Dialogue), Path, Width, Height, Dir, "split"))).Video;
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
        Assert.Matches(@"^both faces spoke in [\d.]+ of [\d.]+ s$", shot.Reason);
        Assert.Equal((ClipLayouts.Split, shot.Reason + "; a face in"), (fixture.Path.Layout, fixture.Path.LayoutReason![..(shot.Reason.Length + 11)]));
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
    private bool Shows(BlazeFace detector, byte[] raw, int offset, int y0, int height, IReadOnlyList<Keyframe> window, double t, int speaker)
    {
        int w = OverlapFixture.Width;
        var half = new byte[w * height * 3];
        Buffer.BlockCopy(raw, offset + (y0 * w * 3), half, 0, half.Length);
        var k = window.LastOrDefault(k => k.T <= t + 0.001) ?? window[0];
        double scale = (double)fixture.Path.SplitWidth / w;
        return detector.Detect(new RgbFrame(w, height, half)).Any(f =>
            Math.Abs(k.X + f.CentreX * scale - D.FaceCentreX[speaker]) < D.FaceHeight / 2
            && Math.Abs(k.Y + f.CentreY * scale - D.FaceCentreY) < D.FaceHeight / 2);
    }

    private static async Task<RgbFrame> FrameAsync(string video, double t)
    {
        var raw = (await ProcessRunner.RunCheckedAsync(
            ["ffmpeg", "-nostdin", "-v", "error", "-ss", t.ToString("0.000", Inv), "-i", video, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
            TimeSpan.FromMinutes(1), Token)).Stdout;
        return new RgbFrame(OverlapFixture.Width, OverlapFixture.Height, raw);
    }
}
