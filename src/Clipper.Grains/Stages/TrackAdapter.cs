using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core.Media;
using Clipper.Core.Storage;
using Clipper.Stages.Track;

namespace Clipper.Grains.Stages;

/// <summary>Track: one clip's crop path (<see cref="Tracked"/>). The face model is loaded on the first clip.</summary>
internal sealed class TrackAdapter(IBlobStore blobs, Func<FaceTracker> tracker) : IStageAdapter, IDisposable
{
    private readonly Lazy<FaceTracker> _tracker = new(tracker);

    public async Task<StageOutput> RunAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel)
    {
        var clip = work.Clip!;
        var source = await unit.Sources.FileAsync(work.Source!.SourceKey, cancel);
        var media = await Probe.ProbeAsync(source, cancel);
        var path = await _tracker.Value.TrackAsync(source, media, clip.Start, clip.End, work.Spec.Options.Width,
            work.Spec.Options.Height, progress, cancel, work.Spec.Options.Layout);
        var key = BlobLayout.Crop(work.JobId, clip.Index);
        await blobs.WriteJsonAsync(key, path, cancel);
        return new Tracked(new TrackResult(clip.Index, key, path.Method, path.Reason, path.Layout, path.LayoutReason,
            path.Shots?.Select(s => new TrackedShot(s.Start, s.End, s.Layout, s.Reason)).ToList()));
    }

    public void Dispose()
    {
        if (_tracker.IsValueCreated)
        {
            _tracker.Value.Dispose();
        }
    }
}
