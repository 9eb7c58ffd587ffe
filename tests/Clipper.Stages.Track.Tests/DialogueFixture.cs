using Clipper.Core;
using Clipper.Core.Crop;
using Clipper.Core.Media;
using Clipper.Core.Samples;
using Clipper.Core.Transcripts;
using Clipper.Samples;
using Clipper.Stages.Transcribe;
using Clipper.TestSupport;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// A two-person dialogue (<see cref="TwoSpeakerMedia"/>) built once for a test class: anne_helene.jpg on the left
/// speaking with flite's slt voice, jesper_2.jpg on the right with kal, saying <paramref name="script"/>. Where each
/// face is in its photo comes from BlazeFace run once on the still, each face <paramref name="faceHeight"/> pixels high
/// in the 1280×720 frame. What is made of it is the subclass's.
/// </summary>
public abstract class TwoSpeakerFixture(string name, IReadOnlyList<DialogueLine>? script, int faceHeight = 220) : IAsyncLifetime
{
    public string Dir { get; } = TestMedia.TempDir("clipper-" + name);

    public Dialogue Dialogue { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var model = Assets.FaceModel();
        using (var detector = new BlazeFace(model))
        {
            Dialogue = await TwoSpeakerMedia.BuildAsync(await SpeakerAsync(detector, "anne_helene.jpg", "slt"),
                await SpeakerAsync(detector, "jesper_2.jpg", "kal"), System.IO.Path.Combine(Dir, name + ".mp4"), faceHeight, script: script);
        }

        await UseAsync(model, await Probe.ProbeAsync(Dialogue.File));
    }

    /// <summary>Tracks (and renders) the built dialogue.</summary>
    protected abstract Task UseAsync(string model, MediaInfo media);

    /// <summary>A WebVTT timestamp.</summary>
    protected static string Vtt(double seconds) => TimeSpan.FromSeconds(seconds).ToString(@"hh\:mm\:ss\.fff", System.Globalization.CultureInfo.InvariantCulture);

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private static async Task<Speaker> SpeakerAsync(BlazeFace detector, string photo, string voice)
    {
        var file = Assets.Photo(photo);
        var f = detector.Detect(await RgbFrame.ReadAsync(file)).OrderByDescending(x => x.Area).First();
        return new Speaker(file, new PhotoFace(f.X, f.Y, f.Width, f.Height, f.Keypoints[Face.Nose].Y), voice);
    }
}

/// <summary>
/// The alternating dialogue tracked once for a 9:16 output, with the active speaker followed, with it followed from the
/// captions' speaker turns too, with listener reaction shots on, and (for comparison) with it turned off.
/// </summary>
public sealed class DialogueFixture() : TwoSpeakerFixture("dialogue", null)
{
    /// <summary>The speakers' names in the captions, by speaker index.</summary>
    public static readonly string[] Names = ["Ann", "Ben"];

    /// <summary>The path with the active speaker followed (the default options).</summary>
    public CropPath Path { get; private set; } = null!;

    /// <summary>The path with <see cref="TrackOptions.FollowSpeaker"/> off: the tracker as it was before.</summary>
    public CropPath Unaware { get; private set; } = null!;

    /// <summary>The path with <see cref="TrackOptions.ReactionShots"/> on (its other settings the defaults).</summary>
    public CropPath Reactions { get; private set; } = null!;

    /// <summary>
    /// The speaker turns the track stage got from the dialogue's captions: a WebVTT file of one cue per line of the dialogue
    /// (its ground-truth times), each in a voice span naming its speaker, read by the captions provider as a job's side-car
    /// captions are, stored and loaded as the transcript blob is, and cut to the clip (<see cref="SpeakerRun.Within"/>).
    /// </summary>
    public IReadOnlyList<SpeakerRun> Turns { get; private set; } = null!;

    /// <summary>The path with the active speaker followed and <see cref="Turns"/> given.</summary>
    public CropPath WithTurns { get; private set; } = null!;

