using Clipper.Core.Transcripts;

namespace Clipper.Stages.Transcribe;

/// <summary>
/// The audio cut in its pauses into chunks: each chunk's [Start, End) in seconds of the source, and the audio's noise
/// floor (dB), from which every chunk measures its pauses as the whole audio would.
/// </summary>
public sealed record ChunkPlan(IReadOnlyList<(double Start, double End)> Chunks, double NoiseFloorDb);

/// <summary>
/// One chunk to recognise: the chunk [<see cref="Start"/>, <see cref="End"/>) in seconds of the source, its number in the
/// plan (from 0), the audio decoded <see cref="Overlap"/> seconds beyond each end (an engine may take more), the plan's
/// noise floor and the job's language (ISO 639-1; null: the engine's own or its guess).
/// </summary>
public sealed record ChunkRequest(string Media, int Index, double Start, double End, double Overlap, double NoiseFloorDb, string WorkDir,
    string? Language = null);

/// <summary>
/// A recogniser that can hear long audio as chunks recognised apart, on any machine, in any order: a plan made once
/// from the whole audio, then one call per chunk. The words of all chunks, in chunk order, are the transcript
/// (<see cref="ChunkStitch.Join(IReadOnlyList{Transcript}, string, string?)"/>).
/// </summary>
public interface IChunkRecogniser
{
    /// <summary>The chunks of the media's audio, or null when it is better heard whole (no audio, or too short to cut).</summary>
    /// <param name="speechCopy">when set and a plan is made, the audio as the recogniser hears it (16 kHz mono FLAC, from
    /// the source's time 0) is written there: chunks recognised on other machines read that instead of the whole source</param>
    Task<ChunkPlan?> PlanAsync(string media, string workDir, CancellationToken cancel, string? speechCopy = null);

    /// <summary>
    /// The chunk's own transcript: the words whose middle lies in the chunk (<see cref="ChunkStitch.Owns"/>), in
    /// seconds of the source, the provider that heard them, and for an engine that reports per piece
    /// (<see cref="Transcript.Chunks"/>: one entry, where its words came from and why) what it was sent
    /// (<see cref="Transcript.Usage"/>) and the language it heard.
    /// </summary>
    Task<Transcript> RecogniseAsync(ChunkRequest chunk, IProgress<double>? progress, CancellationToken cancel);
}

/// <summary>Joining chunks' words into one transcript.</summary>
public static class ChunkStitch
{
    /// <summary>
    /// Whether a word belongs to the chunk [start, end): its middle lies there. Each chunk keeps only its own words, so
    /// a word heard by two neighbours in their overlap is kept once, and one cut by the seam by the side that holds
    /// most of it.
    /// </summary>
    public static bool Owns(Word w, double start, double end)
    {
        double middle = (w.Start + w.End) / 2;
        return middle >= start && middle < end;
    }

    /// <summary>The chunks' words, each list already the chunk's own, in the order they were said.</summary>
    public static List<Word> Join(IEnumerable<IReadOnlyList<Word>> chunks) =>
        chunks.SelectMany(c => c).OrderBy(w => w.Start).ThenBy(w => w.End).ToList();

    /// <summary>
    /// The chunks' transcripts, in plan order, as one: their words joined, their per-piece reports one after the other
    /// (none when no chunk gave one), what the remote service was sent summed over the chunks that say, and the
    /// language most of the reported audio was heard in (else <paramref name="fallbackLanguage"/>). Chunks stored before
    /// chunks kept their provider and reports read as words only.
    /// </summary>
    public static Transcript Join(IReadOnlyList<Transcript> chunks, string provider, string? fallbackLanguage)
    {
        var words = Join(chunks.Select(c => c.Words));
        var pieces = chunks.Any(c => c.Chunks is { Count: > 0 }) ? chunks.SelectMany(c => c.Chunks ?? []).ToList() : null;
        var used = chunks.Select(c => c.Usage).OfType<RemoteUsage>().ToList();
        var usage = used.Count == 0 ? null
            : new RemoteUsage(used[0].Service, used[0].Model, used.Sum(u => u.Requests), Math.Round(used.Sum(u => u.AudioSeconds), 3));
        // weighed by the audio each chunk's reports cover, else (an engine that reports no pieces) by its words
        var language = chunks.Where(c => c.Language is not null).GroupBy(c => c.Language)
            .OrderByDescending(g => g.Sum(c => c.Chunks is { Count: > 0 } r ? r.Sum(p => p.End - p.Start) : c.Words.Count)).Select(g => g.Key).FirstOrDefault() ?? fallbackLanguage;
        return new Transcript(words, provider, pieces, usage, language);
    }
}
