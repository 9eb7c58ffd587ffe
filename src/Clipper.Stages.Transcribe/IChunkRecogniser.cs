using Clipper.Core.Transcripts;

namespace Clipper.Stages.Transcribe;

/// <summary>
/// The audio cut in its pauses into chunks: each chunk's [Start, End) in seconds of the source, and the audio's noise
/// floor (dB), from which every chunk measures its pauses as the whole audio would.
/// </summary>
public sealed record ChunkPlan(IReadOnlyList<(double Start, double End)> Chunks, double NoiseFloorDb);

/// <summary>
/// A recogniser that can hear long audio as chunks recognised apart, on any machine, in any order: a plan made once
/// from the whole audio, then one call per chunk. The words of all chunks, in chunk order, are the transcript.
/// </summary>
public interface IChunkRecogniser
{
    /// <summary>The chunks of the media's audio, or null when it is better heard whole (no audio, or too short to cut).</summary>
    /// <param name="speechCopy">when set and a plan is made, the audio as the recogniser hears it (16 kHz mono FLAC, from
    /// the source's time 0) is written there: chunks recognised on other machines read that instead of the whole source</param>
    Task<ChunkPlan?> PlanAsync(string media, string workDir, CancellationToken cancel, string? speechCopy = null);

    /// <summary>
    /// The words of the chunk [<paramref name="start"/>, <paramref name="end"/>), in seconds of the source: the audio
    /// is decoded <paramref name="overlap"/> seconds beyond each end, and a word is kept when its middle lies in the chunk.
    /// </summary>
    Task<IReadOnlyList<Word>> RecogniseAsync(string media, double start, double end, double overlap, double noiseFloorDb,
        string workDir, IProgress<double>? progress, CancellationToken cancel);
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
}
