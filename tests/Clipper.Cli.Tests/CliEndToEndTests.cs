using System.Globalization;
using System.Text.Json.Nodes;
using Clipper.Core.Media;
using Clipper.Core.Processes;
using Clipper.Core.Samples;
using Clipper.Samples;
using Clipper.Stages.Track;
using Clipper.Stages.Transcribe;
using Clipper.TestSupport;

namespace Clipper.Cli.Tests;

/// <summary>
/// The acceptance run: the real CLI on a four-minute talking video with one moving face, default options
/// (1080×1920, 15–90 s), checked against the truth the video was built from.
/// </summary>
[Trait("Category", "media")]
[Trait("Category", "cluster")]
[Trait("Category", "slow")]
public sealed class CliEndToEndTests
{
    [Fact]
    public async Task ClipsAFourMinuteTalkAsSpecified()
    {
        var talk = await TestMedia.FourMinuteTalkAsync();
        var home = TestMedia.TempDir("e2e-home");
        var cwd = TestMedia.TempDir("e2e-cwd");
        var output = Path.Combine(cwd, "out");

        // with a webhook endpoint: an independent receiver (Python) that verifies every signature
        var secret = Clipper.Stages.Fetch.Webhooks.WebhookSigner.NewSecret();
        await using var receiver = await WebhookReceiver.StartAsync([secret]);
        var run = await Cli.ClipperAsync(home, cwd, TimeSpan.FromMinutes(15),
            new Dictionary<string, string> { ["Clipper__Webhooks__AllowPrivateAddresses"] = "true" },
            "clip", talk.File, "--out", output, "--webhook", receiver.Url("/ok"), "--webhook-secret", secret);

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}; stderr:\n{run.Stderr}");
        // clip waited for its deliveries before it exited: every event is there already, signed, in order, once each
        var events = receiver.Requests("/ok");
        Assert.All(events, e => Assert.True(e.Verified && e.Status == 200, $"{e.Type} {e.Id}: verified {e.Verified}, status {e.Status}"));
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        Assert.Equal("job.started", events[0].Type);
        Assert.Equal("job.completed", events[^1].Type);
        Assert.Contains("rank", run.Stdout);
        var report = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "report.json")))!;
        var clips = report["clips"]!.AsArray();
        Assert.True(clips.Count >= 5, $"{clips.Count} clips");
        Assert.Equal(clips.Count, events.Count(e => e.Type == "clip.ready"));
        Assert.StartsWith("job-", (string)report["job"]!);
        Assert.Contains(System.Net.WebUtility.HtmlEncode((string)clips[0]!["title"]!), await File.ReadAllTextAsync(Path.Combine(output, "report.html")));

        // the cost: every stage ran and used CPU (measured per process and per unit's in-process work), one unit per
        // clip for track and encode; pocketsphinx and the heuristic sent nothing remote, and CPU is unpriced by default
        var cost = report["cost"]!;
        var stages = cost["stages"]!.AsObject();
        Assert.Equal(["fetch", "split", "transcribe", "score", "track", "encode"], stages.Select(kv => kv.Key));
        Assert.All(stages, kv => Assert.True((double)kv.Value!["cpuSeconds"]! > 0, $"{kv.Key}: {kv.Value}"));
        Assert.Equal(clips.Count, (int)stages["encode"]!["units"]!);
        Assert.True((double)stages["transcribe"]!["cpuSeconds"]! > 1, "pocketsphinx on four minutes of speech takes more than a second of CPU");
        Assert.Null(cost["remote"]!["transcription"]);
        Assert.Null(cost["remote"]!["llm"]);
        Assert.Equal(0, (double)cost["total"]!);
        Assert.Contains("2026-12-06", (string)cost["pricesAsOf"]!);

        var fractions = new List<double>();
        var offsets = new List<double>();
        using var faces = new BlazeFace(Assets.FaceModel(), 2, 0.6);
        foreach (var c in clips)
        {
            double start = (double)c!["start"]!, end = (double)c["end"]!;
            Assert.InRange(end - start, 15, 90);
            AssertNearBoundary(talk, start, true);
            AssertNearBoundary(talk, end, false);
            Assert.InRange((int)c["score"]!, 0, 100);
            foreach (var k in new[] { "hook", "completeness", "density", "emotion" })
            {
                Assert.InRange((int)c["scores"]![k]!, 0, 100);
            }

            Assert.True(((string)c["reason"]!).Length > 10);
            Assert.False(string.IsNullOrWhiteSpace((string)c["title"]!));
            foreach (var f in new[] { (string)c["video"]!, (string)c["thumbnail"]!, (string)c["captions"]!["srt"]!, (string)c["captions"]!["vtt"]! })
            {
                Assert.True(new FileInfo(Path.Combine(output, f)).Length > 0, f);
            }

            var video = Path.Combine(output, (string)c["video"]!);
            var info = await Probe.ProbeAsync(video);
            Assert.Equal((1080, 1920), (info.Width, info.Height));
            Assert.True(info.HasAudio);
            Assert.InRange(info.DurationSeconds, end - start - 0.5, end - start + 0.5);
            Assert.Contains("-->", await File.ReadAllTextAsync(Path.Combine(output, (string)c["captions"]!["srt"]!)));
            // one decode of every frame and every audio sample: the face samples, and no decoder complaint
            var decodeErrors = await MeasureFaceAsync(faces, video, fractions, offsets);
            Assert.Equal("", decodeErrors);
        }

        double inFrame = fractions.Average();
        double medianOffset = offsets.Order().ElementAt(offsets.Count / 2);
        var words = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "transcript.json")))!["words"]!.AsArray();
        var hypothesis = string.Join(' ', words.Select(w => (string)w!["word"]!));
        double wer = WordErrorRate.Compute(talk.Text, hypothesis);
        Measurements.Record(string.Create(CultureInfo.InvariantCulture,
            $"acceptance (CLI on the 4-minute talk): {clips.Count} clips; face in frame {100 * inFrame:0.0}%; median face offset {100 * medianOffset:0.0}% of width; WER {100 * wer:0.0}%; CLI {run.Seconds:0} s; "
            + $"CPU s per stage {string.Join(", ", stages.Select(kv => $"{kv.Key} {(double)kv.Value!["cpuSeconds"]!:0.0}"))}"));
        Assert.True(inFrame >= 0.95, $"face in frame in {inFrame:P1} of the sampled frames");
        Assert.True(medianOffset <= 0.08, $"median face offset {medianOffset:P1}");
        Assert.True(wer <= 0.15, $"word error rate {wer:P1}");
        var first = words[0]!;
        Assert.NotNull(first["start"]);
        Assert.NotNull(first["end"]);
        Assert.NotNull(first["confidence"]);
        Directory.Delete(home, true);
        Directory.Delete(cwd, true);
    }

    /// <summary>A clip boundary lies within 0.75 s of a true sentence start (or end).</summary>
    private static void AssertNearBoundary(BuiltMedia talk, double t, bool start)
    {
        double best = talk.Sentences.Min(s => Math.Abs((start ? s.Start : s.End) - t));
        Assert.True(best <= 0.75, $"{(start ? "start" : "end")} {t} is {best:0.00} s from a sentence boundary");
    }

    /// <summary>
    /// Decodes the whole clip (video and audio) once, sampling it at 1 fps: the share of frames with a face, and each
    /// face's offset from the centre. Returns what the decoder complained of (empty for a clean file).
    /// </summary>
    private static async Task<string> MeasureFaceAsync(BlazeFace faces, string video, List<double> fractions, List<double> offsets)
    {
        var dir = TestMedia.TempDir("frames");
        try
        {
            var decode = await ProcessRunner.RunCheckedAsync(["ffmpeg", "-nostdin", "-v", "error", "-i", video,
                "-map", "0:v", "-vf", "fps=1,scale=540:960", Path.Combine(dir, "f%03d.png"), "-map", "0:a", "-f", "null", "-"], TimeSpan.FromMinutes(3));
            int total = 0, seen = 0;
            foreach (var f in Directory.GetFiles(dir).Order())
            {
                total++;
                var found = faces.Detect(await RgbFrame.ReadAsync(f));
                if (found.Count == 0 || found[0].CentreX < 0 || found[0].CentreX > 540)
                {
                    continue;
                }

                seen++;
                offsets.Add(Math.Abs(found[0].CentreX - 270) / 540);
            }

            fractions.Add(total == 0 ? 0 : (double)seen / total);
            return decode.StderrTail.Trim();
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
