using Clipper.Core.Transcripts;

namespace Clipper.Stages.Transcribe;

/// <summary>
/// What the report must say about a transcript's language. pocketsphinx has only a US-English model: on speech in
/// another language it still writes English words, confidently wrong, and the captions and titles are made of them.
/// When the source is known to be in another language (the job said so, or the site did) and pocketsphinx heard any
/// of it, the report says so plainly instead of passing the garbage off as a transcript.
/// </summary>
public static class LanguageWarnings
{
    /// <summary>The warnings for a transcript of a source in <paramref name="expected"/> (ISO 639-1, null when unknown).</summary>
    public static IReadOnlyList<string> For(Transcript t, string? expected)
    {
        var code = Languages.Code(expected) ?? expected;
        if (code is null || code == Languages.English)
        {
            return [];
        }

        bool allLocal = t.Provider == "pocketsphinx";
        bool someLocal = t.Chunks?.Any(c => c.Source == "pocketsphinx" && c.Words > 0) == true;
        if (!allLocal && !someLocal)
        {
            return [];
        }

        var what = Languages.Code(code) is { } known ? $"'{known}' ({Languages.EnglishName(known)})" : $"'{code}'";
        var which = allLocal ? "its words and captions will be wrong" : "the pieces it recognised (see transcriptChunks) will be wrong";
        return [$"pocketsphinx recognises English only; this source is {what}: {which} — give captions, or use --asr openai or --asr whisper (a multilingual model)"];
    }
}
