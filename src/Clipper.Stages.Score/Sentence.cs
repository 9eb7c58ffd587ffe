using Clipper.Core.Transcripts;

namespace Clipper.Stages.Score;

/// <summary>
/// A sentence of the transcript. <see cref="Closed"/> is true when it ends where the speaker ended it (terminal
/// punctuation or a sentence-length pause) and false when it was cut only because it ran too long.
/// </summary>
public sealed class Sentence
{
    public Sentence(IReadOnlyList<Word> words, bool closed)
    {
        if (words.Count == 0)
        {
            throw new ArgumentException("empty sentence", nameof(words));
        }

        Words = words.ToArray();
        Closed = closed;
    }

    public IReadOnlyList<Word> Words { get; }

    public bool Closed { get; }

    public double Start => Words[0].Start;

    public double End => Words[^1].End;

    public Word First => Words[0];

    public Word Last => Words[^1];

    public string Text => string.Join(' ', Words.Select(w => w.Text));
}
