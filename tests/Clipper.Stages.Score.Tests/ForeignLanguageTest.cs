using System.Text;
using Clipper.Core.Clips;
using Clipper.Core.Transcripts;
using Clipper.Stages.Score.Llm;
using Clipper.Stages.Transcribe;
using Clipper.TestSupport;

namespace Clipper.Stages.Score.Tests;

/// <summary>A talk with Russian side-car captions: its titles, hashtags and the LLM's prompt stay in its language.</summary>
[Trait("Category", "unit")]
public sealed class ForeignLanguageTest
{
    private static Transcript Russian()
    {
        var vtt = ForeignCaptions.RussianVtt(80);
        return new Transcript(CaptionFileProvider.Parse(vtt), "captions", Language: CaptionFileProvider.LanguageOf(vtt, "talk.vtt"));
    }

    private static bool Cyrillic(Rune r) => r.Value is >= 0x400 and <= 0x4FF;

    [Fact]
    public void TitlesAndHashtagsAreTheCaptionsOwnRussianWords()
    {
        var t = Russian();
        var captionWords = t.Words.Select(w => Lexicon.Norm(w.Text)).ToHashSet();
        var asSaid = t.Words.Select(w => w.Text.TrimEnd(',', '.', '?')).ToHashSet();

        var clips = ClipSelector.Select(t, 80, new ClipOptions(3, 15, 40, 270, 480), new ScoreOptions());

        Assert.Equal("ru", t.Language);
        Assert.NotEmpty(clips);
        foreach (var c in clips)
        {
            var titleWords = c.Title.TrimEnd('…', '?').Split(' ').Select(w => w.TrimEnd(',', '.', '?')).ToList();
            Assert.True(titleWords.Count >= 2, c.Title);
            // the words as said (English title case would raise "я" and "о"), the first letter raised only
            Assert.All(titleWords.Skip(1), w => Assert.Contains(w, asSaid));
            Assert.Contains(Lexicon.Norm(titleWords[0]), captionWords);
            Assert.InRange(c.Hashtags!.Count, 3, 5);
            Assert.All(c.Hashtags, h => Assert.True(h[1..].EnumerateRunes().All(Cyrillic), h));
            Assert.All(c.Hashtags, h => Assert.Contains(Lexicon.Norm(h[1..]), captionWords));
            Assert.All(c.Description.Split(' '), w => Assert.Contains(w.TrimEnd('…'), string.Join(' ', t.Words.Select(x => x.Text)), StringComparison.Ordinal));
        }
    }

    [Fact]
    public void EnglishStopWordsAreLeftInOtherLanguages()
    {
        // "also" is German for "so": a content word there, a stop-word in English
        var w = HandWords.Window("Also gehen wir also nach Hause.", "Also bleiben wir also hier.");
        var german = new Window(w.Sentences, w.Start, w.End) { Language = "de" };

        Assert.Equal("#Also", Publish.Hashtags(german)[0]);
        Assert.DoesNotContain("#Also", Publish.Hashtags(w));
    }

    [Fact]
    public void ThePromptForAGermanTranscriptAsksForGerman()
    {
        var prompt = LlmPrompt.System(new ScoreOptions().LlmPromptTemplate, Languages.EnglishName("de"));
        Assert.Contains("all in German", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("{language}", prompt, StringComparison.Ordinal);
    }
}
