using Clipper.Core.Transcripts;
using Clipper.Stages.Transcribe.Local;
using Whisper.net;

namespace Clipper.Stages.Transcribe.Tests.Local;

[Trait("Category", "unit")]
public sealed class WhisperWordsTest
{
    /// <summary>A token as whisper.cpp reports it: times in centiseconds.</summary>
    private static WhisperToken T(string text, long start, long end, float p = 1) => new() { Text = text, Start = start, End = end, Probability = p };

    private static SegmentData Segment(params WhisperToken[] tokens) =>
        new("", TimeSpan.FromSeconds(tokens[0].Start / 100.0), TimeSpan.FromSeconds(tokens[^1].End / 100.0), 0, 1, 0.5f, 0, "en", tokens);

    [Fact]
    public void SpacesStartWordsPiecesAndPunctuationJoinTheWordBeforeSpecialsAreDropped()
    {
        var words = WhisperWords.From(
        [
            Segment(T("[_BEG_]", 0, 0), T(" Hello", 0, 40, 0.9f), T(",", 40, 45, 0.8f), T(" wor", 50, 70, 0.6f), T("ld", 70, 90, 0.8f), T(".", 90, 95, 1f),
                T("[_TT_50]", 95, 95)),
            // a segment starts a word even without a space; " -" is punctuation, not a word of its own
            Segment(T("It", 120, 140, 0.5f), T("'s", 140, 150, 0.7f), T(" fine", 150, 190, 0.9f), T(" -", 190, 195, 0.4f), T("<|endoftext|>", 195, 195)),
        ], audioSeconds: 10);

        Assert.Equal(
        [
            new Word("Hello,", 0.0, 0.45, 0.85),
            new Word("world.", 0.5, 0.95, 0.8),
            new Word("It's", 1.2, 1.5, 0.6),
            new Word("fine-", 1.5, 1.95, 0.65),
        ], words.Select(Rounded));
    }

    [Fact]
    public void TimesPastTheAudioAreCutToItsEndAndMarksBeforeAnyWordAreDropped()
    {
        // whisper.cpp times tokens within its padded 30 s window, past the audio's end
        var words = WhisperWords.From([Segment(T(" ...", 0, 10), T(" last", 1990, 2050, 0.5f), T(" one", 2050, 2900, 0.5f))], audioSeconds: 20);

        Assert.Equal([new Word("last", 19.9, 20, 0.5), new Word("one", 20, 20, 0.5)], words.Select(Rounded));
    }

    [Fact]
    public void NoTokensNoWords()
    {
        Assert.Empty(WhisperWords.From([Segment(T("[_BEG_]", 0, 0), T("[_TT_0]", 0, 0))], audioSeconds: 5));
        Assert.Empty(WhisperWords.From([], audioSeconds: 5));
    }

    private static Word Rounded(Word w) => new(w.Text, Math.Round(w.Start, 6), Math.Round(w.End, 6), Math.Round(w.Confidence, 6));
}
