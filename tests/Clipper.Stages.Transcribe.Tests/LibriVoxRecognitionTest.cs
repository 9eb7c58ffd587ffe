using Clipper.Core.Samples;
using Clipper.TestSupport;

namespace Clipper.Stages.Transcribe.Tests;

/// <summary>
/// The default recogniser on real recorded speech: the five LibriVox recordings of pocketsphinx-testdata (people
/// reading Sense and Sensibility, 24.7 s, 71 words), which setup.sh unpacks into .assets.
/// </summary>
[Trait("Category", "media")]
public sealed class LibriVoxRecognitionTest(ITestOutputHelper output)
{
    /// <summary>pocketsphinx_continuous on the same recordings and model (the way before), measured.</summary>
    private const double ContinuousWer = 0.366;

    /// <summary>The default way measured <see cref="Measured"/>; a word or two of drift is allowed, no more.</summary>
    private const double Measured = 0.282;

    [Fact]
    public async Task TheDefaultRecogniserReadsLibriVoxReadersBetterThanTheWayBefore()
    {
        var librivox = Assets.LibriVox();
        var work = TestMedia.TempDir("librivox");
        try
        {
            var provider = new PocketsphinxProvider(new TranscribeOptions());
            var reference = new List<string>();
            var hypothesis = new List<string>();
            foreach (var line in await File.ReadAllLinesAsync(Path.Combine(librivox, "transcription"), TestContext.Current.CancellationToken))
            {
                // "<s> he was not an ill disposed young man </s> (sense_and_sensibility_01_austen_64kb-0880)"
                var id = line[(line.LastIndexOf('(') + 1)..line.LastIndexOf(')')];
                var text = line[..line.LastIndexOf('(')].Replace("<s>", "").Replace("</s>", "").Trim();
                var t = (await provider.TranscribeAsync(new TranscribeRequest(Path.Combine(librivox, id + ".wav"), null, work), null,
                    TestContext.Current.CancellationToken))!;
                output.WriteLine($"  ref: {text}\n  hyp: {t.Text}");
                Assert.Equal("pocketsphinx", t.Provider);
                Assert.All(t.Words, w => Assert.InRange(w.Confidence, 0, 1));
                reference.Add(text);
                hypothesis.Add(t.Text);
            }

            var wer = WordErrorRate.Measure(string.Join(' ', reference), string.Join(' ', hypothesis));
            output.WriteLine($"LibriVox, default: {wer}");
            Measurements.Record($"LibriVox, pocketsphinx utterances (default): {wer}");
            Assert.Equal(5, reference.Count);
            Assert.Equal(71, wer.ReferenceWords);
            Assert.True(wer.Rate <= Measured + 0.03, wer.ToString()); // two words of 71
            Assert.True(wer.Rate < ContinuousWer, wer.ToString());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
