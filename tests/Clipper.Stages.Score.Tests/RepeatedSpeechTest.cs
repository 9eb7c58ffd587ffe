using Clipper.Core.Clips;
using Clipper.Core.Transcripts;
using Clipper.Samples;

namespace Clipper.Stages.Score.Tests;

/// <summary>
/// A speaker who repeats a passage, or gives the same talk twice in one video, gets it clipped once: the sample
/// talk cycled three times (as <see cref="SampleVideo.Talk"/> does for the ten-minute benchmark video) must not
/// yield the same clip, opening or title more than once; and distinct passages must not be taken for repeats.
/// The truth is known: every word is tagged with the talk sentence it was spoken in.
/// </summary>
[Trait("Category", "unit")]
public sealed class RepeatedSpeechTest(ITestOutputHelper output)
{
    private static readonly IReadOnlyList<string> TalkSentences = SampleVideo.TalkSentences();
    private static readonly ScoreOptions Defaults = new();

    /// <summary>Speech at 3 words/s; beside each word, the index in the talk of the sentence it belongs to.</summary>
    private static (List<Word> Words, List<int> Sentence) Speak(IEnumerable<(int Index, string Text)> sentences)
    {
        var words = new List<Word>();
        var ids = new List<int>();
        double t = 0;
        foreach (var (index, text) in sentences)
        {
            var spoken = HandWords.Speak(t, 3, 0.7, text);
            words.AddRange(spoken);
            ids.AddRange(spoken.Select(_ => index));
            t = spoken[^1].End + 0.7;
        }

        return (words, ids);
    }

    private static IEnumerable<(int, string)> Talk(int times) =>
        Enumerable.Range(0, times).SelectMany(_ => TalkSentences.Select((s, i) => (i, s)));

