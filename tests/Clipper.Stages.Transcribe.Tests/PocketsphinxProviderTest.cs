using System.Diagnostics;
using Clipper.Core.Processes;
using Clipper.Core.Samples;
using Clipper.Core.Transcripts;
using Clipper.Samples;
using Clipper.TestSupport;

namespace Clipper.Stages.Transcribe.Tests;

/// <summary>
/// The recogniser on real speech: flite reading sentences of the sample talk (known text and sentence times) and
/// LibriVox recordings of people reading (known text). The four-minute talk is recognised once for the class.
/// </summary>
[Trait("Category", "media")]
[Trait("Category", "slow")]
public sealed class PocketsphinxProviderTest(FourMinuteTalkFixture fixture, ITestOutputHelper output) : IClassFixture<FourMinuteTalkFixture>
{
    private BuiltMedia Talk => fixture.Talk;

    private Transcript Transcript => fixture.Transcript;

    private async Task<Transcript> RecogniseAsync(string media, TranscribeOptions options) =>
        (await new PocketsphinxProvider(options).TranscribeAsync(new TranscribeRequest(media, null, fixture.Dir), null,
            TestContext.Current.CancellationToken))!;

    [Fact]
    public void RecognisesFliteReadingTheSampleTalkWithAtMost17PercentWordErrors()
    {
        var wer = WordErrorRate.Measure(Talk.Text, Transcript.Text);
        var report = FormattableString.Invariant(
            $"sample talk (flite): {wer}; {Talk.DurationSeconds:0.0} s of speech in {fixture.Elapsed.TotalSeconds:0.0} s ({fixture.Cpu.TotalSeconds:0.0} s of CPU = {fixture.Cpu.TotalSeconds / Talk.DurationSeconds:0.000} x real time)");
        output.WriteLine(report);
        Measurements.Record(report);
        Assert.Equal("pocketsphinx", Transcript.Provider);
        // measured 15.0 % by default (pocketsphinx_continuous: 13.7 %; README, "./clipper bench asr")
        Assert.True(wer.Rate <= 0.17, wer.ToString());
    }

    [Fact]
    public void EveryWordLiesInsideTheSentenceThatWasSpokenThere()
    {
        var spans = Talk.Sentences;
        var perSentence = new int[spans.Count];
        double worst = 0;
        foreach (var w in Transcript.Words)
        {
            int best = -1;
            double bestOutside = double.MaxValue;
            for (int i = 0; i < spans.Count; i++)
            {
                double outside = Math.Max(0, spans[i].Start - w.Start) + Math.Max(0, w.End - spans[i].End);
                if (outside < bestOutside)
                {
                    bestOutside = outside;
                    best = i;
                }
            }

            perSentence[best]++;
            worst = Math.Max(worst, bestOutside);
            Assert.True(bestOutside <= 0.2, $"{w} lies {bestOutside} s outside sentence {spans[best]}");
        }

        output.WriteLine(FormattableString.Invariant($"worst word outside its sentence: {worst:0.000} s"));
        for (int i = 0; i < spans.Count; i++)
        {
            int expected = WordErrorRate.Normalise(spans[i].Text).Count;
            Assert.True(Math.Abs(perSentence[i] - expected) <= Math.Max(2, expected / 3),
                $"sentence {i} '{spans[i].Text}' got {perSentence[i]} words");
        }
    }

    [Fact]
    public void WordsComeInOrderWithConfidenceOnTheUnitIntervalAndNoMarkers()
    {
        var words = Transcript.Words;
        for (int i = 0; i < words.Count; i++)
        {
            var w = words[i];
            Assert.InRange(w.Confidence, 0, 1);
            Assert.DoesNotMatch(@"[<>\[\]()+]", w.Text);
            if (i > 0)
            {
                Assert.True(w.Start >= words[i - 1].End - 1e-6, $"overlap at {w}");
            }
        }

        double mean = words.Average(w => w.Confidence);
        output.WriteLine(FormattableString.Invariant($"mean confidence on flite speech: {mean:0.00}"));
        Assert.True(mean > 0.6, $"mean confidence {mean}");
        Assert.Contains(words, w => w.Text == "I"); // "i" is printed as the pronoun reads
    }

