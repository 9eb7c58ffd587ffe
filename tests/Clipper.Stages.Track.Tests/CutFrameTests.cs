using System.Globalization;
using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Media;
using Clipper.Core.Processes;
using Clipper.Core.Samples;
using Clipper.Stages.Encode;
using Clipper.TestSupport;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// A cut-heavy talk: five still shots of three real photos, the face placed far left or far right by turns, hard
/// cuts at 2.24, 4.96, 7.44 and 10.16 s (25 fps) — off the 5 fps sampling grid, 0.06 s from the midpoints between
/// samples where the window used to jump — and three clips of it, tracked once.
/// </summary>
public sealed class CutHeavyTalk : IAsyncLifetime
{
    public const int Fps = 25;
    public const int Width = 640;
    public const int Height = 360;

    /// <summary>Photo, scaled width, where its face should sit in the frame (x), and the shot's length.</summary>
    private static readonly (string Photo, int Scaled, int FaceAt, double Seconds)[] Plan =
    [
        ("jesper_2.jpg", 960, 130, 2.24), ("anne_helene.jpg", 960, 500, 2.72), ("new_wave_1.jpg", 960, 140, 2.48),
        ("anne_helene.jpg", 960, 480, 2.72), ("jesper_2.jpg", 960, 510, 2.84),
    ];

    public static readonly (double Start, double End)[] Clips = [(0, 13.0), (1.4, 12.0), (3.0, 13.0)];

    public FaceTracker Tracker { get; } = new(Assets.FaceModel(), new TrackOptions());

    public BlazeFace Detector { get; } = new(Assets.FaceModel());

    public string Dir { get; } = TestMedia.TempDir("clipper-cuts");

    public string Video => Path.Combine(Dir, "cuts.mp4");

    /// <summary>Source times of the shots' first frames (the first is 0).</summary>
    public List<double> ShotStarts { get; } = [];

    /// <summary>The face's centre in the frame, per shot.</summary>
    public List<(double X, double Y)> Faces { get; } = [];

    public List<CropPath> Paths { get; } = [];

    public double Duration => Plan.Sum(p => p.Seconds);

    public async ValueTask InitializeAsync()
    {
        var stills = new List<TestVideos.Still>();
        double t = 0;
        foreach (var (photo, scaled, faceAt, seconds) in Plan)
        {
            var file = Assets.Photo(photo);
            var image = await RgbFrame.ReadAsync(file);
            var face = Detector.Detect(image).OrderByDescending(f => f.Score).First();
            double k = (double)scaled / image.Width;
            int scaledHeight = (int)Math.Round(image.Height * k / 2) * 2;
            int x = Math.Clamp((int)Math.Round(face.CentreX * k - faceAt), 0, scaled - Width);
            int y = Math.Clamp((int)Math.Round(face.CentreY * k - Height * 0.4), 0, scaledHeight - Height);
            stills.Add(new(file, scaled, x, y, seconds));
            Faces.Add((face.CentreX * k - x, face.CentreY * k - y));
            ShotStarts.Add(t);
            t += seconds;
        }

        await TestVideos.ShotsAsync(stills, Width, Height, Fps, Video);
        var media = await Probe.ProbeAsync(Video);
        foreach (var (start, end) in Clips)
        {
            Paths.Add(await Tracker.TrackAsync(Video, media, start, end, 1080, 1920));
        }
    }

    /// <summary>The shot showing at source time t.</summary>
    public int ShotAt(double t) => ShotStarts.FindLastIndex(s => s <= t + 1e-9);