    /// <summary>
    /// Recogniser-like noise: lower case without punctuation, and about one word in eight (chosen by a seeded
    /// random) swapped for another word of the talk or dropped, as pocketsphinx hears a passage a second time.
    /// </summary>
    private static IEnumerable<(int, string)> Noisy(IEnumerable<(int Index, string Text)> sentences, int seed)
    {
        var random = new Random(seed);
        var vocabulary = TalkSentences.SelectMany(s => HandWords.Plain(s).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Distinct().ToArray();
        foreach (var (index, text) in sentences)
        {
            var words = new List<string>();
            foreach (var w in HandWords.Plain(text).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                double r = random.NextDouble();
                if (r < 0.08)
                {
                    words.Add(vocabulary[random.Next(vocabulary.Length)]);
                }
                else if (r >= 0.125 || words.Count == 0)
                {
                    words.Add(w);
                }
            }

            yield return (index, string.Join(' ', words));
        }
    }

    private IReadOnlyList<ScoredClip> Select(List<Word> words, ScoreOptions settings)
    {
        var clips = ClipSelector.Select(new Transcript(words, "test"), words[^1].End + 1, ClipOptions.Defaults, settings);
        foreach (var c in clips)
        {
            output.WriteLine(FormattableString.Invariant($"#{c.Index} {c.Start,6:0.0}–{c.End,6:0.0} score {c.Score} \"{c.Title}\""));
        }

        return clips;
    }

    /// <summary>
    /// No two clips open on the same talk sentence or share a title; none holds a third of its words in sentences
    /// another clip holds too, and the word-pair similarity of any two stays below the threshold.
    /// </summary>
    private void AssertClippedOnce((List<Word> Words, List<int> Sentence) talk, IReadOnlyList<ScoredClip> clips)
    {
        var inside = clips.Select(c => Enumerable.Range(0, talk.Words.Count)
            .Where(i => talk.Words[i].Start >= c.Start && talk.Words[i].End <= c.End).ToList()).ToList();
        Assert.True(clips.Count >= 5, $"only {clips.Count} clips");
        Assert.Equal(clips.Count, clips.Select(c => c.Title).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(clips.Count, inside.Select(ws => talk.Sentence[ws[0]]).Distinct().Count());
        for (int a = 0; a < clips.Count; a++)
        {
            for (int b = 0; b < a; b++)
            {
                var sentencesOfB = inside[b].Select(i => talk.Sentence[i]).ToHashSet();
                var sentencesOfA = inside[a].Select(i => talk.Sentence[i]).ToHashSet();
                double aInB = (double)inside[a].Count(i => sentencesOfB.Contains(talk.Sentence[i])) / inside[a].Count;
                double bInA = (double)inside[b].Count(i => sentencesOfA.Contains(talk.Sentence[i])) / inside[b].Count;
                double similarity = WordPairs.Similarity(Text(talk.Words, inside[a]), Text(talk.Words, inside[b]));
                if (aInB > 0 || bInA > 0)
                {
                    output.WriteLine(FormattableString.Invariant(
                        $"#{clips[b].Index} and #{clips[a].Index} share sentences: {aInB:0.00} / {bInA:0.00} of their words, pair similarity {similarity:0.00}"));
                }

                // a sentence shared at a clip's edge may pass (it can be a third of a short clip when misheard
                // differently); a repeated passage may not
                Assert.True(Math.Max(aInB, bInA) < 1 / 3.0, $"clip {clips[a].Index} repeats clip {clips[b].Index}");
                Assert.True(similarity < Defaults.MaxRepeatedShare, $"clip {clips[a].Index} repeats clip {clips[b].Index} ({similarity:0.00})");
            }
        }
    }

    private static string Text(List<Word> words, List<int> indexes) => string.Join(' ', indexes.Select(i => words[i].Text));

    [Fact]
    public void TheSameTalkGivenThreeTimesIsClippedOnce()
    {
        var talk = Speak(Talk(3));
        var clips = Select(talk.Words, Defaults);
        AssertClippedOnce(talk, clips);

        // the temptation: every one of the best windows is there three times, with the same score
        var ranked = ClipSelector.Rank(new Transcript(talk.Words, "test"), talk.Words[^1].End + 1, ClipOptions.Defaults, Defaults);
        Assert.Equal(3, ranked.Count(c => c.Rating.Title == clips[0].Title && c.Rating.Score == clips[0].Score
            && Math.Abs(c.Window.Duration - clips[0].Duration) < 0.01));
    }

    [Fact]
    public void ARepeatRecognisedWithSomeWordsWrongIsStillARepeat()
    {
        var talk = Speak(Enumerable.Range(0, 3).SelectMany(pass => Noisy(Talk(1), seed: pass)));
        var clips = Select(talk.Words, Defaults);
        AssertClippedOnce(talk, clips);
    }

    [Fact]
    public void DistinctPassagesAreNotSuppressed()
    {
        var talk = Speak(Talk(1));
        var deduplicated = Select(talk.Words, Defaults);
        var everything = Select(talk.Words, new ScoreOptions { MaxRepeatedShare = 1, RepeatedOpeningShare = 1 });
        Assert.True(deduplicated.Count >= 5);
        Assert.Equal(everything, deduplicated);
    }

    [Fact]
    public void WordPairsTellTheSamePassageHeardAgainFromADifferentOne()
    {
        // every run of six sentences of the talk against every other run that does not share a sentence with it,
        // and against itself heard again with one word in eight wrong
        var n = TalkSentences.Count;
        var noisy = Noisy(Talk(1), seed: 7).Select(s => s.Item2).ToList();
        static string Run(IReadOnlyList<string> s, int i) => string.Join(' ', s.Skip(i).Take(6));
        double different = 0, same = 1;
        for (int i = 0; i + 6 <= n; i++)
        {
            same = Math.Min(same, WordPairs.Similarity(Run(TalkSentences, i), Run(noisy, i)));
            for (int j = i + 6; j + 6 <= n; j++)
            {
                different = Math.Max(different, WordPairs.Similarity(Run(TalkSentences, i), Run(TalkSentences, j)));
            }
        }

        output.WriteLine(FormattableString.Invariant($"different passages: at most {different:0.00}; the same one misheard: at least {same:0.00}"));
        Assert.True(different < Defaults.MaxRepeatedShare / 2, $"different passages {different:0.00}");
        Assert.True(same > 2 * Defaults.MaxRepeatedShare, $"the same passage {same:0.00}");
        Assert.Equal(1.0, WordPairs.Similarity("Why do some teams thrive while others fall apart?",
            "Researchers asked why do some teams thrive while others fall apart, and found out."));
    }
}
