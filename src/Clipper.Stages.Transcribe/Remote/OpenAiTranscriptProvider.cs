using System.ClientModel;
using System.Globalization;
using Clipper.Core.Errors;
using Clipper.Core.Processes;
using Clipper.Core.Remote;
using Clipper.Core.Transcripts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI.Audio;

namespace Clipper.Stages.Transcribe.Remote;

/// <summary>
/// The OpenAI transcription API (or an OpenAI-compatible server, or Azure OpenAI) as a transcript provider. ffmpeg
/// decodes the audio once; it is cut in pauses (<see cref="AudioChunks.Plan"/>) into pieces of about
/// <see cref="RemoteTranscribeOptions.ChunkMinutes"/>, each sent with <see cref="RemoteTranscribeOptions.OverlapSeconds"/>
/// of its neighbours as 16 kHz mono MP3, at most <see cref="RemoteTranscribeOptions.Concurrency"/> at a time, asking for
/// word timestamps. Words are moved to seconds of the source and kept by the piece whose core holds their centre
/// (<see cref="RemotePiece.Owns"/>). In a job, audio of two pieces or more is planned once and each piece is a unit of its
/// own (<see cref="IChunkRecogniser"/>): a piece per chunk unit, spread over the silos, stored as it lands.
/// </summary>
/// <remarks>
/// Failures, per piece: 429 waits out Retry-After (or the back-off when there is none); 5xx, 408, a network error, a
/// request time-out and an unreadable answer (empty or malformed body) are retried after a delay that doubles; 400,
/// 401, 403, 404, 413 and 415 are not retried. A piece without an answer after
/// <see cref="RemoteTranscribeOptions.MaxAttempts"/> requests or past its <see cref="RemoteTranscribeOptions.ChunkDeadline"/>
/// is recognised by pocketsphinx instead, and <see cref="Transcript.Chunks"/> says so with the reason. The key is
/// taken out of every message (<see cref="OpenAiOptions.Redact"/>).
/// </remarks>
public sealed class OpenAiTranscriptProvider : ITranscriptProvider, IChunkRecogniser
{
    /// <summary>Share of the progress bar the decode and the cutting take.</summary>
    private const double DecodeShare = 0.05;

    private readonly TranscribeOptions options;
    private readonly OpenAiOptions openAi;
    private readonly PocketsphinxProvider local;
    private readonly AudioClient audio;
    private readonly TimeProvider clock;
    private readonly ILogger log;
    private readonly IRemotePermits? permits;

    /// <summary>Throws <see cref="ErrorCode.BadOption"/> when no API key is configured.</summary>
    /// <param name="permits">the shared rate limit every request waits for (none: no limit)</param>
    public OpenAiTranscriptProvider(TranscribeOptions options, OpenAiOptions openAi, TimeProvider? clock = null, ILogger? log = null,
        IRemotePermits? permits = null)
    {
        this.permits = permits;
        this.options = options.Validate();
        this.openAi = openAi.Validate();
        local = new PocketsphinxProvider(options);
        audio = openAi.CreateClient().GetAudioClient(openAi.TranscriptionModel);
        this.clock = clock ?? TimeProvider.System;
        this.log = log ?? NullLogger.Instance;
    }

    public string Name => "openai";

    public bool NeedsAudio => true;

    public async Task<Transcript?> TranscribeAsync(TranscribeRequest request, IProgress<double>? progress, CancellationToken cancel)
    {
        return await AudioScratch.RunAsync<Transcript?>(request.WorkDir, "remote-asr-", "remote recogniser", async dir =>
        {
            var raw = Path.Combine(dir, "audio.s16");
            await AudioChunks.DecodeAsync(request.Media, raw, options.ExtractTimeout, cancel).ConfigureAwait(false);
            long samples = new FileInfo(raw).Length / 2;
            var loudness = await AudioChunks.FrameLoudnessAsync(raw, cancel).ConfigureAwait(false);
            var plan = AudioChunks.Plan(loudness, samples, options.Remote.ChunkMinutes * 60);
            var pieces = RemotePieces.Of(plan, samples, options.Remote.OverlapSeconds);
            progress?.Report(DecodeShare);
            log.LogInformation("sending {Pieces} pieces {Lengths} s to {Service}, model {Model}", pieces.Count,
                AudioChunks.Describe(plan), openAi.Service, openAi.TranscriptionModel);

            using var remoteSlots = new SemaphoreSlim(options.Remote.Concurrency);
            using var localSlots = new SemaphoreSlim(options.Parallelism);
            var progressLock = new Lock();
            long doneSamples = 0;
            var results = await Task.WhenAll(pieces.Select(async p =>
            {
                var r = await PieceAsync(raw, loudness, dir, p, request.Language, remoteSlots, localSlots, cancel).ConfigureAwait(false);
                lock (progressLock)
                {
                    doneSamples += p.Core.EndSample - p.Core.FirstSample;
                    progress?.Report(DecodeShare + ((1 - DecodeShare) * doneSamples / Math.Max(1, samples)));
                }

                return r;
            })).ConfigureAwait(false);

            // the pieces joined as the chunk units' are: reports in order, usage summed, the language most audio was heard in
            return ChunkStitch.Join(results, Name, request.Language);
        }, cancel).ConfigureAwait(false);
    }

