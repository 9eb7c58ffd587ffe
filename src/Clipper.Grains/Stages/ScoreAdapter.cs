using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core.Storage;
using Clipper.Core.Transcripts;
using Clipper.Stages.Score;

namespace Clipper.Grains.Stages;

/// <summary>Score: the clips chosen from the transcript (<see cref="Scored"/>).</summary>
internal sealed class ScoreAdapter(IBlobStore blobs, ScoreOptions options) : IStageAdapter
{
    public async Task<StageOutput> RunAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel)
    {
        var t = await blobs.ReadJsonAsync<Transcript>(work.Transcript!.TranscriptKey, cancel);
        var clips = await Task.Run(() => ClipSelector.Select(t, work.Source!.Duration, work.Spec.Options.ToOptions(), options), cancel);
        return new Scored(clips.Select(ClipPlan.From).ToList());
    }
}
