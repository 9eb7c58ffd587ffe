using Clipper.Core.Transcripts;

namespace Clipper.Stages.Score.Tests;

[Trait("Category", "unit")]
public sealed class SentencesTest
{
    [Fact]
    public void PunctuatedWordsSplitAtSentenceEndsButNotAtAbbreviations()
    {
        var words = HandWords.Speak(0, 3, 0.1, "Mr. Dashwood had then leisure to consider.", "Was he ill disposed?",
            "No! He was \"rather selfish.\"", "And that is all...", "the end");
        var split = Sentences.Split(words, HandWords.Defaults, 25);

        Assert.True(split.ByPunctuation);
        Assert.Equal(["Mr. Dashwood had then leisure to consider.", "Was he ill disposed?", "No!",
            "He was \"rather selfish.\"", "And that is all... the end"], split.Sentences.Select(s => s.Text));
    }

    [Fact]
    public void UnpunctuatedWordsSplitAtPausesLongerThanTheSpeakersOwnBreaths()
    {
        // in-sentence pauses up to 0.25 s (breaths), sentence pauses 0.7 s: the threshold must land between them
        var words = new List<Word>();
        double t = 0;
        string[][] sentences =
        [
            ["why", "do", "some", "teams", "thrive"], ["researchers", "studied", "hundreds", "of", "teams"],
            ["the", "best", "teams", "were", "not", "the", "smartest"], ["thank", "people", "for", "bad", "news"],
        ];
        foreach (var s in sentences)
        {
            for (int i = 0; i < s.Length; i++)
            {
                words.Add(new Word(s[i], t, t + 0.3, 0.9));
                t += 0.3 + (i == 2 ? 0.25 : 0.02);
            }

            t += 0.7;
        }

        var split = Sentences.Split(words, HandWords.Defaults, 25);

        Assert.False(split.ByPunctuation);
        Assert.InRange(split.PauseThreshold, 0.27, 0.72);
        Assert.Equal(4, split.Sentences.Count);
        Assert.Equal("the best teams were not the smartest", split.Sentences[2].Text);
        Assert.All(split.Sentences, s => Assert.True(s.Closed));
    }

    [Fact]
    public void ASentenceLongerThanAllowedIsCutAtItsLongestPauseAndMarkedOpen()
    {
        var words = HandWords.Speak(0, 3, 0, "one two three four five six seven eight nine ten");
        words.AddRange(HandWords.Speak(3.8, 3, 0, "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen."));
        var split = Sentences.Split(words, HandWords.Defaults, 5);

        Assert.Equal(2, split.Sentences.Count);
        Assert.False(split.Sentences[0].Closed);
        Assert.True(split.Sentences[1].Closed);
        Assert.Equal("eleven", split.Sentences[1].First.Text);
    }

    [Fact]
    public void PausesOfOneKindMeanTheLowerClampDecides()
    {
        // a speaker who only ever pauses 0.5 s, between words and sentences alike: no second group to cut off
        var words = new List<Word>();
        for (int i = 0; i < 30; i++)
        {
            words.Add(new Word("word" + i, i * 0.8, (i * 0.8) + 0.3, 0.9));
        }

        Assert.Equal(HandWords.Defaults.MinPauseSeconds, Sentences.PauseThreshold(words, HandWords.Defaults));
    }
}
