using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core.Storage;
using Clipper.Core.Transcripts;
using Clipper.Stages.Transcribe;
using Microsoft.Extensions.Logging;

namespace Clipper.Grains.Stages;

/// <summary>
/// Transcribe: the source's transcript (<see cref="Transcribed"/>), cached by content hash and, for a site's video, by
/// the site's id too. One transcription per video at a time in the cluster: the unit takes the video's
/// <see cref="ITranscriptLeaseGrain"/> first, and a second job of the same video waits for the first one's transcript
/// instead of making its own.
/// </summary>
internal sealed class TranscribeAdapter(IBlobStore blobs, Transcriber transcriber, string engine, IGrainFactory grains, JobOptions jobs,
    IClipperMetrics metrics, TimeProvider clock, ILogger log) : IStageAdapter
{
    public async Task<StageOutput> RunAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel)
    {
        var source = work.Source!;
        bool fromCaptions = source.CaptionsKey is not null;
        // each engine's transcript is cached apart: switching to a remote engine does not serve pocketsphinx's words
        var keys = new List<string> { BlobLayout.Transcript(source.Sha256, fromCaptions, engine) };
        if (source.Site is { } site)
        {
            keys.Add(BlobLayout.SiteTranscript(site.Extractor, site.VideoId, fromCaptions, engine));
        }

        if (await CachedAsync(keys, cancel) is { } cached)
        {
            metrics.Transcript("cached");
            progress.Report(1);
            return cached;
        }

        // the site's id names the video whatever bytes this download got; else its content
        var lease = grains.GetGrain<ITranscriptLeaseGrain>(keys[^1]);
        var owner = $"{work.JobId}/{work.Unit}/{Guid.NewGuid():N}";
        while (!await lease.Acquire(owner, jobs.TranscriptLease, jobs.TranscriptLeaseWait).WaitAsync(cancel))
        {
            // another job is transcribing this video: its transcript, once it lets go, is this job's too
        }

        try
        {
            if (await CachedAsync(keys, cancel) is { } made)
            {
                log.LogInformation("transcript of {Source} made meanwhile by another job", source.Sha256);
                metrics.Transcript("waited");
                progress.Report(1);
                return made;
            }

            using var renewing = new CancellationTokenSource();
            var renew = RenewAsync(lease, owner, renewing.Token);
            try
            {
                string? captions = null;
                if (source.CaptionsKey is not null)
                {
                    captions = Path.Combine(unit.Directory, Path.GetFileName(source.CaptionsKey));
                    await blobs.DownloadAsync(source.CaptionsKey, captions, cancel);
                }

                var media = await unit.Sources.FileAsync(source.SourceKey, cancel);
                var t = await transcriber.TranscribeAsync(new TranscribeRequest(media, captions, unit.Directory), progress, cancel);
                metrics.Transcript("made");
                if (t.Usage is { } usage)
                {
                    metrics.RemoteTranscribed(usage.Service, usage.Requests, usage.AudioSeconds);
                }

                foreach (var key in keys)
                {
                    await blobs.WriteJsonAsync(key, t, cancel);
                }

                return new Transcribed(TranscriptResult.Of(keys[0], t));
            }
            finally
            {
                await renewing.CancelAsync();
                await renew;
            }
        }
        finally
        {
            await lease.Release(owner);
        }
    }

    /// <summary>The first transcript found under any of the keys, written under the others too (content hash and site id agree).</summary>
    private async Task<Transcribed?> CachedAsync(List<string> keys, CancellationToken cancel)
    {
        foreach (var key in keys)
        {
            if (!await blobs.ExistsAsync(key, cancel))
            {
                continue;
            }

            var cached = await blobs.ReadJsonAsync<Transcript>(key, cancel);
            log.LogInformation("transcript {Key} from the cache ({Words} words)", key, cached.Words.Count);
            foreach (var other in keys.Where(k => k != key))
            {
                if (!await blobs.ExistsAsync(other, cancel))
                {
                    await blobs.WriteJsonAsync(other, cached, cancel);
                }
            }

            // this job sent nothing to a remote service: the usage stored with the transcript was another job's
            return new Transcribed(TranscriptResult.Of(keys[0], cached) with { Remote = null });
        }

        return null;
    }

    /// <summary>Renews the lease at a third of its time until stopped, so a long transcription keeps it.</summary>
    private async Task RenewAsync(ITranscriptLeaseGrain lease, string owner, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(jobs.TranscriptLease / 3, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await lease.Renew(owner, jobs.TranscriptLease);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the transcription ended
        }
        catch (Exception e)
        {
            // a lease that cannot be renewed only risks a second transcription by a waiter, never a wrong one
            log.LogWarning(e, "could not renew the transcript lease {Owner}", owner);
        }
    }
}
