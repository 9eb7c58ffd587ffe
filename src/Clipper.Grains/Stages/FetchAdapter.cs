using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Stages.Fetch;

namespace Clipper.Grains.Stages;

/// <summary>Fetch: the job's input into a stored source (<see cref="SourceFetched"/>).</summary>
internal sealed class FetchAdapter(Fetcher fetcher) : IStageAdapter
{
    public async Task<StageOutput> RunAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel)
    {
        var s = await fetcher.FetchAsync(new FetchRequest(work.Spec.Input, unit.Directory, work.Spec.Options.MinSeconds, progress), cancel);
        var m = s.Media;
        return new SourceFetched(new SourceResult(s.BlobKey, s.Sha256, s.DisplayName, m.DurationSeconds, m.Width,
            m.Height, m.Fps, m.SizeBytes, s.CaptionsKey,
            s.Site is { } site ? new SourceSite(site.Extractor, site.VideoId, site.Title, site.Uploader, site.DurationSeconds, site.PageUrl,
                site.Language) : null));
    }
}
