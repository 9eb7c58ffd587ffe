using Clipper.Core.Errors;
using Clipper.Core.Media;
using Clipper.Core.Remote;
using Clipper.Core.Transcripts;
using Clipper.Stages.Transcribe.Local;
using Clipper.Stages.Transcribe.Remote;
using Microsoft.Extensions.Logging;

namespace Clipper.Stages.Transcribe;

/// <summary>
/// Stage 2: a word-level transcript of the source. Tries its providers in order (captions that came with the
/// source, then the local recogniser, later a remote API) and takes the first result that holds enough speech;
/// when none does, the job fails with <see cref="ErrorCode.NoSpeech"/>, since no clip can be cut from silence.
/// </summary>
public sealed class Transcriber
{
    private readonly IReadOnlyList<ITranscriptProvider> providers;
    private readonly TranscribeOptions options;

    public Transcriber(IReadOnlyList<ITranscriptProvider> providers, TranscribeOptions options)
    {
        if (providers.Count == 0)
        {
            throw new ArgumentException("no transcript providers", nameof(providers));
        }

        this.providers = providers.ToList();
        this.options = options.Validate();
    }

    /// <summary>Side-car captions first, then pocketsphinx.</summary>
    public static Transcriber Standard(TranscribeOptions options) => Standard(options, new OpenAiOptions());

    /// <summary>
    /// Side-car captions first, then the engine <paramref name="engine"/> names (null: <see cref="TranscribeOptions.Engine"/>):
    /// pocketsphinx, the OpenAI API of <paramref name="openAi"/> (which falls back to pocketsphinx piece by piece), or local
    /// Whisper. Throws <see cref="ErrorCode.BadOption"/> when the engine cannot run here (see <see cref="Unavailable"/>).
    /// </summary>
    public static Transcriber Standard(TranscribeOptions options, OpenAiOptions openAi, string? engine = null, TimeProvider? clock = null,
        ILogger? log = null, IRemotePermits? permits = null)
    {
        options.Validate();
        engine ??= options.Engine;
        if (Unavailable(engine, options, openAi) is { } why)
        {
            throw new ClipperException(ErrorCode.BadOption, why);
        }

        ITranscriptProvider provider = engine switch
        {
            "openai" => new OpenAiTranscriptProvider(options, openAi, clock, log, permits),
            "whisper" => new WhisperNetProvider(options),
            _ => new PocketsphinxProvider(options),
        };
        return new([new CaptionFileProvider(), provider], options) { CacheName = options.CacheName(engine) };
    }

    /// <summary>
    /// Null when <paramref name="engine"/> can run with these settings, else a sentence saying why not and what to set
    /// (the OpenAI engine needs a key, local Whisper a readable model file; an engine this build lacks is named as such).
    /// </summary>
    public static string? Unavailable(string engine, TranscribeOptions options, OpenAiOptions openAi) => engine switch
    {
        "pocketsphinx" => null,
        "openai" when !openAi.Configured =>
            "the 'openai' speech-to-text engine needs an OpenAI API key, and none is configured: set CLIPPER_OPENAI_API_KEY (or Clipper:OpenAI:ApiKey)",
        "openai" => null,
        "whisper" => WhisperUnavailable(options),
        _ => $"the speech-to-text engine '{engine}' is not available in this build (engines: {string.Join(", ", TranscribeOptions.Engines)})",
    };

    /// <summary>Null when the whisper engine's model file is usable, else why not (the setting named in full).</summary>
    private static string? WhisperUnavailable(TranscribeOptions options)
    {
        try
        {
            WhisperModelFile.Check(options.Whisper.Model);
            return null;
        }
        catch (ClipperException e)
        {
            return "the 'whisper' speech-to-text engine cannot run: Clipper:Transcribe:" + e.Message;
        }
    }

    /// <summary>
    /// How this transcriber's transcripts are told apart in the cache (<see cref="TranscribeOptions.CacheName"/>: the
    /// engine, and for local Whisper its model); null for the default engine's key.
    /// </summary>
    public string? CacheName { get; init; }

