using Clipper.Core.Crop;
using Clipper.Core.Media;
using Clipper.Core.Samples;
using Clipper.Samples;
using Clipper.TestSupport;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// The two-person dialogue (<see cref="TwoSpeakerMedia"/>) built once for a test class and tracked once for a 9:16
/// output, with the active speaker followed and (for comparison) with it turned off: anne_helene.jpg on the left
/// speaking with flite's slt voice, jesper_2.jpg on the right with kal. Where each face is in its photo comes from
/// BlazeFace run once on the still.
/// </summary>
public sealed class DialogueFixture : IAsyncLifetime
{
    public string Dir { get; } = TestMedia.TempDir("clipper-dialogue");

    public Dialogue Dialogue { get; private set; } = null!;

    /// <summary>The path with the active speaker followed (the default options).</summary>
    public CropPath Path { get; private set; } = null!;

    /// <summary>The path with <see cref="TrackOptions.FollowSpeaker"/> off: the tracker as it was before.</summary>
    public CropPath Unaware { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var model = Assets.FaceModel();
        using (var detector = new BlazeFace(model))
        {
            var left = await SpeakerAsync(detector, "anne_helene.jpg", "slt");
            var right = await SpeakerAsync(detector, "jesper_2.jpg", "kal");
            Dialogue = await TwoSpeakerMedia.BuildAsync(left, right, System.IO.Path.Combine(Dir, "dialogue.mp4"));
        }

        var media = await Probe.ProbeAsync(Dialogue.File);
        using (var tracker = new FaceTracker(model, new TrackOptions()))
        {
            Path = await tracker.TrackAsync(Dialogue.File, media, 0, Dialogue.DurationSeconds, 1080, 1920);
        }

        using (var tracker = new FaceTracker(model, new TrackOptions { FollowSpeaker = false }))
        {
            Unaware = await tracker.TrackAsync(Dialogue.File, media, 0, Dialogue.DurationSeconds, 1080, 1920);
        }
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Dir, recursive: true);
        return ValueTask.CompletedTask;
    }

    internal static async Task<Speaker> SpeakerAsync(BlazeFace detector, string photo, string voice)
    {
        var file = Assets.Photo(photo);
        var f = detector.Detect(await RgbFrame.ReadAsync(file)).OrderByDescending(x => x.Area).First();
        return new Speaker(file, new PhotoFace(f.X, f.Y, f.Width, f.Height, f.Keypoints[Face.Nose].Y), voice);
    }
}