    public Task<ChunkPlan?> PlanAsync(string media, string workDir, CancellationToken cancel, string? speechCopy = null) =>
        AudioChunks.PlanMediaAsync(media, workDir, options.Remote.ChunkMinutes * 60, options.ExtractTimeout, speechCopy, cancel);

    /// <summary>
    /// One piece as a unit: its range decoded with <see cref="RemoteTranscribeOptions.OverlapSeconds"/> of its neighbours
    /// (or the plan's overlap, when larger), sent as the whole path sends a piece, and the words its core holds kept;
    /// pocketsphinx's on the same range when the service gives no answer in the piece's attempts or deadline.
    /// </summary>
    public async Task<Transcript> RecogniseAsync(ChunkRequest chunk, IProgress<double>? progress, CancellationToken cancel)
    {
        double overlap = Math.Max(chunk.Overlap, options.Remote.OverlapSeconds);
        double from = Math.Max(0, chunk.Start - overlap);
        return await AudioScratch.RunAsync(chunk.WorkDir, "remote-chunk-", "remote recogniser", async dir =>
        {
            var raw = Path.Combine(dir, "audio.s16");
            await AudioChunks.DecodeRangeAsync(chunk.Media, from, chunk.End + overlap, raw, options.ExtractTimeout, cancel).ConfigureAwait(false);
            long samples = new FileInfo(raw).Length / 2;
            long first = (long)Math.Round(from * AudioChunks.SampleRate);
            var core = new AudioChunk(chunk.Index, (long)Math.Round(chunk.Start * AudioChunks.SampleRate), (long)Math.Round(chunk.End * AudioChunks.SampleRate));
            var piece = new RemotePiece(chunk.Index, core, first, first + samples, First: false, Last: false);
            progress?.Report(DecodeShare);
            var heard = await HearAsync(piece, chunk.Start, chunk.End, chunk.Language,
                () => SendAsync(raw, new AudioChunk(chunk.Index, 0, samples), dir, piece, chunk.Language, cancel),
                async () => (await local.RecogniseAsync(chunk with { WorkDir = dir }, null, cancel).ConfigureAwait(false)).Words).ConfigureAwait(false);
            progress?.Report(1);
            return heard;
        }, cancel).ConfigureAwait(false);
    }

    /// <summary>One piece of the whole path: sent while holding a remote slot, recognised locally in a local slot when it falls back.</summary>
    private Task<Transcript> PieceAsync(string raw, float[] loudness, string dir, RemotePiece piece, string? language, SemaphoreSlim remoteSlots,
        SemaphoreSlim localSlots, CancellationToken cancel) =>
        HearAsync(piece, piece.CoreStart, piece.CoreEnd, language,
            () => InSlotAsync(remoteSlots, () => SendAsync(raw, new AudioChunk(piece.Index, piece.SendFirstSample, piece.SendEndSample), dir, piece,
                language, cancel), cancel),
            async () => await InSlotAsync(localSlots, () => local.RecogniseChunkAsync(raw, dir, piece.Core, loudness, cancel), cancel).ConfigureAwait(false));

