using System.Globalization;
using Clipper.Core.Processes;
using Clipper.Core.Samples;
using Clipper.Samples;
using Clipper.Stages.Transcribe;

namespace Clipper.Host.Cli.Bench;

/// <summary>
/// <c>clipper bench asr</c>: the local recogniser's word error rate on the five LibriVox recordings of
/// pocketsphinx-testdata (real people reading, 24.7 s, 71 words) and on the four-minute flite test talk, with the
/// CPU seconds its processes spend per second of the talk's audio, for the way before
/// (<see cref="PocketsphinxMethod.Continuous"/>), the default (<see cref="PocketsphinxMethod.Utterances"/>) and
/// the settings it was chosen over (with the second search pass; cut only where a piece would be too long), all in
/// this process, one after another (about 15 minutes on two cores).
/// </summary>
public static class AsrBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly (string Name, Func<TranscribeOptions> Options)[] Variants =
    [
        ("continuous (pocketsphinx_continuous, 60 s chunks; before)", () => new TranscribeOptions { Method = PocketsphinxMethod.Continuous }),
        ("utterances (pocketsphinx_batch, cut in pauses, -fwdflat no; default)", () => new TranscribeOptions()),
        ("utterances, -fwdflat yes", () => new TranscribeOptions { DecoderArguments = ["-fwdflat", "yes"] }),
        ("utterances, cut only above 25 s (no pause cuts)", () => new TranscribeOptions { PauseDb = -1000 }),
        ("utterances, cut only above 25 s, -fwdflat yes", () => new TranscribeOptions { PauseDb = -1000, DecoderArguments = ["-fwdflat", "yes"] }),
    ];

    public static async Task<int> RunAsync(string benchDir, TextWriter stdout, CancellationToken cancel)
    {
        var talk = await SampleCache.TalkAsync(benchDir, "talk-4min", SampleVideo.Talk(4), Look.Hd, cancel: cancel);
        var librivox = Assets.LibriVox();
        var recordings = new List<(string File, string Text)>();
        foreach (var line in await File.ReadAllLinesAsync(Path.Combine(librivox, "transcription"), cancel))
        {
            // "<s> he was not an ill disposed young man </s> (sense_and_sensibility_01_austen_64kb-0880)"
            var id = line[(line.LastIndexOf('(') + 1)..line.LastIndexOf(')')];
            recordings.Add((Path.Combine(librivox, id + ".wav"), line[..line.LastIndexOf('(')].Replace("<s>", "").Replace("</s>", "").Trim()));
        }

        var work = Directory.CreateTempSubdirectory("clipper-asr-bench").FullName;
        try
        {
            foreach (var (name, make) in Variants)
            {
                var options = make();
                // it measures CPU, not time: on a busy machine the recognisers may wait far longer than a job's backstop allows
                options.RecogniserWallFactor = 30;
                var provider = new PocketsphinxProvider(options);
                var hypotheses = new List<string>();
                foreach (var (file, _) in recordings)
                {
                    hypotheses.Add((await provider.TranscribeAsync(new TranscribeRequest(file, null, work), null, cancel))!.Text);
                }

                var lv = WordErrorRate.Measure(string.Join(' ', recordings.Select(r => r.Text)), string.Join(' ', hypotheses));
                double cpu = ProcessCpu.Seconds().Children;
                var t = (await provider.TranscribeAsync(new TranscribeRequest(talk.File, null, work), null, cancel))!;
                cpu = ProcessCpu.Seconds().Children - cpu;
                var tw = WordErrorRate.Measure(talk.Text, t.Text);
                stdout.WriteLine(string.Create(Inv,
                    $"{name}: LibriVox {lv}; test talk {tw}; {cpu:0.0} s CPU for {talk.DurationSeconds:0.0} s of talk = {cpu / talk.DurationSeconds:0.000} s per audio second"));
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        return 0;
    }
}