    protected override async Task UseAsync(string model, MediaInfo media)
    {
        var vtt = System.IO.Path.Combine(Dir, "dialogue.vtt");
        await File.WriteAllTextAsync(vtt, "WEBVTT\n\n" + string.Concat(Dialogue.Turns.Select(t =>
            $"{Vtt(t.Start)} --> {Vtt(t.End)}\n<v {Names[t.Speaker]}>{t.Text}</v>\n\n")));
        var transcript = await new CaptionFileProvider().TranscribeAsync(new TranscribeRequest(Dialogue.File, vtt, Dir), null, default);
        var stored = Json.Deserialize<Transcript>(Json.Serialize(transcript!));
        Turns = SpeakerRun.Within(stored.Words, 0, Dialogue.DurationSeconds);
        using (var tracker = new FaceTracker(model, new TrackOptions()))
        {
            Path = await tracker.TrackAsync(Dialogue.File, media, 0, Dialogue.DurationSeconds, 1080, 1920);
            WithTurns = await tracker.TrackAsync(Dialogue.File, media, 0, Dialogue.DurationSeconds, 1080, 1920, turns: Turns);
        }

        using (var tracker = new FaceTracker(model, new TrackOptions { FollowSpeaker = false }))
        {
            Unaware = await tracker.TrackAsync(Dialogue.File, media, 0, Dialogue.DurationSeconds, 1080, 1920);
        }

        using (var tracker = new FaceTracker(model, new TrackOptions { ReactionShots = true }))
        {
            Reactions = await tracker.TrackAsync(Dialogue.File, media, 0, Dialogue.DurationSeconds, 1080, 1920);
        }
    }
}

/// <summary>
/// The alternating dialogue as a wide shot (issue 20): the same two faces and voices, each face 100 px high (a seventh
/// of the frame's height, 640 px apart), tracked once for a 9:16 output.
/// </summary>
public sealed class WideShotFixture() : TwoSpeakerFixture("wide", null, 100)
{
    public CropPath Path { get; private set; } = null!;

    protected override async Task UseAsync(string model, MediaInfo media)
    {
        using var tracker = new FaceTracker(model, new TrackOptions());
        Path = await tracker.TrackAsync(Dialogue.File, media, 0, Dialogue.DurationSeconds, 1080, 1920);
    }
}

/// <summary>What a dialogue's turns say a window should show, and how often it does.</summary>
public static class SpeakerTruth
{
    /// <summary>Seconds after a change of speaker that are not judged: the switch may come that late.</summary>
    public const double Settle = 0.5;

    /// <summary>
    /// How many sampled times (every 0.1 s) show the speaking face inside the window, and how many were judged (times
    /// for which <paramref name="skip"/> says so are not).
    /// </summary>
    public static (int Inside, int Judged) Coverage(Dialogue d, CropPath path, Func<double, bool>? skip = null)
    {
        var changes = d.Turns.Where(t => !t.Interjection).SelectMany(t => new[] { t.Start, SoleFrom(d, t) }).ToList();
        int inside = 0, judged = 0;
        for (double t = 0; t < d.DurationSeconds; t += 0.1)
        {
            if (changes.Any(c => t >= c && t < c + Settle) || skip?.Invoke(t) == true)
            {
                continue;
            }

            judged++;
            if (Expected(d, t).Any(s => TestVideos.Inside(path, t, d.FaceCentreX[s])))
            {
                inside++;
            }
        }

        return (inside, judged);
    }

    /// <summary>Who should be in the window at t: whoever talks (either, where both do), else whoever spoke last; never the interjector.</summary>
    public static IEnumerable<int> Expected(Dialogue d, double t)
    {
        var talking = d.Turns.Where(u => !u.Interjection && u.Start <= t && t < u.End).Select(u => u.Speaker).Distinct().ToList();
        if (talking.Count > 0)
        {
            return talking;
        }

        var last = d.Turns.Where(u => !u.Interjection && u.Start <= t).OrderBy(u => u.End).LastOrDefault() ?? d.Turns[0];
        return [last.Speaker];
    }

    /// <summary>Where a turn's speaker has the floor alone: its start, or the end of the other's turn it overlaps.</summary>
    public static double SoleFrom(Dialogue d, SpeakerTurn turn) =>
        d.Turns.Where(u => u.Speaker != turn.Speaker && !u.Interjection && u.Start < turn.Start && u.End > turn.Start)
            .Select(u => u.End).DefaultIfEmpty(turn.Start).Max();
}
