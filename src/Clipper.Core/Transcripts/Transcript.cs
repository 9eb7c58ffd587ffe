using System.Text.Json.Serialization;

namespace Clipper.Core.Transcripts;

/// <summary>One recognised word with its time span in seconds of the source and a confidence in [0, 1].</summary>
public sealed record Word
{
    public Word(string text, double start, double end, double confidence)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("empty word", nameof(text));
        }

        if (end < start)
        {
            throw new ArgumentException($"word ends before it starts: {text}", nameof(end));
        }

        Text = text;
        Start = start;
        End = end;
        Confidence = confidence;
    }

    [JsonPropertyName("word")]
    public string Text { get; }

    [JsonPropertyName("start")]
    public double Start { get; }

    [JsonPropertyName("end")]
    public double End { get; }

    [JsonPropertyName("confidence")]
    public double Confidence { get; }
}

/// <summary>A word-level transcript of a whole source. <see cref="Provider"/> names where it came from ("captions", "pocketsphinx").</summary>
public sealed record Transcript(
    [property: JsonPropertyName("words")] IReadOnlyList<Word> Words,
    [property: JsonPropertyName("provider")] string Provider)
{
    /// <summary>The words that overlap [start, end), in order.</summary>
    public IReadOnlyList<Word> Between(double start, double end) =>
        Words.Where(w => w.End > start && w.Start < end).ToList();

    [JsonIgnore]
    public string Text => string.Join(' ', Words.Select(w => w.Text));
}
