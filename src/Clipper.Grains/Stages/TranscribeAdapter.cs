using System.Collections.Concurrent;
using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core.Errors;
using Clipper.Core.Storage;
using Clipper.Core.Transcripts;
using Clipper.Grains.Work;
using Clipper.Stages.Transcribe;
using Microsoft.Extensions.Logging;

namespace Clipper.Grains.Stages;

/// <summary>
/// Split and transcribe: the source's transcript (<see cref="Transcribed"/>), cached by content hash and, for a site's
/// video, by the site's id too. The split unit cuts the audio in its pauses into chunks (<see cref="SpeechSplit"/>) when
/// the engine hears chunks apart (<see cref="Transcriber.Chunks"/>, pocketsphinx), no transcript is cached and the
/// audio is long enough; each chunk unit recognises one (<see cref="ChunkTranscribed"/>, its words stored as they land
/// under <see cref="BlobLayout.TranscriptChunk"/>), and the transcribe unit joins them. Otherwise the transcribe unit
/// makes the transcript whole. One recognition of a video (or of a chunk of it) at a time in the cluster: the unit
/// takes its <see cref="ITranscriptLeaseGrain"/> first, and a second job of the same video waits for the first one's
/// words instead of making its own.
/// </summary>
internal sealed class TranscribeAdapter(IBlobStore blobs, Func<string, Transcriber> transcriberFor, string defaultEngine, double overlap,
    IGrainFactory grains, JobOptions jobs, IClipperMetrics metrics, TimeProvider clock, ILogger log) : IStageAdapter
{
    /// <summary>One transcriber per engine, made when a job first asks for it (an engine that cannot run throws bad_option).</summary>
    private readonly ConcurrentDictionary<string, Lazy<Transcriber>> _transcribers = new();

    public Task<StageOutput> RunAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel) =>
        work.Stage == Stage.Split ? SplitAsync(work, unit, progress, cancel)
        : work.Unit.IsChunk ? ChunkAsync(work, unit, progress, cancel)
        : work.Speech is not null ? JoinAsync(work, progress, cancel)
        : WholeAsync(work, unit, progress, cancel);

    /// <summary>The job's engine, the cache name of its transcripts and the keys they are stored under.</summary>
    private sealed record Target(Transcriber Transcriber, string Variant, List<string> Keys, bool FromCaptions);

    /// <summary>
    /// The engine and the keys its transcript is cached under: the source's content hash, the audio stream's when the
    /// audio came ahead of the video (a split and its chunks may run before the source exists), and the site's id of the
    /// video, so a second job of the same link finds it by any of them. The first key names the result.
    /// </summary>
    private Target TargetOf(StageWork work)
    {
        var source = work.Source;
        var audio = work.Audio;
        // the job's own choice, else the operator's
        var engine = work.Spec.Options.Asr ?? defaultEngine;
        var transcriber = _transcribers.GetOrAdd(engine, e => new Lazy<Transcriber>(() => transcriberFor(e))).Value;
        // a link's audio is fetched ahead only when the site gives no subtitles to take as the transcript
        bool fromCaptions = source?.CaptionsKey is not null;
        var language = work.Spec.Options.Language;
        // each engine's transcript is cached apart (local Whisper's per model): switching engines does not serve another's
        // words; one an engine was told the language for apart from one it guessed (pocketsphinx hears English whatever it is told)
        var cacheName = transcriber.CacheName ?? engine;
        var variant = language is not null && engine != "pocketsphinx" ? $"{cacheName}-{language}" : cacheName;
        var keys = new List<string>();
        if (source is not null)
        {
            keys.Add(BlobLayout.Transcript(source.Sha256, fromCaptions, variant));
        }

        if (audio is not null && !fromCaptions)
        {
            keys.Add(BlobLayout.Transcript(audio.Sha256, fromCaptions, variant));
        }

        if ((source?.Site ?? audio?.Site) is { } site)
        {
            keys.Add(BlobLayout.SiteTranscript(site.Extractor, site.VideoId, fromCaptions, variant));
        }

        return new Target(transcriber, variant, keys, fromCaptions);
    }

    /// <summary>
    /// The audio's chunks, or none when the transcribe unit is to make the transcript whole. Cut from a link's audio
    /// stream when it came ahead of the video (the chunks then cached under the stream's hash), else from the source.
    /// </summary>
    private async Task<StageOutput> SplitAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel)
    {
        var t = TargetOf(work);
        SpeechPlan? plan = null;
        if (!t.FromCaptions && t.Transcriber.Chunks is { } chunks && !await AnyExistsAsync(t.Keys, cancel))
        {
            var (key, sha) = work.Audio is { } audio ? (audio.AudioKey, audio.Sha256) : (work.Source!.SourceKey, work.Source.Sha256);
            string media;
            try
            {
                media = await unit.Sources.FileAsync(key, cancel);
            }
            catch (ClipperException e) when (e.Code == ErrorCode.SourceNotFound && work.Audio is not null)
            {
                // another job of the link made the transcript meanwhile and removed the audio stream (PruneStreamAsync):
                // nothing to cut, the transcribe unit finds the transcript whole
                if (!await AnyExistsAsync(t.Keys, cancel))
                {
                    throw;
                }

                progress.Report(1);
                return new SpeechSplit(null);
            }

            var speech = Path.Combine(unit.Directory, "speech.flac");
            if (await chunks.PlanAsync(media, unit.Directory, cancel, speech) is { } p)
            {
                var audioKey = BlobLayout.SpeechAudio(sha);
                await blobs.MoveFileAsync(audioKey, speech, cancel);
                plan = JobPlan.Speech(p, overlap, t.Variant, audioKey, sha);
                log.LogInformation("{Job}: the audio cut into {Chunks} chunks", work.JobId, plan.Chunks.Count);
            }
        }

        progress.Report(1);
        return new SpeechSplit(plan);
    }

    /// <summary>One chunk's words: from the cache when any job recognised it before, else recognised and stored.</summary>
    private async Task<StageOutput> ChunkAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel)
    {
        var plan = work.Speech!;
        var chunk = work.Chunk ?? throw new ClipperException(ErrorCode.Internal, $"{work.Unit} is not a chunk of the job's plan");
        var target = TargetOf(work);
        var recogniser = target.Transcriber.Chunks
            ?? throw new ClipperException(ErrorCode.Internal, $"the engine of {work.JobId} no longer hears audio in chunks");
        var key = BlobLayout.TranscriptChunk(plan.Sha256 ?? work.Source!.Sha256, plan.Variant, chunk.Start, chunk.End);
        // another job of the video joined its transcript meanwhile and removed the chunks: the join finds it whole
        var joinedElsewhere = new ChunkTranscribed(new ChunkResult(chunk.Index, key, 0));
        if (await AnyExistsAsync(target.Keys, cancel))
        {
            progress.Report(1);
            return joinedElsewhere;
        }

        Transcript heard;
        try
        {
            (heard, _) = await LeasedAsync(key, work, () => CachedChunkAsync(key, cancel), async () =>
            {
                // the split unit's copy of the audio (a few percent of the video's bytes) when it made one
                var media = await unit.Sources.FileAsync(plan.AudioKey ?? work.Source!.SourceKey, cancel);
                var t = await recogniser.RecogniseAsync(new ChunkRequest(media, chunk.Index - 1, chunk.Start, chunk.End, plan.Overlap, plan.NoiseFloorDb,
                    unit.Directory, work.Spec.Options.Language), progress, cancel);
                if (t.Usage is { } usage)
                {
                    metrics.RemoteTranscribed(usage.Service, usage.Requests, usage.AudioSeconds);
                }

                await blobs.WriteJsonAsync(key, t, cancel);
                return t;
            }, cancel);
        }
        catch (ClipperException e) when (e.Code == ErrorCode.SourceNotFound)
        {
            // the audio's copy was removed by that join between the look above and the read
            if (!await AnyExistsAsync(target.Keys, cancel))
            {
                throw;
            }

            progress.Report(1);
            return joinedElsewhere;
        }

        progress.Report(1);
        return new ChunkTranscribed(new ChunkResult(chunk.Index, key, heard.Words.Count));
    }

    private async Task<Transcript?> CachedChunkAsync(string key, CancellationToken cancel) =>
        await blobs.ExistsAsync(key, cancel) ? await blobs.ReadJsonAsync<Transcript>(key, cancel) : null;

    /// <summary>The chunks' words joined into the transcript, held to the same rule as a whole one, and cached as one.</summary>
    private async Task<StageOutput> JoinAsync(StageWork work, IProgress<double> progress, CancellationToken cancel)
    {
        var t = TargetOf(work);
        // two jobs of one video join it once: the second finds the first one's transcript
        var (result, how) = await LeasedAsync(t.Keys[^1], work, () => CachedAsync(t.Keys, work, cancel), async () =>
        {
            var chunks = new List<Transcript>();
            foreach (var c in work.Chunks ?? [])
            {
                chunks.Add(await blobs.ReadJsonAsync<Transcript>(c.Key, cancel));
            }

            var engine = t.Transcriber.Chunks as ITranscriptProvider;
            // pocketsphinx has only a US English model: what it hears comes out as English words (its chunks stored before
            // they said so read without a language)
            var fallback = engine is PocketsphinxProvider ? Languages.English : null;
            var stitched = ChunkStitch.Join(chunks, engine?.Name ?? "pocketsphinx", fallback);
            var joined = t.Transcriber.Joined(OnTheSourcesClock(stitched, work), work.Source!.Duration, work.Spec.Options.Language);
            foreach (var key in t.Keys)
            {
                await blobs.WriteJsonAsync(key, joined, cancel);
            }

            await PruneAsync(work, cancel);
            return (StageOutput)Result(t.Keys[0], joined, work);
        }, cancel);
        await PruneStreamAsync(work, cancel);
        metrics.Transcript(how);
        progress.Report(1);
        return result;
    }

    /// <summary>
    /// Chunks cut from a link's audio stream count from the stream's first sample; in the merged source that sample comes
    /// <see cref="SourceResult.AudioDelay"/> after the start when the site's audio starts after its video, so the words
    /// move by that much (chunks cut from the source itself are on its clock already).
    /// </summary>
    private static Transcript OnTheSourcesClock(Transcript t, StageWork work)
    {
        bool fromStream = work.Audio is { } audio && work.Speech?.Sha256 == audio.Sha256;
        double delay = fromStream ? work.Source!.AudioDelay : 0;
        return delay <= 0 ? t : t with
        {
            Words = [.. t.Words.Select(w => w.Shifted(delay))],
            Chunks = t.Chunks?.Select(c => c with { Start = c.Start + delay, End = c.End + delay }).ToList(),
        };
    }

    /// <summary>
    /// Once the joined transcript is stored, its chunks' words and the FLAC copy of the audio are not needed by anyone:
    /// a later job of the video, or this one's join run again, finds the whole transcript first, and a chunk unit of another
    /// job still to run finds it too and recognises nothing (<see cref="ChunkAsync"/>). A failed removal is logged, not
    /// thrown: the transcript is what counts.
    /// </summary>
    private Task PruneAsync(StageWork work, CancellationToken cancel)
    {
        var keys = (work.Chunks ?? []).Select(c => c.Key).ToList();
        if (work.Speech?.AudioKey is { } audio)
        {
            keys.Add(audio);
        }

        return RemoveAsync(work, keys, cancel);
    }

    /// <summary>
    /// A link's audio stream fetched ahead of its video (<see cref="StageWork.Audio"/>) is read only by the split unit, so
    /// once the transcript is stored (made, joined, or found made by another job) nothing needs it: a split unit of another
    /// job of the link that reads it later finds the transcript instead (<see cref="SplitAsync"/>). Removed whether or not
    /// this job made the transcript, so a second job of a cached link leaves no stream behind either.
    /// </summary>
    private Task PruneStreamAsync(StageWork work, CancellationToken cancel) =>
        work.Audio is { } audio ? RemoveAsync(work, [audio.AudioKey], cancel) : Task.CompletedTask;

    private async Task RemoveAsync(StageWork work, IReadOnlyList<string> keys, CancellationToken cancel)
    {
        foreach (var key in keys)
        {
            try
            {
                await blobs.DeleteAsync(key, cancel);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("{Job}: could not remove {Key} once the transcript was stored: {Error}", work.JobId, key, e.Message);
            }
        }
    }

    /// <summary>The transcript made in one unit: from the cache, from another job making it meanwhile, or made here.</summary>
    private async Task<StageOutput> WholeAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel)
    {
        var source = work.Source!;
        var (transcriber, _, keys, _) = TargetOf(work);
        var language = work.Spec.Options.Language;
        var (result, how) = await LeasedAsync<StageOutput>(keys[^1], work, () => CachedAsync(keys, work, cancel), async () =>
        {
            string? captions = null;
            if (source.CaptionsKey is not null)
            {
                captions = Path.Combine(unit.Directory, Path.GetFileName(source.CaptionsKey));
                await blobs.DownloadAsync(source.CaptionsKey, captions, cancel);
            }

            var media = await unit.Sources.FileAsync(source.SourceKey, cancel);
            var t = await transcriber.TranscribeAsync(new TranscribeRequest(media, captions, unit.Directory, language), progress, cancel);
            if (t.Usage is { } usage)
            {
                metrics.RemoteTranscribed(usage.Service, usage.Requests, usage.AudioSeconds);
            }

            foreach (var key in keys)
            {
                await blobs.WriteJsonAsync(key, t, cancel);
            }

            return (StageOutput)Result(keys[0], t, work);
        }, cancel);
        await PruneStreamAsync(work, cancel);
        metrics.Transcript(how);
        progress.Report(1);
        return result;
    }

    /// <summary>
    /// What <paramref name="cached"/> finds, else <paramref name="make"/>'s result made under the lease of
    /// <paramref name="leaseKey"/>: while another job holds it, this one waits, then looks again. Says how it came:
    /// "cached", "waited" (made meanwhile by another job) or "made".
    /// </summary>
    private async Task<(T Value, string How)> LeasedAsync<T>(string leaseKey, StageWork work, Func<Task<T?>> cached, Func<Task<T>> make,
        CancellationToken cancel)
        where T : class
    {
        if (await cached() is { } hit)
        {
            return (hit, "cached");
        }

        var lease = grains.GetGrain<ITranscriptLeaseGrain>(leaseKey);
        var owner = $"{work.JobId}/{work.Unit}/{Guid.NewGuid():N}";
        while (!await lease.Acquire(owner, jobs.TranscriptLease, jobs.TranscriptLeaseWait).WaitAsync(cancel))
        {
            // another job is recognising this audio: its words, once it lets go, are this job's too
        }

        try
        {
            if (await cached() is { } made)
            {
                log.LogInformation("{Work} of {Source} made meanwhile by another job", work.Unit, work.Source?.Sha256 ?? work.Audio?.Sha256);
                return (made, "waited");
            }

            using var renewing = new CancellationTokenSource();
            var renew = RenewAsync(lease, owner, renewing.Token);
            try
            {
                return (await make(), "made");
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

    private async Task<bool> AnyExistsAsync(IEnumerable<string> keys, CancellationToken cancel)
    {
        foreach (var key in keys)
        {
            if (await blobs.ExistsAsync(key, cancel))
            {
                return true;
            }
        }

        return false;
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
    private async Task<StageOutput?> CachedAsync(List<string> keys, StageWork work, CancellationToken cancel)
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
