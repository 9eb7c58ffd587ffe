namespace Clipper.Stages.Score;

/// <summary>The sentences and how they were found: by punctuation, or by pauses of at least <see cref="PauseThreshold"/> s.</summary>
public sealed record SentenceSplit(IReadOnlyList<Sentence> Sentences, bool ByPunctuation, double PauseThreshold);
