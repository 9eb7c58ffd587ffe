using Clipper.Core.Crop;
using Clipper.Core.Media;
using Clipper.Core.Samples;
using Clipper.Samples;
using Clipper.TestSupport;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// A two-person dialogue (<see cref="TwoSpeakerMedia"/>) built once for a test class: anne_helene.jpg on the left
/// speaking with flite's slt voice, jesper_2.jpg on the right with kal, saying <paramref name="script"/>. Where each
/// face is in its photo comes from BlazeFace run once on the still. What is made of it is the subclass's.
/// </summary>
public abstract class TwoSpeakerFixture(string name, IReadOnlyList<DialogueLine>? script) : IAsyncLifetime
{
    public string Dir { get; } = TestMedia.TempDir("clipper-" + name);

    public Dialogue Dialogue { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var model = Assets.FaceModel();
        using (var detector = new BlazeFace(model))
        {
            Dialogue = await TwoSpeakerMedia.BuildAsync(await SpeakerAsync(detector, "anne_helene.jpg", "slt"),
                await SpeakerAsync(detector, "jesper_2.jpg", "kal"), System.IO.Path.Combine(Dir, name + ".mp4"), script: script);
        }

        await UseAsync(model, await Probe.ProbeAsync(Dialogue.File));
    }

    /// <summary>Tracks (and renders) the built dialogue.</summary>
    protected abstract Task UseAsync(string model, MediaInfo media);

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
/// The alternating dialogue tracked once for a 9:16 output, with the active speaker followed and (for comparison) with
/// it turned off.
/// </summary>
public sealed class DialogueFixture() : TwoSpeakerFixture("dialogue", null)
{
    /// <summary>The path with the active speaker followed (the default options).</summary>
    public CropPath Path { get; private set; } = null!;

    /// <summary>The path with <see cref="TrackOptions.FollowSpeaker"/> off: the tracker as it was before.</summary>
    public CropPath Unaware { get; private set; } = null!;

    protected override async Task UseAsync(string model, MediaInfo media)
    {
        using (var tracker = new FaceTracker(model, new TrackOptions()))
        {
            Path = await tracker.TrackAsync(Dialogue.File, media, 0, Dialogue.DurationSeconds, 1080, 1920);
        }

        using (var tracker = new FaceTracker(model, new TrackOptions { FollowSpeaker = false }))
        {
            Unaware = await tracker.TrackAsync(Dialogue.File, media, 0, Dialogue.DurationSeconds, 1080, 1920);
        }
    }
}