    /// <summary>
    /// A piece's transcript, for the whole path and the chunk units alike: the words of the service's answer that its
    /// core holds, reported as the service's; else (no answer in its attempts or deadline) pocketsphinx's words on the
    /// same range, reported with the reason. Either way with what the service was sent and billed.
    /// </summary>
    /// <param name="start">where the piece's core starts in the source (seconds), for its report</param>
    /// <param name="end">where it ends</param>
    /// <param name="language">the job's language; null: the one the service heard (none when it fell back)</param>
    private async Task<Transcript> HearAsync(RemotePiece piece, double start, double end, string? language, Func<Task<RemoteOutcome>> send,
        Func<Task<IReadOnlyList<Word>>> fallBack)
    {
        var outcome = await send().ConfigureAwait(false);
        var usage = new RemoteUsage(openAi.Service, openAi.TranscriptionModel, outcome.Requests, Math.Round(outcome.BilledSeconds, 3));
        if (outcome.Words is { } remote)
        {
            var kept = RemotePieces.Keep(piece, remote);
            return new Transcript(kept, Name, [new TranscriptChunk(R(start), R(end), Name, kept.Count, outcome.Requests)], usage,
                language ?? outcome.Language);
        }

        log.LogWarning("piece {Index} ({Start:0.0}–{End:0.0} s) falls back to pocketsphinx: {Reason}", piece.Index, start, end, outcome.Reason);
        var words = await fallBack().ConfigureAwait(false);
        // no language: pocketsphinx hears English whatever was said, which says nothing of the source's
        return new Transcript(words, Name, [new TranscriptChunk(R(start), R(end), local.Name, words.Count, outcome.Requests, outcome.Reason)], usage);
    }

