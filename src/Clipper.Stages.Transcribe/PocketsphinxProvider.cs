using System.Globalization;
using System.Text.RegularExpressions;
using Clipper.Core.Errors;
using Clipper.Core.Processes;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Transcribe;

/// <summary>
/// The local offline recogniser: CMU pocketsphinx with the US English model (English only). ffmpeg decodes the
/// audio to 16 kHz mono s16; long audio is cut at quiet moments into chunks of about
/// <see cref="TranscribeOptions.ChunkSeconds"/> that run <see cref="TranscribeOptions.Parallelism"/> at a time,
/// since one pocketsphinx process uses one core. By default (<see cref="PocketsphinxMethod.Utterances"/>) each chunk
/// is cut again in its pauses and <c>pocketsphinx_batch</c> decodes every piece whole;
/// <see cref="PocketsphinxMethod.Continuous"/> streams the chunk through <c>pocketsphinx_continuous</c>. Word times
/// are shifted back by each chunk's (and piece's) offset.
/// </summary>
/// <remarks>
/// Confidence: this pocketsphinx build prints <c>logmath_exp(posterior)</c>, the word's lattice posterior,
/// already on [0, 1] but with log-table rounding that yields values like 1.0011; those are clamped to 1. Builds
/// that print the raw log posterior (a negative integer in pocketsphinx's log base 1.0001) are mapped back with
/// 1.0001^x. Either way 1 means the decoder saw no competing word.
/// </remarks>
public sealed partial class PocketsphinxProvider(TranscribeOptions options) : ITranscriptProvider, IChunkRecogniser
{
    /// <summary>Share of the progress bar the ffmpeg decode takes.</summary>
    private const double DecodeShare = 0.05;

    /// <summary>Markers the decoder emits that are not words anyone said.</summary>
    private static readonly HashSet<string> NonWords = ["<s>", "</s>", "<sil>"];

    public string Name => "pocketsphinx";

    public bool NeedsAudio => true;