    /// <summary>
    /// Transcribes the source. Throws <see cref="ErrorCode.NoSpeech"/> when no provider finds enough speech,
    /// <see cref="ErrorCode.NoAudio"/> when the source has no audio and no captions, <see cref="ErrorCode.NotAVideo"/>
    /// when it cannot be read, <see cref="ErrorCode.ToolFailed"/> when the recogniser fails and
    /// <see cref="ErrorCode.Cancelled"/> when the token fires (the recognisers are killed).
    /// </summary>
    /// <param name="progress">fraction done, 0..1 (a provider that falls through may make it start over)</param>
    public async Task<Transcript> TranscribeAsync(TranscribeRequest request, IProgress<double>? progress = null, CancellationToken cancel = default)
    {
        var info = await Probe.ProbeAsync(request.Media, cancel).ConfigureAwait(false);
        double duration = info.DurationSeconds;
        string? shortfall = null;
        foreach (var provider in providers)
        {
            if (provider.NeedsAudio && !info.HasAudio)
            {
                continue;
            }

            var result = await provider.TranscribeAsync(request, progress, cancel).ConfigureAwait(false);
            if (result is null)
            {
                continue;
            }

            var problem = TooLittleSpeech(result, duration);
            if (problem is null)
            {
                progress?.Report(1.0);
                // the job's word on the language beats any engine's guess
                return request.Language is { } given ? result with { Language = Languages.Code(given) ?? given } : result;
            }

            shortfall = shortfall is null ? problem : shortfall + "; " + problem;
        }

        if (shortfall is null && !info.HasAudio)
        {
            throw new ClipperException(ErrorCode.NoAudio, "the source has no audio track and no captions to read");
        }

        throw new ClipperException(ErrorCode.NoSpeech,
            "no speech found in the source: " + (shortfall ?? "no provider could transcribe it"));
    }

    /// <summary>
    /// The engine's way of hearing long audio as chunks recognised apart (pocketsphinx's chunks, the remote engine's
    /// upload pieces), or null when it takes the audio whole (local Whisper).
    /// </summary>
    public IChunkRecogniser? Chunks => providers.OfType<IChunkRecogniser>().FirstOrDefault();

    /// <summary>
    /// The transcript joined from chunks, held to the rule of <see cref="TranscribeAsync"/>: too little speech is
    /// <see cref="ErrorCode.NoSpeech"/>; the job's language, when it gave one, is the transcript's.
    /// </summary>
    public Transcript Joined(Transcript t, double duration, string? language)
    {
        if (TooLittleSpeech(t, duration) is { } problem)
        {
            throw new ClipperException(ErrorCode.NoSpeech, "no speech found in the source: " + problem);
        }

        return language is { } given ? t with { Language = Languages.Code(given) ?? given } : t;
    }

    /// <summary>Null when the transcript holds enough speech, else a sentence saying why not.</summary>
    internal string? TooLittleSpeech(Transcript t, double duration)
    {
        var words = t.Words;
        double covered = SpeechSeconds(words);
        if (words.Count < options.MinWords)
        {
            return FormattableString.Invariant(
                $"{t.Provider} recognised {words.Count} word{(words.Count == 1 ? "" : "s")} in {duration:0.0} s of audio (at least {options.MinWords} needed)");
        }

        if (duration > 0 && covered < options.MinSpeechFraction * duration)
        {
            return FormattableString.Invariant(
                $"{t.Provider} found words covering only {covered:0.0} s of {duration:0.0} s ({100 * covered / duration:0.0}%, at least {100 * options.MinSpeechFraction:0}% needed)");
        }

        return null;
    }

    /// <summary>Seconds covered by at least one word (overlaps counted once).</summary>
    internal static double SpeechSeconds(IEnumerable<Word> words)
    {
        double total = 0;
        double reach = double.NegativeInfinity;
        foreach (var w in words.OrderBy(w => w.Start))
        {
            double from = Math.Max(w.Start, reach);
            if (w.End > from)
            {
                total += w.End - from;
            }

            reach = Math.Max(reach, w.End);
        }

        return total;
    }
}