    private static async Task<T> InSlotAsync<T>(SemaphoreSlim slots, Func<Task<T>> work, CancellationToken cancel)
    {
        await slots.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>The samples <paramref name="send"/> of <paramref name="raw"/> (the piece's core and overlaps) sent as MP3.</summary>
    private async Task<RemoteOutcome> SendAsync(string raw, AudioChunk send, string dir, RemotePiece piece, string? language, CancellationToken cancel)
    {
        var mp3 = await EncodeAsync(raw, send, dir, piece, cancel).ConfigureAwait(false);
        var outcome = await SendAsync(piece, mp3, language, cancel).ConfigureAwait(false);
        File.Delete(mp3);
        return outcome;
    }

    /// <summary>The piece's audio (core and overlaps), the samples <paramref name="send"/> of <paramref name="raw"/>, as 16 kHz mono MP3.</summary>
    private async Task<string> EncodeAsync(string raw, AudioChunk send, string dir, RemotePiece piece, CancellationToken cancel)
    {
        var pcm = Path.Combine(dir, $"piece-{piece.Index}.s16");
        var mp3 = Path.Combine(dir, UploadName(piece));
        await AudioChunks.WriteAsync(raw, send, pcm, cancel).ConfigureAwait(false);
        var rate = AudioChunks.SampleRate.ToString(CultureInfo.InvariantCulture);
        await ProcessRunner.RunCheckedAsync(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "s16le", "-ar", rate, "-ac", "1", "-i", pcm,
            "-c:a", "libmp3lame", "-b:a", options.Remote.BitrateKbps.ToString(CultureInfo.InvariantCulture) + "k", "-ar", rate, "-ac", "1", mp3,
        ], options.ExtractTimeout, cancel).ConfigureAwait(false);
        File.Delete(pcm);
        return mp3;
    }

    /// <summary>The uploaded file's name: the piece's number and where it starts in the source (for the provider's logs).</summary>
    internal static string UploadName(RemotePiece piece) =>
        string.Create(CultureInfo.InvariantCulture, $"piece-{piece.Index:000}-at-{piece.SendFirstSample * 1000 / AudioChunks.SampleRate}ms.mp3");

    private sealed record RemoteOutcome(List<Word>? Words, int Requests, double BilledSeconds, string? Reason, string? Language = null);

    /// <summary>Sends a piece until it has an answer, a refusal that retrying cannot change, no attempts left or no time left.</summary>
    /// <param name="language">the job's language (ISO 639-1), sent so the model does not guess; null: it detects</param>
    private async Task<RemoteOutcome> SendAsync(RemotePiece piece, string mp3, string? language, CancellationToken cancel)
    {
        var remote = options.Remote;
        var request = new AudioTranscriptionOptions
        {
            ResponseFormat = AudioTranscriptionFormat.Verbose,
            TimestampGranularities = AudioTimestampGranularities.Word,
            Language = language,
        };
        int requests = 0;
        string? last = null;
        var delay = remote.RetryDelay;
        // the deadline counts the piece's requests and back-offs, not its waits for a permit of the shared rate limit
        var spent = TimeSpan.Zero;
        RemoteOutcome Late() => new(null, requests, 0,
            $"no answer within the piece's deadline of {remote.ChunkDeadline.TotalSeconds:0.###} s after {requests} request{(requests == 1 ? "" : "s")}"
            + (last is null ? "" : $" (before: {openAi.Redact(last)})"));
        while (true)
        {
            if (permits is not null)
            {
                await permits.WaitAsync(piece.SendSeconds, cancel).ConfigureAwait(false);
            }

            TimeSpan wait;
            requests++;
            long started = clock.GetTimestamp();
            using var deadline = new CancellationTokenSource(remote.ChunkDeadline - spent, clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, deadline.Token);
            try
            {
                await using var file = File.OpenRead(mp3);
                var answer = (await audio.TranscribeAudioAsync(file, Path.GetFileName(mp3), request, linked.Token).ConfigureAwait(false)).Value;
                var words = WordsOf(answer, piece);
                if (words is not null)
                {
                    // verbose_json names the language ("english"); an OpenAI-compatible server may give a code
                    return new RemoteOutcome(words, requests, answer.Duration?.TotalSeconds ?? piece.SendSeconds, null,
                        Languages.Code(answer.Language));
                }

                last = "the answer had text but no word timestamps";
                wait = delay;
            }
            catch (ClientResultException e) when (e.Status is 400 or 401 or 403 or 404 or 413 or 415 or 422)
            {
                var why = e.Status switch
                {
                    401 or 403 => $"the API refused the key (HTTP {e.Status})",
                    404 => $"the API does not know the model '{openAi.TranscriptionModel}' (HTTP 404)",
                    _ => $"the API rejected the request (HTTP {e.Status})",
                };
                return new RemoteOutcome(null, requests, 0, $"{why}: {Brief(e.Message)}; not retried");
            }
            catch (ClientResultException e) when (e.Status == 429)
            {
                var after = RetryAfter(e);
                last = after is { } a ? $"rate limited (HTTP 429, Retry-After {a.TotalSeconds:0.###} s)" : "rate limited (HTTP 429)";
                wait = after ?? delay;
            }
            catch (ClientResultException e)
            {
                last = e.Status == 0 ? $"no answer: {Brief(e.Message)}" : $"HTTP {e.Status}: {Brief(e.Message)}";
                wait = delay;
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                return Late();
            }
            catch (OperationCanceledException)
            {
                // the SDK's own network time-out (Clipper:OpenAI:RequestTimeout)
                last = $"no answer within the request time-out of {openAi.RequestTimeout.TotalSeconds:0.###} s";
                wait = delay;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // an empty or malformed body: the SDK cannot read it
                last = $"unreadable answer ({e.GetType().Name}: {Brief(e.Message)})";
                wait = delay;
            }

            log.LogInformation("piece {Index}, request {N}: {Problem}", piece.Index, requests, openAi.Redact(last));
            if (requests >= remote.MaxAttempts)
            {
                return new RemoteOutcome(null, requests, 0, $"gave up after {requests} requests: {openAi.Redact(last)}");
            }

            wait = wait > remote.MaxRetryDelay ? remote.MaxRetryDelay : wait;
            spent += clock.GetElapsedTime(started) + wait;
            if (spent >= remote.ChunkDeadline)
            {
                return Late();
            }

            await Task.Delay(wait, clock, cancel).ConfigureAwait(false);
            delay = delay * 2 > remote.MaxRetryDelay ? remote.MaxRetryDelay : delay * 2;
        }
    }

    /// <summary>The answer's words relative to the piece, or null when it has text but no word times (not what was asked).</summary>
    private static List<Word>? WordsOf(AudioTranscription answer, RemotePiece piece)
    {
        var output = new List<Word>();
        foreach (var w in answer.Words ?? [])
        {
            var text = w.Word?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            double start = Math.Clamp(w.StartTime.TotalSeconds, 0, piece.SendSeconds);
            double end = Math.Clamp(w.EndTime.TotalSeconds, start, piece.SendSeconds);
            // the API gives no per-word confidence
            output.Add(new Word(text, start, end, 1.0));
        }

        return output.Count == 0 && !string.IsNullOrWhiteSpace(answer.Text) ? null : output;
    }

    /// <summary>Retry-After in seconds or as an HTTP date, when the answer had one.</summary>
    private TimeSpan? RetryAfter(ClientResultException e)
    {
        if (e.GetRawResponse()?.Headers is not { } headers || !headers.TryGetValue("Retry-After", out var value) || value is null)
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? TimeSpan.FromTicks(Math.Max(0, (at - clock.GetUtcNow()).Ticks))
            : null;
    }

    /// <summary>A message on one line (the SDK puts the API's own explanation under its status line), without the key, at most 300 characters.</summary>
    private string Brief(string message)
    {
        var line = string.Join(' ', openAi.Redact(message).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= 300 ? line : line[..300] + "…";
    }

    private static double R(double seconds) => Math.Round(seconds, 3);
}