    [Fact]
    public void ReportsProgressThatGrowsToTheEnd()
    {
        var progress = fixture.Progress;
        Assert.True(progress.Count >= 5, $"progress reports: {string.Join(", ", progress)}");
        Assert.Equal(0.05, progress[0], 9); // the audio is decoded
        Assert.Equal(1.0, progress[^1], 9);
        for (int i = 1; i < progress.Count; i++)
        {
            Assert.True(progress[i] >= progress[i - 1], string.Join(", ", progress));
        }
    }

    private async Task<string> TalkAudioAsync()
    {
        var raw = Path.Combine(fixture.Dir, "talk.s16");
        await ProcessRunner.RunCheckedAsync(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", Talk.File, "-ac", "1", "-ar", "16000",
            "-f", "s16le", "-acodec", "pcm_s16le", raw], TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        return raw;
    }

    [Fact]
    public async Task UtterancesAreCutInThePausesBetweenSentencesAndCoverTheChunk()
    {
        var raw = await TalkAudioAsync();
        var loudness = await AudioChunks.FrameLoudnessAsync(raw, TestContext.Current.CancellationToken);
        // a chunk that starts part-way, as the second of several does: frame ranges are relative to it
        var chunk = new AudioChunk(1, 16000 * 30, new FileInfo(raw).Length / 2);
        var pieces = AudioChunks.Utterances(loudness, chunk, 2, 25, 10);
        output.WriteLine("utterances (s): " + string.Join(", ", pieces.Select(p => ((p.End - p.Start) / 100.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))));

        Assert.Equal(0, pieces[0].Start);
        Assert.Equal(loudness.Length - 3000, pieces[^1].End);
        Assert.All(pieces.Skip(1).Zip(pieces), p => Assert.Equal(p.Second.End, p.First.Start));
        Assert.All(pieces, p => Assert.InRange(p.End - p.Start, 200, 2500));
        var spans = Talk.Sentences;
        foreach (var p in pieces.Skip(1))
        {
            double cut = 30 + (p.Start / 100.0);
            bool inPause = Enumerable.Range(0, spans.Count - 1).Any(i => cut > spans[i].End && cut < spans[i + 1].Start);
            Assert.True(inPause, $"cut at {cut} s is inside a sentence");
        }

        // the pauses are found, not only the 25 s limit: most sentences (2 s or longer) get a piece of their own
        int sentences = spans.Count(s => s.Start > 30);
        Assert.True(pieces.Count >= sentences * 3 / 4, $"{pieces.Count} pieces for {sentences} sentences");
    }

    [Fact]
    public async Task LongAudioIsCutOnlyInThePausesBetweenSentences()
    {
        var raw = await TalkAudioAsync();
        var chunks = AudioChunks.Plan(await AudioChunks.FrameLoudnessAsync(raw, TestContext.Current.CancellationToken),
            new FileInfo(raw).Length / 2, 30);
        output.WriteLine("chunks: " + AudioChunks.Describe(chunks));

        Assert.True(chunks.Count >= 6, "chunks: " + AudioChunks.Describe(chunks));
        var spans = Talk.Sentences;
        foreach (var c in chunks.Skip(1))
        {
            double cut = c.StartSeconds;
            bool inPause = Enumerable.Range(0, spans.Count - 1).Any(i => cut > spans[i].End && cut < spans[i + 1].Start);
            Assert.True(inPause, $"cut at {cut} s is inside a sentence");
        }

        Assert.All(chunks, c => Assert.InRange(c.Seconds, (30 * 0.375) - 0.2, (30 * 1.25) + 0.2));
        Assert.Equal(new FileInfo(raw).Length / 2, chunks[^1].EndSample);
        Assert.All(chunks.Skip(1), c => Assert.Equal(chunks[c.Index - 1].EndSample, c.FirstSample));
    }

    [Fact]
    public async Task DecoderArgumentsReachTheRecogniser()
    {
        var wav = Path.Combine(Assets.LibriVox(), "sense_and_sensibility_01_austen_64kb-0880.wav");
        var plain = await RecogniseAsync(wav, new TranscribeOptions());
        var faster = await RecogniseAsync(wav, new TranscribeOptions { DecoderArguments = ["-fwdflat", "no", "-ds", "2"] });
        Assert.NotEmpty(faster.Words);
        Assert.InRange(faster.Words.Count, plain.Words.Count - 3, plain.Words.Count + 3);

        var e = await Assert.ThrowsAsync<Clipper.Core.Errors.ClipperException>(() =>
            RecogniseAsync(wav, new TranscribeOptions { DecoderArguments = ["-no_such_setting", "yes"] }));
        Assert.Equal(Clipper.Core.Errors.ErrorCode.ToolFailed, e.Code);
        Assert.Contains("no_such_setting", e.Detail);
    }

