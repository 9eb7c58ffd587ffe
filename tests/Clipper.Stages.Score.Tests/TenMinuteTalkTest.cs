using Clipper.Core.Clips;
using Clipper.Samples;
using Clipper.Stages.Transcribe;
using Clipper.TestSupport;

namespace Clipper.Stages.Score.Tests;

/// <summary>
/// A ten-minute talk made of the sample talk's first part nearly three times round, spoken by flite and recognised by
/// pocketsphinx: each passage is clipped once. Explicit (about three minutes of CPU); run it with
/// <c>-explicit only</c>.
/// </summary>
[Trait("Category", "media")]
[Trait("Category", "slow")]
public sealed class TenMinuteTalkTest(ITestOutputHelper output)
{
    [Fact(Explicit = true)]
    public async Task TheBenchmarkTalkGetsNoClipTwice()
    {
        var dir = TestMedia.TempDir("score-ten-minutes");
        try
        {
            var cancel = TestContext.Current.CancellationToken;
            var talk = await SampleVideo.SpeechAsync(SampleVideo.Talk(10), 0.6, Path.Combine(dir, "talk.wav"), cancel);
            var recognised = (await new PocketsphinxProvider(new TranscribeOptions())
                .TranscribeAsync(new TranscribeRequest(talk.File, null, dir), null, cancel))!;
            var clips = ClipSelector.Select(recognised, talk.DurationSeconds, ClipOptions.Defaults, new ScoreOptions());
            var naive = ClipSelector.Select(recognised, talk.DurationSeconds, ClipOptions.Defaults,
                new ScoreOptions { MaxRepeatedShare = 1, RepeatedOpeningShare = 1 });
            var lines = SampleVideo.TalkSentences().ToList();
            int Opening(ScoredClip c) => lines.IndexOf(talk.Sentences.MinBy(s => Math.Abs(s.Start - c.Start))!.Text);
            foreach (var (name, list) in new[] { ("without repeat detection", naive), ("with it", clips) })
            {
                output.WriteLine($"{name}: {list.Count} clips");
                foreach (var c in list)
                {
                    output.WriteLine(FormattableString.Invariant($"  #{c.Index} {c.Start,6:0.0}–{c.End,6:0.0} line {Opening(c),2} score {c.Score} \"{c.Title}\""));
                }
            }

            Assert.Equal(clips.Count, clips.Select(Opening).Distinct().Count());
            Assert.Equal(clips.Count, clips.Select(c => c.Title).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
