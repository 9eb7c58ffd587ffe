using Clipper.Core.Transcripts;

namespace Clipper.Stages.Transcribe.Remote;

/// <summary>
/// One piece of audio sent to a remote engine. Its core [<see cref="CoreStart"/>, <see cref="CoreEnd"/>) is a chunk of
/// the plan (cut in a pause); what is sent, [<see cref="SendStart"/>, <see cref="SendEnd"/>), reaches the overlap
/// further into each neighbour, so a word at a cut is heard whole by both sides.
/// </summary>
internal sealed record RemotePiece(int Index, AudioChunk Core, long SendFirstSample, long SendEndSample, bool First, bool Last)
{
    public double CoreStart => Core.StartSeconds;

    public double CoreEnd => (double)Core.EndSample / AudioChunks.SampleRate;

    public double SendStart => (double)SendFirstSample / AudioChunks.SampleRate;

    public double SendEnd => (double)SendEndSample / AudioChunks.SampleRate;

    public double SendSeconds => SendEnd - SendStart;

    /// <summary>
    /// The seam rule: a word belongs to the piece whose core holds its centre. Each overlap is shared by two pieces
    /// and split at the cut (its midpoint), so a word heard by both is kept once, and a word heard by neither side's
    /// core cannot exist (the cores tile the audio). The first and last pieces reach to either end of time.
    /// </summary>
    public bool Owns(Word w)
    {
        double centre = (w.Start + w.End) / 2;
        return (First || centre >= CoreStart) && (Last || centre < CoreEnd);
    }
}

internal static class RemotePieces
{
    /// <summary>The plan's chunks, each widened by <paramref name="overlapSeconds"/> on the sides where it has a neighbour.</summary>
    public static IReadOnlyList<RemotePiece> Of(IReadOnlyList<AudioChunk> chunks, long totalSamples, double overlapSeconds)
    {
        long overlap = (long)Math.Round(overlapSeconds * AudioChunks.SampleRate);
        return chunks.Select((c, i) => new RemotePiece(i, c,
            Math.Max(0, c.FirstSample - overlap), Math.Min(totalSamples, c.EndSample + overlap),
            First: i == 0, Last: i == chunks.Count - 1)).ToList();
    }

    /// <summary>The words a piece keeps: its answer's words moved to seconds of the source, those its core owns.</summary>
    public static List<Word> Keep(RemotePiece piece, IEnumerable<Word> pieceRelative) =>
        pieceRelative.Select(w => w.Shifted(piece.SendStart))
            .Where(piece.Owns).ToList();
}
