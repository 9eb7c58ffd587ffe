namespace Clipper.Stages.Transcribe;

/// <summary>The breakdown of a word error rate: edits that turn the reference into the hypothesis.</summary>
public sealed record WordErrors(int Substitutions, int Deletions, int Insertions, int ReferenceWords)
{
    public int Errors => Substitutions + Deletions + Insertions;

    /// <summary>The rate, 0 = perfect; it can exceed 1 when the hypothesis is full of insertions.</summary>
    public double Rate => ReferenceWords == 0 ? (Insertions == 0 ? 0 : 1) : (double)Errors / ReferenceWords;

    public override string ToString() =>
        FormattableString.Invariant($"WER {100 * Rate:0.0}% ({Substitutions} sub, {Deletions} del, {Insertions} ins / {ReferenceWords} words)");
}
