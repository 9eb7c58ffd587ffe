using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core.Errors;
using Clipper.Stages.Fetch;
using Clipper.Stages.Fetch.Platform;
using Microsoft.Extensions.Logging;

namespace Clipper.Grains.Stages;

/// <summary>
/// Fetch: the job's input into a stored source (<see cref="SourceFetched"/>); and fetch-audio: a link's audio stream ahead
/// of its video (<see cref="AudioFetched"/>). A fetch-audio that fails never fails the job: it says why and the job
/// recognises the merged source's audio, as without it; the fetch, which reads the same page, reports the page's
/// refusals with their codes.
/// </summary>
internal sealed class FetchAdapter(Fetcher fetcher, ILogger log) : IStageAdapter
{
    public async Task<StageOutput> RunAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel)
    {
        var request = new FetchRequest(work.Spec.Input, unit.Directory, work.Spec.Options.MinSeconds, progress);
        if (work.Stage == Stage.FetchAudio)
        {
            return await AudioAsync(work, request, progress, cancel);
        }

        var s = await fetcher.FetchAsync(request, cancel);
        var m = s.Media;
        return new SourceFetched(new SourceResult(s.BlobKey, s.Sha256, s.DisplayName, m.DurationSeconds, m.Width,
            m.Height, m.Fps, m.SizeBytes, s.CaptionsKey, s.Site is { } site ? Site(site) : null, m.Timing.AudioDelaySeconds));
    }

    private async Task<StageOutput> AudioAsync(StageWork work, FetchRequest request, IProgress<double> progress, CancellationToken cancel)
    {
        AudioAhead ahead;
        try
        {
            ahead = await fetcher.FetchAudioAsync(request, cancel);
        }
        catch (ClipperException e) when (e.Code != ErrorCode.Cancelled && !cancel.IsCancellationRequested)
        {
            ahead = AudioAhead.Not($"the audio could not be fetched ahead ({e.Code.Code()}: {e.Message}); the fetch reads the page again");
        }

        progress.Report(1);
        if (ahead.Audio is { } a)
        {
            log.LogInformation("{Job}: the audio ({Bytes} bytes) fetched ahead of the video", work.JobId, a.Bytes);
            return new AudioFetched(new AudioResult(a.BlobKey, a.Sha256, a.Bytes, Site(a.Site)), null);
        }

        log.LogInformation("{Job}: no audio ahead of the video: {Reason}", work.JobId, ahead.Reason);
        return new AudioFetched(null, ahead.Reason);
    }

    private static SourceSite Site(SiteInfo site) =>
        new(site.Extractor, site.VideoId, site.Title, site.Uploader, site.DurationSeconds, site.PageUrl, site.Language);
}
