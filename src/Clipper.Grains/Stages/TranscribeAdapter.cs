using System.Collections.Concurrent;
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
internal sealed class TranscribeAdapter(IBlobStore blobs, Func<string, Transcriber> transcriberFor, string defaultEngine, IGrainFactory grains,
    JobOptions jobs, IClipperMetrics metrics, TimeProvider clock, ILogger log) : IStageAdapter
{
    /// <summary>One transcriber per engine, made when a job first asks for it (an engine that cannot run throws bad_option).</summary>
    private readonly ConcurrentDictionary<string, Lazy<Transcriber>> _transcribers = new();

    public async Task<StageOutput> RunAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel)
    {
        var source = work.Source!;
        // the job's own choice, else the operator's
        var engine = work.Spec.Options.Asr ?? defaultEngine;
        var transcriber = _transcribers.GetOrAdd(engine, e => new Lazy<Transcriber>(() => transcriberFor(e))).Value;
        bool fromCaptions = source.CaptionsKey is not null;
        var language = work.Spec.Options.Language;
        // each engine's transcript is cached apart (local Whisper's per model): switching engines does not serve another's
        // words; one an engine was told the language for apart from one it guessed (pocketsphinx hears English whatever it is told)
        var cacheName = transcriber.CacheName ?? engine;
        var variant = language is not null && engine != "pocketsphinx" ? $"{cacheName}-{language}" : cacheName;
        var keys = new List<string> { BlobLayout.Transcript(source.Sha256, fromCaptions, variant) };
        if (source.Site is { } site)
        {
            keys.Add(BlobLayout.SiteTranscript(site.Extractor, site.VideoId, fromCaptions, variant));
        }

        if (await CachedAsync(keys, work, cancel) is { } cached)
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
            if (await CachedAsync(keys, work, cancel) is { } made)
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
                var t = await transcriber.TranscribeAsync(new TranscribeRequest(media, captions, unit.Directory, language), progress, cancel);
                metrics.Transcript("made");
                if (t.Usage is { } usage)
                {
                    metrics.RemoteTranscribed(usage.Service, usage.Requests, usage.AudioSeconds);
                }

                foreach (var key in keys)
                {
                    await blobs.WriteJsonAsync(key, t, cancel);
                }

                return Result(keys[0], t, work);
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

    /// <summary>
    /// The stage's result: the transcript's key and facts, its language (the job's when it gave one: a cached transcript
    /// may have been made for a job that did not) and the warnings about it (<see cref="LanguageWarnings"/>).
    /// </summary>
    internal static Transcribed Result(string key, Transcript t, StageWork work)
    {
        var given = work.Spec.Options.Language;
        var language = given is null ? t.Language : Languages.Code(given) ?? given;
        t = t with { Language = language };
        // what the source is in, as far as anyone said: the job, else the site
        var expected = given ?? work.Source?.Site?.Language;
        return new Transcribed(TranscriptResult.Of(key, t, [.. LanguageWarnings.For(t, expected)]));
    }

    /// <summary>The first transcript found under any of the keys, written under the others too (content hash and site id agree).</summary>
    private async Task<Transcribed?> CachedAsync(List<string> keys, StageWork work, CancellationToken cancel)
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
            var found = Result(keys[0], cached, work);
            return found with { Transcript = found.Transcript with { Remote = null } };
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
