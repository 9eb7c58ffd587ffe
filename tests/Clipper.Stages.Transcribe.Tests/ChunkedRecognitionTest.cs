using System.Globalization;
using Clipper.Core.Samples;
using Clipper.Core.Transcripts;
using Clipper.TestSupport;

namespace Clipper.Stages.Transcribe.Tests;

/// <summary>
/// Audio heard as chunks recognised apart (a plan, then one call per chunk, as a silo's chunk units do) against the
/// same audio heard in one pass, on real speech: the five LibriVox recordings joined into one 25 s file, and the
/// 78 s sample talk. Every word of one pass has its counterpart at the same time in the chunks and none is doubled;
/// at most one in a hundred reads differently (where an utterance begins, the decoder's context differs).
/// </summary>
[Trait("Category", "media")]
public sealed class ChunkedRecognitionTest(ITestOutputHelper output)
{
    /// <summary>Two recognitions of one word: the same text, their middles this close (seconds).</summary>
    private const double SameWord = 0.2;

    /// <summary>A word this close to a seam (seconds, by its middle) is "at the seam".</summary>
    private const double SeamZone = 2;

    [Fact]
    public async Task LibriVoxReadersInChunksAgreeWithOnePass()
    {
        var librivox = Assets.LibriVox();
        var dir = TestMedia.TempDir("chunked-librivox");
        try
        {
            var list = Path.Combine(dir, "list.txt");
            await File.WriteAllLinesAsync(list, Directory.GetFiles(librivox, "*.wav").Order(StringComparer.Ordinal).Select(f => $"file '{f}'"),
                TestContext.Current.CancellationToken);
            var joined = await TestMedia.FfmpegAsync(Path.Combine(dir, "librivox.wav"), "-f", "concat", "-safe", "0", "-i", list, "-c", "copy");
            await CompareAsync("LibriVox (25 s, 10 s chunks)", joined, 10, dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task TheSampleTalkInChunksAgreesWithOnePass()
    {
        var talk = await TestMedia.ShortTalkAsync();
        var dir = TestMedia.TempDir("chunked-talk");
        try
        {
            await CompareAsync("sample talk (78 s, 20 s chunks)", talk.File, 20, dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private async Task CompareAsync(string what, string media, double chunkSeconds, string dir)
    {
        var cancel = TestContext.Current.CancellationToken;
        var single = (await new PocketsphinxProvider(new TranscribeOptions { ChunkSeconds = 10_000 })
            .TranscribeAsync(new TranscribeRequest(media, null, dir), null, cancel))!.Words;
        var options = new TranscribeOptions { ChunkSeconds = chunkSeconds };
        var recogniser = new PocketsphinxProvider(options);
        // the chunks are heard from the split's FLAC copy of the audio, as the chunk units on other silos hear them
        var speech = Path.Combine(dir, "speech.flac");
        var plan = await recogniser.PlanAsync(media, dir, cancel, speech);
        Assert.NotNull(plan);
        Assert.InRange(plan.Chunks.Count, 2, 5);
        Assert.True(File.Exists(speech), "no FLAC copy of the audio was written");
        var pieces = await Task.WhenAll(plan.Chunks.Select((c, i) =>
            recogniser.RecogniseAsync(new ChunkRequest(speech, i, c.Start, c.End, options.ChunkOverlap, plan.NoiseFloorDb, dir), null, cancel)));
        Assert.All(pieces, p => Assert.Equal(("pocketsphinx", "en"), (p.Provider, p.Language)));
        var chunked = ChunkStitch.Join(pieces, "pocketsphinx", null).Words;
        var seams = plan.Chunks.Skip(1).Select(c => c.Start).ToList();

        bool AtSeam(Word w) => seams.Any(s => Math.Abs(Middle(w) - s) < SeamZone);
        // a word with no word of the other pass at its time was lost (or added); one whose counterpart reads
        // otherwise was heard differently (the decoder's context differs where its utterances begin)
        static Word? At(Word w, IReadOnlyList<Word> others) =>
            others.Where(o => Math.Abs(Middle(o) - Middle(w)) < SameWord).OrderBy(o => o.Text == w.Text ? 0 : 1)
                .ThenBy(o => Math.Abs(Middle(o) - Middle(w))).FirstOrDefault();
        var lost = single.Where(w => At(w, chunked) is null).ToList();
        var added = chunked.Where(w => At(w, single) is null).ToList();
        var differing = single.Where(w => At(w, chunked) is { } o && o.Text != w.Text).ToList();
        int doubled = chunked.Zip(chunked.Skip(1)).Count(p => p.First.Text == p.Second.Text && p.Second.Start < p.First.End);

        var line = string.Create(CultureInfo.InvariantCulture,
            $"chunked recognition, {what}: {plan.Chunks.Count} chunks, one pass {single.Count} words, chunked {chunked.Count}; {lost.Count} lost, {added.Count} added, {doubled} doubled ({lost.Concat(added).Count(AtSeam)} of them at the {seams.Count} seams, ±{SeamZone} s); {differing.Count} heard differently ({differing.Count(AtSeam)} at a seam)");
        output.WriteLine(line);
        foreach (var w in lost.Concat(added).Concat(differing))
        {
            output.WriteLine(FormattableString.Invariant($"  {w.Text} {w.Start:0.00}-{w.End:0.00}: one pass {At(w, single)?.Text ?? "-"}, chunked {At(w, chunked)?.Text ?? "-"}"));
        }

        Measurements.Record(line);
        Assert.True(single.Count > 40, $"one pass heard {single.Count} words");
        Assert.Empty(lost);
        Assert.Empty(added);
        Assert.Equal(0, doubled);
        // measured: 0 of 69 on LibriVox, 1 of 217 on the talk ("save" / "saved", 11 s from the nearest seam)
        Assert.True(differing.Count <= single.Count / 100, $"{differing.Count} of {single.Count} words heard differently");
    }

    private static double Middle(Word w) => (w.Start + w.End) / 2;
}

/// <summary>The stitching rule on its own: a word both neighbours heard in their overlap is kept once, by the chunk its middle is in.</summary>
[Trait("Category", "unit")]
public sealed class ChunkStitchTest
{
    [Fact]
    public void AWordHeardOnBothSidesOfASeamIsKeptOnceByTheSideHoldingItsMiddle()
    {
        // the seam at 10.0 cuts "between" (9.8–10.4); both chunks decoded 0.5 s past it and heard it whole
        Word[] left = [new("words", 9.1, 9.6, 1), new("between", 9.8, 10.4, 0.9)];
        Word[] right = [new("between", 9.82, 10.41, 0.8), new("them", 10.5, 10.8, 1)];
        var joined = ChunkStitch.Join([left.Where(w => ChunkStitch.Owns(w, 0, 10)).ToList(), right.Where(w => ChunkStitch.Owns(w, 10, 20)).ToList()]);
        Assert.Equal(["words", "between", "them"], joined.Select(w => w.Text));
        Assert.Equal(0.8, joined[1].Confidence);
    }
}