    public async Task<Transcript?> TranscribeAsync(TranscribeRequest request, IProgress<double>? progress, CancellationToken cancel)
    {
        options.Validate();
        return await AudioScratch.RunAsync<Transcript?>(request.WorkDir, "asr-", "recogniser", async dir =>
        {
            var raw = Path.Combine(dir, "audio.s16");
            await AudioChunks.DecodeAsync(request.Media, raw, options.ExtractTimeout, cancel).ConfigureAwait(false);
            progress?.Report(DecodeShare);
            long samples = new FileInfo(raw).Length / 2;
            var loudness = await AudioChunks.FrameLoudnessAsync(raw, cancel).ConfigureAwait(false);
            var chunks = AudioChunks.Plan(loudness, samples, options.ChunkSeconds);
            var words = await RecogniseAllAsync(raw, dir, chunks, loudness, samples, progress, cancel).ConfigureAwait(false);
            // the only acoustic and language model it has is US English: whatever it hears comes out as English words
            return new Transcript(words, Name, Language: Languages.English);
        }, cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// The chunks a silo's units recognise apart: the whole audio decoded once for its loudness, cut as
    /// <see cref="TranscribeAsync"/> cuts it; null when it has no audio or one chunk would hold it all.
    /// </summary>
    public Task<ChunkPlan?> PlanAsync(string media, string workDir, CancellationToken cancel, string? speechCopy = null) =>
        AudioChunks.PlanMediaAsync(media, workDir, options.Validate().ChunkSeconds, options.ExtractTimeout, speechCopy, cancel);

    public async Task<Transcript> RecogniseAsync(ChunkRequest chunk, IProgress<double>? progress, CancellationToken cancel)
    {
        options.Validate();
        var (start, end) = (chunk.Start, chunk.End);
        double from = Math.Max(0, start - chunk.Overlap);
        return await AudioScratch.RunAsync(chunk.WorkDir, "chunk-", "recogniser", async dir =>
        {
            var raw = Path.Combine(dir, "audio.s16");
            await AudioChunks.DecodeRangeAsync(chunk.Media, from, end + chunk.Overlap, raw, options.ExtractTimeout, cancel).ConfigureAwait(false);
            progress?.Report(DecodeShare);
            long samples = new FileInfo(raw).Length / 2;
            var loudness = await AudioChunks.FrameLoudnessAsync(raw, cancel).ConfigureAwait(false);
            // the chunk's own file, its times from 0; shifted back to the source's below
            var words = await RecogniseChunkAsync(raw, dir, new AudioChunk(0, 0, samples), loudness, cancel, (float)chunk.NoiseFloorDb)
                .ConfigureAwait(false);
            progress?.Report(1);
            List<Word> own = [.. words.Select(w => w.Shifted(from)).Where(w => ChunkStitch.Owns(w, start, end))];
            // US English only, whatever the job says (as a whole transcript)
            return new Transcript(own, Name, Language: Languages.English);
        }, cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// Recognises every chunk, at most <see cref="TranscribeOptions.Parallelism"/> at once. When one fails the
    /// others are cancelled (which kills their recognisers) and awaited before the scratch files go away.
    /// </summary>
    private async Task<List<Word>> RecogniseAllAsync(string raw, string dir, IReadOnlyList<AudioChunk> chunks, float[] loudness, long totalSamples,
        IProgress<double>? progress, CancellationToken cancel)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var slots = new SemaphoreSlim(Math.Min(options.Parallelism, chunks.Count));
        var progressLock = new Lock();
        long doneSamples = 0;
        var tasks = chunks.Select(async c =>
        {
            await slots.WaitAsync(stop.Token).ConfigureAwait(false);
            try
            {
                var w = await RecogniseChunkAsync(raw, dir, c, loudness, stop.Token).ConfigureAwait(false);
                lock (progressLock)
                {
                    // reported under the lock so the fraction never goes backwards
                    doneSamples += c.EndSample - c.FirstSample;
                    progress?.Report(DecodeShare + ((1 - DecodeShare) * doneSamples / Math.Max(1, totalSamples)));
                }

                return w;
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                slots.Release();
            }
        }).ToList();

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch
        {
            if (cancel.IsCancellationRequested)
            {
                throw new ClipperException(ErrorCode.Cancelled, "transcription was cancelled");
            }

            // the first real failure, not the cancellations it caused in the other chunks
            var first = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!)
                .FirstOrDefault(e => e is not OperationCanceledException
                    && !(e is ClipperException { Code: ErrorCode.Cancelled }));
            if (first is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            }

            throw;
        }

        return tasks.SelectMany(t => t.Result).OrderBy(w => w.Start).ToList();
    }

    /// <summary>The words of one chunk of the decoded audio, in seconds of the source (also the remote engine's fall-back).</summary>
    /// <param name="loudness">the whole audio's frame loudness (<see cref="AudioChunks.FrameLoudnessAsync"/>), where the pauses are found</param>
    /// <param name="noiseFloor">where pauses are measured from; null: this audio's own noise floor</param>
    internal async Task<List<Word>> RecogniseChunkAsync(string raw, string dir, AudioChunk chunk, float[] loudness, CancellationToken cancel,
        float? noiseFloor = null)
    {
        var name = $"chunk-{chunk.Index}";
        var file = Path.Combine(dir, name + ".s16");
        try
        {
            await AudioChunks.WriteAsync(raw, chunk, file, cancel).ConfigureAwait(false);
            var limits = LimitsFor(chunk.Seconds);
            return options.Method == PocketsphinxMethod.Continuous
                ? await ContinuousAsync(file, chunk, limits, cancel).ConfigureAwait(false)
                : await UtterancesAsync(dir, name, chunk, loudness, noiseFloor, limits, cancel).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A recogniser's CPU time limit for so many seconds of audio, and the wall-time backstop behind it.</summary>
    private (TimeSpan Cpu, TimeSpan Wall) LimitsFor(double audioSeconds)
    {
        var cpu = TimeSpan.FromSeconds(60 + Math.Round(audioSeconds * options.RecogniserCpuPerSecond));
        return (cpu, cpu * options.RecogniserWallFactor);
    }

    private async Task<List<Word>> ContinuousAsync(string file, AudioChunk chunk, (TimeSpan Cpu, TimeSpan Wall) limits, CancellationToken cancel)
    {
        // no -logfn: pocketsphinx logs to stderr, so a failure keeps its own explanation in the stderr tail
        var r = await ProcessRunner.RunCheckedAsync(
        [
            options.Pocketsphinx, "-infile", file, "-samprate", AudioChunks.SampleRate.ToString(CultureInfo.InvariantCulture),
            "-hmm", options.AcousticModel, "-lm", options.LanguageModel, "-dict", options.Dictionary, "-time", "yes",
            .. options.DecoderArguments,
        ], limits.Wall, cancel, limits.Cpu).ConfigureAwait(false);
        return Parse(r.StdoutText, chunk.StartSeconds);
    }

    /// <summary>
    /// One <c>pocketsphinx_batch</c> over the chunk's file: a control file lists its utterances as frame ranges,
    /// each decoded whole, and the words come back as CTM lines (utterance, channel, start, duration, word,
    /// posterior). <c>-remove_silence no</c>: its voice detector drops silent frames before the search, which
    /// moves every later word earlier than it was said. <c>-fwdflat no</c> unless the decoder arguments say
    /// otherwise (pocketsphinx refuses an argument given twice): without the second, flat-lexicon pass the batch
    /// decoder measured as well on LibriVox and took a quarter less CPU (README, "./clipper bench asr").
    /// </summary>
    private async Task<List<Word>> UtterancesAsync(string dir, string name, AudioChunk chunk, float[] loudness, float? noiseFloor,
        (TimeSpan Cpu, TimeSpan Wall) limits, CancellationToken cancel)
    {
        var utterances = AudioChunks.Utterances(loudness, chunk, options.UtteranceMinSeconds, options.UtteranceMaxSeconds, options.PauseDb,
            noiseFloor);
        if (utterances.Count == 0)
        {
            return [];
        }

        var ctl = Path.Combine(dir, name + ".ctl");
        var ctm = Path.Combine(dir, name + ".ctm");
        var starts = new Dictionary<string, double>();
        var lines = new List<string>();
        for (int i = 0; i < utterances.Count; i++)
        {
            var (from, to) = utterances[i];
            var id = $"{name}-u{i}";
            starts[id] = chunk.StartSeconds + ((double)from / AudioChunks.FramesPerSecond);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {from} {to} {id}"));
        }

        try
        {
            await File.WriteAllLinesAsync(ctl, lines, cancel).ConfigureAwait(false);
            // no -logfn here either: a failure's explanation stays in the stderr tail
            await ProcessRunner.RunCheckedAsync(
            [
                options.PocketsphinxBatch, "-adcin", "yes", "-cepdir", dir, "-cepext", ".s16", "-ctl", ctl, "-ctm", ctm,
                "-samprate", AudioChunks.SampleRate.ToString(CultureInfo.InvariantCulture), "-remove_silence", "no",
                "-hmm", options.AcousticModel, "-lm", options.LanguageModel, "-dict", options.Dictionary,
                .. (options.DecoderArguments.Contains("-fwdflat") ? Array.Empty<string>() : ["-fwdflat", "no"]),
                .. options.DecoderArguments,
            ], limits.Wall, cancel, limits.Cpu).ConfigureAwait(false);
            if (!File.Exists(ctm))
            {
                throw new ClipperException(ErrorCode.ToolFailed, "pocketsphinx_batch wrote no transcript", ctm);
            }

            return ParseCtm(await File.ReadAllTextAsync(ctm, cancel).ConfigureAwait(false), starts);
        }
        finally
        {
            File.Delete(ctl);
            File.Delete(ctm);
        }
    }

    /// <summary>
    /// Parses CTM lines <c>utterance channel start duration word posterior</c> of <c>pocketsphinx_batch</c>; times
    /// are seconds from the utterance's start, shifted by <paramref name="starts"/>[utterance]. The batch decoder
    /// prints only real words, without "(2)" variants, but the same markers as <see cref="Parse"/> are dropped.
    /// </summary>
    internal static List<Word> ParseCtm(string ctm, IReadOnlyDictionary<string, double> starts)
    {
        var output = new List<Word>();
        foreach (var line in ctm.Split('\n'))
        {
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 6
                || !starts.TryGetValue(f[0], out double offset)
                || !double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double start)
                || !double.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out double duration)
                || !double.TryParse(f[5], NumberStyles.Float, CultureInfo.InvariantCulture, out double conf))
            {
                continue;
            }

            var w = Variant().Replace(f[4], "");
            if (w.Length == 0 || NonWords.Contains(w) || w.StartsWith('[') || w.StartsWith('+') || w.StartsWith('<'))
            {
                continue;
            }

            output.Add(new Word(Display(w), offset + start, offset + start + Math.Max(0, duration), Confidence(conf)));
        }

        return output;
    }

    /// <summary>
    /// Parses <c>word start end confidence</c> lines; the decoder also prints each utterance's plain hypothesis,
    /// which has no numbers and is skipped. Times are shifted by <paramref name="offset"/> seconds. Markers
    /// (&lt;s&gt;, &lt;/s&gt;, &lt;sil&gt;, [NOISE], [SPEECH], +FILLER+) go; "(2)" pronunciation variants lose their suffix.
    /// </summary>
    internal static List<Word> Parse(string stdout, double offset)
    {
        var output = new List<Word>();
        foreach (var line in stdout.Split('\n'))
        {
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 4
                || !double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double start)
                || !double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double end)
                || !double.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out double conf))
            {
                continue;
            }

            var w = f[0];
            if (NonWords.Contains(w) || w.StartsWith('[') || w.StartsWith('+') || w.StartsWith('<'))
            {
                continue;
            }

            w = Variant().Replace(w, "");
            if (w.Length == 0)
            {
                continue;
            }

            output.Add(new Word(Display(w), offset + start, offset + Math.Max(start, end), Confidence(conf)));
        }

        return output;
    }

    /// <summary>The model's vocabulary is lower case; "i" and its contractions read wrongly that way in captions.</summary>
    private static string Display(string w) => w == "i" || w.StartsWith("i'", StringComparison.Ordinal) ? "I" + w[1..] : w;

    internal static double Confidence(double printed)
    {
        if (double.IsNaN(printed))
        {
            return 0;
        }

        return printed < 0 ? Math.Exp(printed * Math.Log(1.0001)) : Math.Min(1.0, printed);
    }

    [GeneratedRegex(@"\(\d+\)$")]
    private static partial Regex Variant();
}
