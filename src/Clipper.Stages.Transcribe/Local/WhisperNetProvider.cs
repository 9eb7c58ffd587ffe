using Clipper.Core.Errors;
using Clipper.Core.Transcripts;
using Whisper.net;

namespace Clipper.Stages.Transcribe.Local;

/// <summary>
/// Local Whisper: whisper.cpp (through Whisper.net and its CPU runtime) on the ggml model of
/// <see cref="WhisperOptions.Model"/>. ffmpeg decodes the audio to 16 kHz mono; Whisper hears it whole (its own 30 s
/// windows carry the context across), with token timestamps, in <see cref="WhisperOptions.Language"/> or the one it
/// detects; <see cref="WhisperWords"/> turns its tokens into words. The model file is checked when the provider is made
/// (see <see cref="WhisperModelFile"/>) and loaded for each transcript, so nothing stays in memory between jobs. In a job,
/// audio longer than 1.25 × <see cref="WhisperOptions.ChunkMinutes"/> is heard in chunk units (<see cref="IChunkRecogniser"/>):
/// each loads the model, hears its range with <see cref="ChunkOverlap"/> of its neighbours and keeps the words whose
/// middle lies in it, so no process holds more than a chunk's samples.
/// </summary>
public sealed class WhisperNetProvider : ITranscriptProvider, IChunkRecogniser
{
    /// <summary>Share of the progress bar the ffmpeg decode takes.</summary>
    private const double DecodeShare = 0.05;

    /// <summary>Seconds of each neighbour a chunk also hears (at least), so a word at a cut is heard whole by one side.</summary>
    public const double ChunkOverlap = 1.0;

    private readonly TranscribeOptions options;

    /// <summary>Throws <see cref="ErrorCode.BadOption"/> naming the path when the model file is missing, unreadable or not a Whisper ggml model.</summary>
    public WhisperNetProvider(TranscribeOptions options)
    {
        this.options = options;
        options.Whisper.Validate();
        Model = WhisperModelFile.Check(options.Whisper.Model);
    }

    public string Name => "whisper";

    public bool NeedsAudio => true;

    /// <summary>The checked model file.</summary>
    public WhisperModelFile.Summary Model { get; }

    public async Task<Transcript?> TranscribeAsync(TranscribeRequest request, IProgress<double>? progress, CancellationToken cancel) =>
        await AudioScratch.RunAsync<Transcript?>(request.WorkDir, "whisper-", "local Whisper recogniser", async dir =>
        {
            var (words, language) = await HearAsync(dir, request.Language, raw => AudioChunks.DecodeAsync(request.Media, raw, options.ExtractTimeout, cancel),
                progress, cancel).ConfigureAwait(false);
            return new Transcript(words, Name, Language: language);
        }, cancel).ConfigureAwait(false);

    public Task<ChunkPlan?> PlanAsync(string media, string workDir, CancellationToken cancel, string? speechCopy = null) =>
        AudioChunks.PlanMediaAsync(media, workDir, options.Whisper.ChunkMinutes * 60, options.ExtractTimeout, speechCopy, cancel);

    public async Task<Transcript> RecogniseAsync(ChunkRequest chunk, IProgress<double>? progress, CancellationToken cancel)
    {
        double overlap = Math.Max(chunk.Overlap, ChunkOverlap);
        double from = Math.Max(0, chunk.Start - overlap);
        return await AudioScratch.RunAsync(chunk.WorkDir, "whisper-chunk-", "local Whisper recogniser", async dir =>
        {
            var (words, language) = await HearAsync(dir, chunk.Language,
                raw => AudioChunks.DecodeRangeAsync(chunk.Media, from, chunk.End + overlap, raw, options.ExtractTimeout, cancel), progress, cancel)
                .ConfigureAwait(false);
            List<Word> own = [.. words.Select(w => w.Shifted(from)).Where(w => ChunkStitch.Owns(w, chunk.Start, chunk.End))];
            return new Transcript(own, Name, Language: language);
        }, cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// The words Whisper hears in the audio <paramref name="decode"/> writes (16 kHz mono s16le), in seconds of that audio,
    /// and the language: the one it was told (the job's over the operator's), else the one it detected.
    /// </summary>
    private async Task<(IReadOnlyList<Word> Words, string? Language)> HearAsync(string dir, string? language, Func<string, Task> decode,
        IProgress<double>? progress, CancellationToken cancel)
    {
        // the model first (off the caller's thread: it reads the whole file), so one whisper.cpp refuses fails before any decoding
        using var factory = WhisperFactory.FromPath(Model.Path);
        // the job's language over the operator's ("auto": Whisper detects it)
        var told = language ?? options.Whisper.Language;
        await using var processor = await Task.Run(() => Build(factory, told, progress), cancel).ConfigureAwait(false);
        var raw = Path.Combine(dir, "audio.s16");
        await decode(raw).ConfigureAwait(false);
        progress?.Report(DecodeShare);
        var samples = await ReadSamplesAsync(raw, cancel).ConfigureAwait(false);
        double seconds = (double)samples.Length / AudioChunks.SampleRate;
        var segments = await RecogniseAsync(processor, samples, cancel).ConfigureAwait(false);
        var heard = told != "auto" ? told
            : segments.Select(s => s.Language).FirstOrDefault(l => !string.IsNullOrWhiteSpace(l) && l != "auto");
        return (WhisperWords.From(segments, seconds), heard);
    }

    /// <summary>Loads the model into a processor; a model whisper.cpp refuses is <see cref="ErrorCode.BadOption"/> naming the path.</summary>
    private WhisperProcessor Build(WhisperFactory factory, string language, IProgress<double>? progress)
    {
        try
        {
            return factory.CreateBuilder()
                .WithLanguage(language)
                .WithTokenTimestamps()
                .WithProbabilities()
                .WithThreads(options.Whisper.ThreadCount)
                // whisper.cpp reports percent of its padded windows, which may pass 100
                .WithProgressHandler(percent => progress?.Report(DecodeShare + ((1 - DecodeShare) * Math.Clamp(percent / 100.0, 0, 1))))
                .Build();
        }
        catch (WhisperModelLoadException e)
        {
            // the file passed the structural check, so whisper.cpp refused something inside it (a newer format, say)
            throw new ClipperException(ErrorCode.BadOption,
                $"Whisper:Model (CLIPPER_WHISPER_MODEL) '{Model.Path}' could not be loaded by whisper.cpp: {e.Message}", e.Message, e);
        }
    }

    /// <summary>The segments Whisper hears in <paramref name="samples"/>.</summary>
    private static async Task<List<SegmentData>> RecogniseAsync(WhisperProcessor processor, float[] samples, CancellationToken cancel)
    {
        var segments = new List<SegmentData>();
        try
        {
            await foreach (var segment in processor.ProcessAsync(samples, cancel).ConfigureAwait(false))
            {
                segments.Add(segment);
            }
        }
        catch (WhisperProcessingException e) when (!cancel.IsCancellationRequested)
        {
            throw new ClipperException(ErrorCode.ToolFailed, "the local Whisper recogniser failed", e.Message, e);
        }

        cancel.ThrowIfCancellationRequested();
        return segments;
    }

    /// <summary>The raw 16-bit samples as floats in [-1, 1), as whisper.cpp takes them.</summary>
    private static async Task<float[]> ReadSamplesAsync(string raw, CancellationToken cancel)
    {
        var bytes = await File.ReadAllBytesAsync(raw, cancel).ConfigureAwait(false);
        var samples = new float[bytes.Length / 2];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = BitConverter.ToInt16(bytes, 2 * i) / 32768f;
        }

        return samples;
    }
}