    [Fact]
    public async Task TheContinuousWayRecognisesLibriVoxReadersWithinItsMeasuredBound()
    {
        var librivox = Assets.LibriVox();
        var reference = new List<string>();
        var hypothesis = new List<string>();
        foreach (var line in await File.ReadAllLinesAsync(Path.Combine(librivox, "transcription"), TestContext.Current.CancellationToken))
        {
            // "<s> he was not an ill disposed young man </s> (sense_and_sensibility_01_austen_64kb-0880)"
            var id = line[(line.LastIndexOf('(') + 1)..line.LastIndexOf(')')];
            var text = line[..line.LastIndexOf('(')].Replace("<s>", "").Replace("</s>", "").Trim();
            var t = await RecogniseAsync(Path.Combine(librivox, id + ".wav"), new TranscribeOptions { Method = PocketsphinxMethod.Continuous });
            output.WriteLine($"  ref: {text}\n  hyp: {t.Text}");
            reference.Add(text);
            hypothesis.Add(t.Text);
        }

        var wer = WordErrorRate.Measure(string.Join(' ', reference), string.Join(' ', hypothesis));
        output.WriteLine($"LibriVox, continuous: {wer}");
        Measurements.Record($"LibriVox, pocketsphinx_continuous: {wer}");
        Assert.Equal(5, reference.Count);
        Assert.True(wer.Rate <= 0.39, wer.ToString()); // measured 36.6 %
    }

    [Fact]
    public void ParsesTheBatchDecodersCtmOnTheSourcesClock()
    {
        // pocketsphinx_batch -ctm on two utterances of a chunk starting at 60 s, as printed (plus markers it may print)
        const string ctm = """
            chunk-1-u0 1 0.15 0.28 here 0.995
            chunk-1-u0 1 0.44 0.14 is 1.001
            chunk-1-u0 1 0.60 0.10 <sil> 0.5
            chunk-1-u1 1 0.21 0.35 most(2) 0.571
            chunk-1-u1 1 0.57 0.34 i'd -3000
            chunk-1-u1 1 0.92 0.25 [NOISE] 0.2
            other-u7 1 0.92 0.25 stray 0.2
            """;
        var words = PocketsphinxProvider.ParseCtm(ctm, new Dictionary<string, double> { ["chunk-1-u0"] = 60, ["chunk-1-u1"] = 64.56 });

        Assert.Equal(["here", "is", "most", "I'd"], words.Select(w => w.Text));
        Assert.Equal(60.15, words[0].Start, 9);
        Assert.Equal(60.43, words[0].End, 9);
        Assert.Equal(64.77, words[2].Start, 9);
        Assert.Equal(65.12, words[2].End, 9);
        Assert.Equal(1.0, words[1].Confidence);
        Assert.Equal(Math.Pow(1.0001, -3000), words[3].Confidence, 9);
    }

    [Fact]
    public void ParsesTheDecodersWordLinesAndDropsItsMarkers()
    {
        // pocketsphinx_continuous -time yes on LibriVox 0880, as printed
        const string stdout = """
            he was not an illness those young man
            <s> 0.000 0.060 0.999500
            <sil> 0.070 0.200 0.694306
            he 0.210 0.320 0.998701
            was(2) 0.330 0.540 0.999800
            not 0.550 0.970 1.001100
            [SPEECH] 0.980 1.100 0.535598
            +NOISE+ 1.100 1.105 0.5
            i'm 1.110 1.290 -3000
            </s> 2.800 2.970 1.000000
            """;
        var words = PocketsphinxProvider.Parse(stdout, 10);

        Assert.Equal(["he", "was", "not", "I'm"], words.Select(w => w.Text));
        Assert.Equal(10.33, words[1].Start, 9);
        Assert.Equal(10.54, words[1].End, 9);
        Assert.Equal(1.0, words[2].Confidence); // log-table rounding above 1 is clamped
        Assert.Equal(Math.Pow(1.0001, -3000), words[3].Confidence, 9); // a raw log posterior
    }
}
