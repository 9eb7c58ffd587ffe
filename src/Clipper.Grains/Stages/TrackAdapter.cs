using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core.Media;
using Clipper.Core.Storage;
using Clipper.Core.Transcripts;
using Clipper.Stages.Track;

namespace Clipper.Grains.Stages;

/// <summary>
/// Track: one clip's crop path (<see cref="Tracked"/>), and one more for each extra rendition the job asked for, all
/// fitted from one sampling of the clip. The face model is loaded on the first clip. Where the captions named speakers, their
/// turns within the clip go to the tracker, which matches them to faces.
/// </summary>
internal sealed class TrackAdapter(IBlobStore blobs, IClipperMetrics metrics, Func<FaceTracker> tracker) : IStageAdapter, IDisposable
{
    private readonly Lazy<FaceTracker> _tracker = new(tracker);

    public async Task<StageOutput> RunAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel)
    {
        var clip = work.Clip!;
        var o = work.Spec.Options;
        var source = await unit.Sources.FileAsync(work.Source!.SourceKey, cancel);
        var media = await Probe.ProbeAsync(source, cancel);
        var extras = o.Renditions();
        var turns = await SpeakerTurnsAsync(blobs, work, cancel);
        var tracked = await _tracker.Value.TrackAsync(source, media, clip.Start, clip.End,
            [(o.Width, o.Height), .. extras.Select(s => (s.Width, s.Height))], progress, cancel, o.Layout, turns);
        metrics.TrackFrames(tracked.SampledFrames);
        var path = tracked.Paths[0];
        var key = BlobLayout.Crop(work.JobId, clip.Index);
        await blobs.WriteJsonAsync(key, path, cancel);
        List<TrackedRendition>? renditions = null;
        for (int i = 0; i < extras.Count; i++)
        {
            var extra = tracked.Paths[i + 1];
            var extraKey = BlobLayout.RenditionCrop(work.JobId, clip.Index, extras[i].Ratio());
            await blobs.WriteJsonAsync(extraKey, extra, cancel);
            (renditions ??= []).Add(new TrackedRendition(extras[i].Width, extras[i].Height, extraKey, extra.Method, extra.Reason,
                extra.Layout, extra.LayoutReason));
        }

        return new Tracked(new TrackResult(clip.Index, key, path.Method, path.Reason, path.Layout, path.LayoutReason,
            path.Shots?.Select(s => new TrackedShot(s.Start, s.End, s.Layout, s.Reason)).ToList(), renditions?.ToArray()));
    }

    /// <summary>
    /// The captions' speaker turns within the unit's clip (seconds from its start), read from the stored transcript only when
    /// its captions named two or more speakers (<see cref="TranscriptResult.Speakers"/>); null otherwise, without reading it.
    /// </summary>
    internal static async Task<IReadOnlyList<SpeakerRun>?> SpeakerTurnsAsync(IBlobStore blobs, StageWork work, CancellationToken cancel) =>
        work.Transcript is { Speakers: >= 2 } t
            ? SpeakerRun.Within((await blobs.ReadJsonAsync<Transcript>(t.TranscriptKey, cancel)).Words, work.Clip!.Start, work.Clip.End)
            : null;

    public void Dispose()
    {
        if (_tracker.IsValueCreated)
        {
            _tracker.Value.Dispose();
        }
    }
}
