using System.Text.Json.Serialization;

namespace Clipper.Core.Transcripts;

/// <summary>
/// One recognised word with its time span in seconds of the source and a confidence in [0, 1]; <see cref="Speaker"/> says
/// who said it where the captions mark speakers (<see cref="SpeakerRun"/>), null elsewhere (and then left out of the JSON,
/// so a transcript without speakers is stored as before).
/// </summary>
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

    [JsonPropertyName("speaker"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Speaker { get; init; }

    /// <summary>The same word <paramref name="seconds"/> later (earlier when negative): a piece's times made the source's.</summary>
    public Word Shifted(double seconds) => new(Text, Start + seconds, End + seconds, Confidence) { Speaker = Speaker };
}

/// <summary>
/// A word-level transcript of a whole source. <see cref="Provider"/> names where it came from ("captions", "pocketsphinx",
/// "openai"). A remote engine adds <see cref="Chunks"/> (which piece of the audio came from where, and why) and
/// <see cref="Usage"/> (what was sent); both are absent in older stored transcripts, which still load. <see cref="Language"/> is
/// the spoken language (ISO 639-1, "en") when the engine detected it or the job gave it; null when unknown.
/// </summary>
public sealed record Transcript(
    [property: JsonPropertyName("words")] IReadOnlyList<Word> Words,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("chunks"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TranscriptChunk>? Chunks = null,
    [property: JsonPropertyName("usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RemoteUsage? Usage = null,
    [property: JsonPropertyName("language"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Language = null)
{
    /// <summary>The words that overlap [start, end), in order.</summary>
    public IReadOnlyList<Word> Between(double start, double end) =>
        Words.Where(w => w.End > start && w.Start < end).ToList();

    [JsonIgnore]
    public string Text => string.Join(' ', Words.Select(w => w.Text));
}

/// <summary>
/// One piece of the audio a remote engine transcribed: its core [<see cref="Start"/>, <see cref="End"/>) in seconds of
/// the source (the words whose centre lies there are this piece's), the engine whose words it holds ("openai", or
/// "pocketsphinx" when the remote call failed for good), why it fell back, and how many requests it took.
/// </summary>
public sealed record TranscriptChunk(
    [property: JsonPropertyName("start")] double Start,
    [property: JsonPropertyName("end")] double End,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("words")] int Words,
    [property: JsonPropertyName("requests")] int Requests,
    [property: JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <summary>
/// What a remote engine was sent for one transcript: HTTP requests (every attempt, failed ones too) and the seconds of
/// audio it transcribed (the durations its answers stated, which is what the provider bills).
/// </summary>
public sealed record RemoteUsage(
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("requests")] int Requests,
    [property: JsonPropertyName("audioSeconds")] double AudioSeconds);
