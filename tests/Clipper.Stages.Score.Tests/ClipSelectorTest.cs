using System.Globalization;
using System.Text;
using Clipper.Core.Clips;
using Clipper.Core.Errors;
using Clipper.Core.Transcripts;
using Clipper.Samples;
using Clipper.Stages.Transcribe;
using Clipper.TestSupport;

namespace Clipper.Stages.Score.Tests;

/// <summary>
/// Clip selection on real transcripts of the four-minute talk, whose sentence times are known: pocketsphinx's
/// (no punctuation, sentences found by pauses) and captions' (punctuated). The talk runs about 1.2 times round
/// the sample talk, so its opening passage is spoken twice and recognised twice, a little differently.
/// </summary>
[Trait("Category", "media")]
[Trait("Category", "slow")]
public sealed class ClipSelectorTest(FourMinuteTalkFixture fixture, ITestOutputHelper output) : IClassFixture<FourMinuteTalkFixture>
{
    /// <summary>How far a clip edge may sit from a true sentence boundary: the lead-in/tail plus recogniser timing slack.</summary>
    private const double Tolerance = 0.75;

    private static readonly ScoreOptions Defaults = new();

    private BuiltMedia Talk => fixture.Talk;

    private Transcript Recognised => fixture.Recognised;

    /// <param name="extraStarts">
    /// sentence starts inside a spoken line ("Do you want to read more books? Start with one page a night." is one
    /// line of the sample talk but two sentences to a caption reader)
    /// </param>
    private void AssertWellFormedClips(IReadOnlyList<ScoredClip> clips, ClipOptions options, List<double> extraStarts, List<double> extraEnds)
    {
        Assert.True(clips.Count >= 3, $"only {clips.Count} clips");
        Assert.True(clips.Count <= options.MaxClips);
        var starts = extraStarts.Concat(Talk.Sentences.Select(s => s.Start)).ToList();
        var ends = extraEnds.Concat(Talk.Sentences.Select(s => s.End)).ToList();
        for (int i = 0; i < clips.Count; i++)
        {
            var c = clips[i];
            output.WriteLine(FormattableString.Invariant(
                $"  #{c.Index} {c.Start,6:0.00}–{c.End,6:0.00} ({c.Duration,4:0.0} s) score {c.Score} {c.Scores}\n      \"{c.Title}\" — {c.Reason}"));
            Assert.Equal(i + 1, c.Index);
            if (i > 0)
            {
                Assert.True(c.Score <= clips[i - 1].Score, "ranked by score");
            }

            Assert.InRange(c.Duration, options.MinSeconds, options.MaxSeconds);
            double startOff = starts.Min(s => Math.Abs(s - c.Start));
            double endOff = ends.Min(e => Math.Abs(e - c.End));
            Assert.True(startOff <= Tolerance, $"clip {c.Index} starts {startOff} s from a sentence start");
            Assert.True(endOff <= Tolerance, $"clip {c.Index} ends {endOff} s from a sentence end");
            Assert.False(string.IsNullOrWhiteSpace(c.Title));
            Assert.True(c.Title.Length <= 61, c.Title);
            Assert.False(string.IsNullOrWhiteSpace(c.Reason));
            foreach (var o in clips.Take(i))
            {
                Assert.True(c.End <= o.Start || c.Start >= o.End, $"{c} overlaps {o}");
            }
        }
    }

    [Fact]
    public void RecognisedSpeechIsClippedOnSentenceBoundariesWithoutOverlap()
    {
        var clips = ClipSelector.Select(Recognised, Talk.DurationSeconds, ClipOptions.Defaults, Defaults);
        output.WriteLine($"pocketsphinx transcript, {clips.Count} clips:");
        AssertWellFormedClips(clips, ClipOptions.Defaults, [], []);
    }

