using Clipper.Core.Transcripts;

namespace Clipper.Stages.Score;

/// <summary>
/// A candidate clip: consecutive whole sentences, and the clip's bounds in seconds of the source, which are its
/// speech plus a little lead-in and tail.
/// </summary>
public sealed class Window
{
    public Window(IReadOnlyList<Sentence> sentences, double start, double end)
    {
        if (sentences.Count == 0)
        {
            throw new ArgumentException("empty window", nameof(sentences));
        }

        if (end < start)
        {
            throw new ArgumentException("window ends before it starts", nameof(end));
        }

        Sentences = sentences.ToArray();
        Start = start;
        End = end;
        Words = Sentences.SelectMany(s => s.Words).ToArray();
    }

    public IReadOnlyList<Sentence> Sentences { get; }

    public double Start { get; }

    public double End { get; }

    public IReadOnlyList<Word> Words { get; }

    /// <summary>
    /// The transcript's language (ISO 639-1), null when unknown: the offline title and hashtags apply English rules
    /// (title case, stop-words) only to English or unknown text.
    /// </summary>
    public string? Language { get; init; }

    /// <summary>A window exactly as long as its speech, for sentences taken out of context.</summary>
    public static Window Of(IReadOnlyList<Sentence> sentences) => new(sentences, sentences[0].Start, sentences[^1].End);

    public int WordCount => Words.Count;

    public double Duration => End - Start;

    public double WordsPerSecond => Duration <= 0 ? 0 : WordCount / Duration;

    public double MeanConfidence => Words.Count == 0 ? 0 : Words.Average(w => w.Confidence);

    public Sentence First => Sentences[0];

    public Sentence Last => Sentences[^1];

    public bool Overlaps(Window other) => Start < other.End && other.Start < End;

    public string Text => string.Join(' ', Sentences.Select(s => s.Text));
}