    public ValueTask DisposeAsync()
    {
        Tracker.Dispose();
        Detector.Dispose();
        Directory.Delete(Dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Issue 20, shot changes: the crop moves on the cut's own frame, not up to 0.1 s (two or three frames) off it;
/// the face stays in the window through a cut-heavy talk; nothing is smoothed across a cut.
/// </summary>
[Trait("Category", "media")]
public sealed class CutFrameTests(CutHeavyTalk talk) : IClassFixture<CutHeavyTalk>
{
    private const double Frame = 1.0 / CutHeavyTalk.Fps;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>
    /// At every cut inside every clip, the window's jump takes effect on the cut's first frame: its time lies after
    /// the frame before the cut and at or before the cut's frame (sendcmd applies it to the first frame at or past
    /// it).
    /// </summary>
    [Fact]
    public void EveryJumpLandsOnTheCutsFrame()
    {
        for (int c = 0; c < CutHeavyTalk.Clips.Length; c++)
        {
            var (start, end) = CutHeavyTalk.Clips[c];
            var path = talk.Paths[c];
            Assert.True(path.Method == "face", path.Reason);
            foreach (double cut in talk.ShotStarts.Where(s => s > start && s < end))
            {
                double at = cut - start;
                var jump = path.Keyframes.Where(k => Math.Abs(k.T - at) < 0.3).MinBy(k => Math.Abs(k.T - at));
                Assert.True(jump is not null, $"clip {c}: no keyframe near the cut at {at:0.000} s: {string.Join(", ", path.Keyframes)}");
                Assert.True(jump.T > at - Frame + 1e-6 && jump.T <= at + 1e-6,
                    $"clip {c}: the cut's first frame is at {at:0.000} s, the window jumps at {jump.T:0.000} s ({path.Reason})");
            }

            Assert.Contains("placed on their frame", path.Reason);
        }
    }

    /// <summary>The issue's number: the face inside the window in ≥ 95 % of the sampled instants of every clip (10 a second).</summary>
    [Fact]
    public void TheFaceStaysInTheWindowThroughEveryClip()
    {
        var figures = new List<string>();
        for (int c = 0; c < CutHeavyTalk.Clips.Length; c++)
        {
            var (start, end) = CutHeavyTalk.Clips[c];
            var path = talk.Paths[c];
            int inside = 0, total = 0;
            for (double t = start; t < end - 1e-9; t += 0.1)
            {
                var face = talk.Faces[talk.ShotAt(t)];
                total++;
                if (TestVideos.Inside(path, t - start, face.X))
                {
                    inside++;
                }
            }

            double share = (double)inside / total;
            figures.Add(string.Create(Inv, $"clip {start:0.0}-{end:0.0} s {100 * share:0.0}%"));
            Assert.True(share >= 0.95, $"clip {c}: the face is in the window at {inside} of {total} instants; {path.Reason}");
        }

        Measurements.Record($"cut-heavy talk (4 cuts off the 5 fps grid), face inside the window at 10 instants/s: {string.Join(", ", figures)}");
    }

    /// <summary>
    /// Nothing carried over a cut: the window's first position in each shot already holds the new face, and stays
    /// there for the whole (still) shot — no pan in from where the last shot left it.
    /// </summary>
    [Fact]
    public void EachShotStartsOnItsOwnSubject()
    {
        var path = talk.Paths[0];
        for (int s = 1; s < talk.ShotStarts.Count; s++)
        {
            double from = talk.ShotStarts[s];
            double to = s + 1 < talk.ShotStarts.Count ? talk.ShotStarts[s + 1] : talk.Duration;
            var first = TestVideos.At(path, from);
            double face = talk.Faces[s].X;
            Assert.True(Math.Abs(first.X + path.Width / 2.0 - face) < 0.15 * path.Width,
                $"shot {s}: the window starts at {first}, the face is at {face:0}");
            // (the next cut's jump may come up to a frame before its first frame)
            var inShot = path.Keyframes.Where(k => k.T > from + 1e-6 && k.T <= to - Frame + 1e-6).ToList();
            Assert.True(inShot.Count == 0, $"shot {s} ({from:0.00}-{to:0.00} s) is still, yet the window moves: {string.Join(", ", inShot)}");
        }
    }

    /// <summary>
    /// Through a real render (ClipEncoder): the last frame before each cut shows the old shot framed on its face, and
    /// the cut's first frame already the new shot framed on the new face. Each output frame is compared with the
    /// source frame cropped around the true face of either shot: it must match its own shot's framing far better.
    /// </summary>
    [Fact]
    public async Task TheRenderedFrameAfterACutShowsTheNewSubject()
    {
        const double clipEnd = 6.0;
        var source = Path.Combine(talk.Dir, "cuts-audio.mp4");
        await ProcessRunner.RunCheckedAsync(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y", "-i", talk.Video, "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono",
            "-t", "6", "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", source,
        ], TimeSpan.FromMinutes(1), Token);
        var path = talk.Paths[0];
        var clip = new ScoredClip(1, 0, clipEnd, 70, new Scores(70, 70, 70, 70), "test", "Cuts");
        const int w = 270, h = 480;
        var encoded = await new ClipEncoder(new EncodeOptions { BurnCaptions = false })
            .EncodeAsync(new EncodeRequest(source, clip, [], path, w, h, Path.Combine(talk.Dir, "render"), "cuts"), null, Token);

        foreach (double cut in talk.ShotStarts.Where(s => s > 0 && s < clipEnd))
        {
            int shot = talk.ShotAt(cut);
            await AssertFramedAsync(cut - Frame, shot - 1, shot);
            await AssertFramedAsync(cut, shot, shot - 1);
        }

        async Task AssertFramedAsync(double t, int shot, int other)
        {
            var output = await TestVideos.GrayAsync(encoded.Video, t, $"scale={w}:{h}", Token);
            double own = TestVideos.Difference(output, await TestVideos.GrayAsync(talk.Video, t, Framing(shot), Token));
            double wrong = TestVideos.Difference(output, await TestVideos.GrayAsync(talk.Video, t, Framing(other), Token));
            Assert.True(own < 0.5 * wrong,
                $"output frame at {t:0.000} s: mean difference {own:0.0} from shot {shot} framed on its face, {wrong:0.0} from shot {other}'s framing");
        }

        string Framing(int shot)
        {
            int x = Math.Clamp((int)Math.Round(talk.Faces[shot].X - path.Width / 2.0), 0, CutHeavyTalk.Width - path.Width);
            return $"crop={path.Width}:{path.Height}:{x}:0,scale={w}:{h}";
        }
    }
}