    [Fact]
    public void ThePassageSpokenTwiceIsClippedOnce()
    {
        // which line of the sample talk each clip opens on, by the true sentence times
        var lines = SampleVideo.TalkSentences();
        var clips = ClipSelector.Select(Recognised, Talk.DurationSeconds, ClipOptions.Defaults, Defaults);
        var openings = clips.Select(c => Talk.Sentences.MinBy(s => Math.Abs(s.Start - c.Start))!.Text).ToList();
        output.WriteLine(string.Join("\n", clips.Zip(openings, (c, o) => $"#{c.Index} \"{c.Title}\" opens on line {lines.ToList().IndexOf(o)}")));
        Assert.Equal(clips.Count, openings.Distinct().Count());
        Assert.Equal(clips.Count, clips.Select(c => c.Title).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        for (int a = 0; a < clips.Count; a++)
        {
            for (int b = 0; b < a; b++)
            {
                double similarity = WordPairs.Similarity(WordPairs.Of(Recognised.Between(clips[a].Start, clips[a].End)),
                    WordPairs.Of(Recognised.Between(clips[b].Start, clips[b].End)));
                Assert.True(similarity < Defaults.MaxRepeatedShare, $"#{clips[a].Index} repeats #{clips[b].Index}: {similarity:0.00}");
            }
        }
    }

    [Fact]
    public void PausesInTheRecognisedSpeechFindTheTrueSentences()
    {
        var split = Sentences.Split(Recognised.Words, Defaults, 25);
        output.WriteLine(FormattableString.Invariant(
            $"adaptive pause threshold {split.PauseThreshold:0.00} s, {split.Sentences.Count} sentences found, {Talk.Sentences.Count} spoken"));
        Assert.False(split.ByPunctuation);
        Assert.Equal(Talk.Sentences.Count, split.Sentences.Count);
        for (int i = 0; i < split.Sentences.Count; i++)
        {
            Assert.True(Math.Abs(Talk.Sentences[i].Start - split.Sentences[i].Start) <= 0.5, $"sentence {i} start");
            Assert.True(Math.Abs(Talk.Sentences[i].End - split.Sentences[i].End) <= 0.5, $"sentence {i} end");
        }
    }

    [Fact]
    public void CaptionsOfTheSameTalkAreClippedOnSentenceBoundariesToo()
    {
        // captions as a person would write them: one cue per sentence, at the true times, with punctuation
        var srt = new StringBuilder();
        for (int i = 0; i < Talk.Sentences.Count; i++)
        {
            var s = Talk.Sentences[i];
            srt.Append(i + 1).Append('\n').Append(SrtTime(s.Start)).Append(" --> ").Append(SrtTime(s.End)).Append('\n')
                .Append(s.Text).Append("\n\n");
        }

        var captions = new Transcript(CaptionFileProvider.Parse(srt.ToString()), "captions");
        var innerStarts = new List<double>();
        var innerEnds = new List<double>();
        var words = captions.Words;
        for (int i = 0; i + 1 < words.Count; i++)
        {
            if (".?!".Contains(words[i].Text[^1]) && words[i + 1].Start - words[i].End < 0.1)
            {
                innerEnds.Add(words[i].End);
                innerStarts.Add(words[i + 1].Start);
            }
        }

        var clips = ClipSelector.Select(captions, Talk.DurationSeconds, ClipOptions.Defaults, Defaults);
        output.WriteLine($"caption transcript, {clips.Count} clips:");
        AssertWellFormedClips(clips, ClipOptions.Defaults, innerStarts, innerEnds);
        Assert.Equal(clips.Count, clips.Select(c => c.Title).Distinct().Count());
    }

    [Fact]
    public void FewerAndShorterClipsWhenAskedFor()
    {
        var options = new ClipOptions(2, 15, 30, 1080, 1920);
        var clips = ClipSelector.Select(Recognised, Talk.DurationSeconds, options, Defaults);
        Assert.Equal(2, clips.Count);
        Assert.All(clips, c => Assert.InRange(c.Duration, 15, 30));
    }

    [Fact]
    public void AHighBarLeavesOnlyTheBestClip()
    {
        var all = ClipSelector.Select(Recognised, Talk.DurationSeconds, ClipOptions.Defaults, Defaults);
        var strict = ClipSelector.Select(Recognised, Talk.DurationSeconds, ClipOptions.Defaults, new ScoreOptions { MinScore = 100 });
        Assert.Equal(all[0], Assert.Single(strict));
    }

    [Fact]
    public void BadClipOptionsAreABadOption()
    {
        var e = Assert.Throws<ClipperException>(() =>
            ClipSelector.Select(Recognised, Talk.DurationSeconds, new ClipOptions(2, 40, 30, 1080, 1920), Defaults));
        Assert.Equal(ErrorCode.BadOption, e.Code);
    }

    [Fact]
    public async Task WhatTheRecogniserMakesOfMusicIsNoSpeech()
    {
        // a warbling two-tone "song": pocketsphinx hears a few doubtful words in it
        var music = await TestMedia.FfmpegAsync(Path.Combine(fixture.Dir, "music.wav"), "-f", "lavfi", "-i",
            "aevalsrc=0.3*sin(2*PI*(220+110*sin(2*PI*0.5*t))*t)+0.2*sin(2*PI*330*t):s=16000:d=60");
        var heard = (await new PocketsphinxProvider(new TranscribeOptions())
            .TranscribeAsync(new TranscribeRequest(music, null, fixture.Dir), null, TestContext.Current.CancellationToken))!;
        output.WriteLine($"pocketsphinx on music: {heard.Words.Count} words: {heard.Text}");

        var e = Assert.Throws<ClipperException>(() => ClipSelector.Select(heard, 60, ClipOptions.Defaults, Defaults));
        Assert.Equal(ErrorCode.NoSpeech, e.Code);
    }

    private static string SrtTime(double s)
    {
        long ms = (long)Math.Round(s * 1000);
        return string.Create(CultureInfo.InvariantCulture, $"{ms / 3600000:00}:{ms / 60000 % 60:00}:{ms / 1000 % 60:00},{ms % 1000:000}");
    }
}
