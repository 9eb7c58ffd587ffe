using System.Text.Json.Nodes;
using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Core.Clips;
using Clipper.Gateway.V1;
using Clipper.Host.Cli;
using Clipper.TestSupport;
using ClipOptions = Clipper.Core.Clips.ClipOptions;
using JobState = Clipper.Gateway.V1.JobState;

namespace Clipper.Cli.Tests;

/// <summary>
/// One report of a finished job, whether clip followed it in-process (a grain's JobView) or submit and watch followed
/// it through the API (a Job): the same clip fields and the same table, plus what only that side knows.
/// </summary>
[Trait("Category", "unit")]
public sealed class ReportTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    private static JobView View() => new("job-1", JobStatus.Completed, new JobSpec("/in/talk.mp4", ClipSettings.From(ClipOptions.Defaults)),
        100, 100, new SourceResult("sources/abc.mp4", "abc", "talk.mp4", 240.126, 1920, 1080, 30, 1000, null),
        new TranscriptResult("transcripts/abc.json", 600, "whisper"),
        [new ClipPlan(1, 10.004, 40.5, 88, 90, 80, 70, 60, "opens on a question", "Why clips?"),
            new ClipPlan(2, 3725, 3790, 71, 60, 70, 80, 50, "a complete story", "The long one")],
        new Dictionary<int, TrackResult>
        {
            [1] = new(1, "jobs/job-1/crop/clip-01.json", "face", null, "split", "split in 1 of 2 shot(s) (20.5 of 30.5 s), single in 1 of 2 shot(s) (10.0 of 30.5 s); a face in 12 of 12 sampled frames",
            [new(0, 10, "single", "one face in the shot"), new(10, 30.5, "split", "both faces spoke in 19.0 of 20.5 s")]),
            [2] = new(2, "jobs/job-1/crop/clip-02.json", "centre", "no face", "fit", "no face in 0 of 12 sampled frames")
        },
        new Dictionary<int, EncodeResult>
        {
            [1] = new(1, "jobs/job-1/clip-01.mp4", "jobs/job-1/clip-01.srt", "jobs/job-1/clip-01.vtt", "jobs/job-1/clip-01.jpg", 30.5, "pop",
                [new(1080, 1080, "jobs/job-1/clip-01/1x1.mp4", "jobs/job-1/clip-01/1x1.jpg", "single")]),
            [2] = new(2, "jobs/job-1/clip-02.mp4", "jobs/job-1/clip-02.srt", "jobs/job-1/clip-02.vtt", "jobs/job-1/clip-02.jpg", 65, "karaoke"),
        },
        new Dictionary<string, string> { ["encode-1"] = "silo-a" }, new Dictionary<string, int>(), null, T0, T0.AddMinutes(3),
        new Dictionary<string, DateTimeOffset> { ["completed"] = T0.AddMinutes(3), ["fetching"] = T0 }, new Dictionary<string, double>());

    /// <summary>The same job as the API returns it (JobMapping rounds times to the millisecond).</summary>
    private static Job ApiJob()
    {
        var job = new Job { JobId = "job-1", State = JobState.Completed, Source = "talk.mp4" };
        foreach (var c in View().Clips)
        {
            Artifact A(string ext) => new()
            {
                Blob = $"jobs/job-1/{c.Stem}{ext}",
                Url = $"https://blobs.example/jobs/job-1/{c.Stem}{ext}?sig=x",
                ExpiresAtUnixMs = T0.AddHours(1).ToUnixTimeMilliseconds(),
            };
            job.Clips.Add(new Clip
            {
                Rank = c.Index,
                Start = Math.Round(c.Start, 3),
                End = Math.Round(c.End, 3),
                Score = c.Score,
                Scores = new Gateway.V1.Scores { Hook = c.Hook, Completeness = c.Completeness, Density = c.Density, Emotion = c.Emotion },
                Reason = c.Reason,
                Title = c.Title,
                Video = A(".mp4"),
                Thumbnail = A(".jpg"),
                Srt = A(".srt"),
                Vtt = A(".vtt"),
                Finished = true,
                Captions = View().Encoded[c.Index].Captions,
                Ratio = "9:16",
                Layout = View().Tracked[c.Index].Layout,
                LayoutReason = View().Tracked[c.Index].LayoutReason,
                Shots = { (View().Tracked[c.Index].Shots ?? []).Select(s => new ShotLayout { Start = s.Start, End = s.End, Layout = s.Layout, Reason = s.Reason }) },
                Renditions =
                {
                    (View().Encoded[c.Index].Renditions ?? []).Select(r => new Rendition
                    {
                        Ratio = "1:1", Width = r.Width, Height = r.Height, Layout = r.Layout,
                        Video = new Artifact { Blob = r.VideoKey, Url = "https://blobs.example/" + r.VideoKey },
                        Thumbnail = new Artifact { Blob = r.ThumbnailKey, Url = "https://blobs.example/" + r.ThumbnailKey },
                    })
                },
            });
        }

        return job;
    }

    private static readonly string[] ClipFields = ["rank", "start", "end", "score", "scores", "reason", "title", "video", "thumbnail", "captions", "captionPreset", "ratio", "layout", "renditions"];

    [Fact]
    public void AnLlmRankedJobReportsTheOutcomeBothScoresTheReasonAndThePublishMetadata()
    {
        var llm = new ClipPlan(1, 10.004, 40.5, 74, 90, 80, 70, 60, "a question every founder asks", "Why Startups Fail",
            "The one mistake behind most failed startups.", ["#startups", "#founders", "#product"], "llm", 61,
            "strong hook: opens with a question", 80, 85, 70, 75, 90);
        var view = View() with
        {
            Clips = [llm],
            Ranking = new RankSummary("llm", "llm_cached", null, "gpt-4o-mini", "clipper-llm-rank/1", "0123456789abcdef",
                "jobs/job-1/llm-audit.json", 0, 0, 0, "2024-07-18 gpt-4o-mini list price"),
        };
        var report = Report.Build(FinishedJob.From(view));
        var clip = report["clips"]![0]!;
        Assert.Equal(("a question every founder asks", "The one mistake behind most failed startups.", "#startups #founders #product"),
            ((string)clip["reason"]!, (string)clip["description"]!, string.Join(' ', clip["hashtags"]!.AsArray().Select(h => (string)h!))));
        Assert.Equal(("llm", 61, 80, 74, "strong hook: opens with a question"), ((string)clip["ranking"]!["by"]!, (int)clip["ranking"]!["heuristic"]!,
            (int)clip["ranking"]!["llm"]!, (int)clip["ranking"]!["blended"]!, (string)clip["ranking"]!["heuristicReason"]!));
        Assert.Equal(("llm_cached", true, "0123456789abcdef", "jobs/job-1/llm-audit.json"), ((string)report["ranking"]!["outcome"]!,
            (bool)report["ranking"]!["cached"]!, (string)report["ranking"]!["promptHash"]!, (string)report["ranking"]!["audit"]!));
        var table = new StringWriter();
        Report.PrintTable(table, FinishedJob.From(view));
        Assert.Contains("Why Startups Fail  #startups #founders #product", table.ToString());
    }

    [Fact]
    public void BothSidesReportEachClipAlike()
    {
        var inProcess = Report.Build(FinishedJob.From(View()))["clips"]!.AsArray();
        var throughApi = Report.Build(FinishedJob.From(ApiJob()))["clips"]!.AsArray();
        Assert.Equal(2, inProcess.Count);
        Assert.Equal(inProcess.Count, throughApi.Count);
        for (int i = 0; i < inProcess.Count; i++)
        {
            foreach (var field in ClipFields)
            {
                Assert.True(JsonNode.DeepEquals(inProcess[i]![field], throughApi[i]![field]), $"clip {i + 1} {field}: {inProcess[i]![field]} vs {throughApi[i]![field]}");
            }
        }

        var first = inProcess[0]!;
        Assert.Equal((1, 10.0, 40.5, "clip-01.mp4", "clip-01.jpg", "clip-01.srt"),
            ((int)first["rank"]!, (double)first["start"]!, (double)first["end"]!, (string)first["video"]!, (string)first["thumbnail"]!, (string)first["captions"]!["srt"]!));
        Assert.Equal(90, (int)first["scores"]!["hook"]!);
        // the caption preset each clip was burned with
        Assert.Equal(("pop", "karaoke"), ((string)first["captionPreset"]!, (string)inProcess[1]!["captionPreset"]!));
        // the ratio and each clip's layout with its reason
        Assert.Equal(("9:16", "fit", "no face in 0 of 12 sampled frames"),
            ((string)inProcess[1]!["ratio"]!, (string)inProcess[1]!["layout"]!["layout"]!, (string)inProcess[1]!["layout"]!["reason"]!));
        // each shot's layout where the clip has them; none where the whole clip has one
        Assert.Equal("""[{"start":0,"end":10,"layout":"single","reason":"one face in the shot"},{"start":10,"end":30.5,"layout":"split","reason":"both faces spoke in 19.0 of 20.5 s"}]""",
            first["layout"]!["shots"]!.ToJsonString());
        Assert.Null(inProcess[1]!["layout"]!["shots"]);
        // the extra renditions beside the clip's files; none where the job asked for one ratio
        Assert.Equal("""[{"ratio":"1:1","width":1080,"height":1080,"video":"clip-01-1x1.mp4","thumbnail":"clip-01-1x1.jpg","layout":"single"}]""",
            first["renditions"]!.ToJsonString());
        Assert.Null(inProcess[1]!["renditions"]);
    }

    [Fact]
    public void InProcessTheReportHasTheSourceTheCropsAndTheStageTimesAndNoDelivery()
    {
        var report = Report.Build(FinishedJob.From(View()));
        var source = report["source"]!;
        Assert.Equal(("/in/talk.mp4", "talk.mp4", "abc", 240.13, 1920, "whisper", 600),
            ((string)source["input"]!, (string)source["name"]!, (string)source["sha256"]!, (double)source["duration"]!, (int)source["width"]!,
                (string)source["transcript"]!, (int)source["words"]!));
        var clips = report["clips"]!.AsArray();
        Assert.Equal(("face", "silo-a"), ((string)clips[0]!["crop"]!["method"]!, (string)clips[0]!["encodedOn"]!));
        Assert.Equal("no face", (string)clips[1]!["crop"]!["reason"]!);
        Assert.Null(clips[1]!["encodedOn"]);
        Assert.All(clips, c => Assert.Null(c!["delivery"]));
        Assert.Equal(["fetching", "completed"], report["stageStartedAt"]!.AsObject().Select(kv => kv.Key));
    }

    [Fact]
    public void ARemoteTranscriptShowsWhereEachPieceCameFromAndWhatWasSent()
    {
        var remote = View() with
        {
            Transcript = new TranscriptResult("transcripts/abc.json", 600, "openai",
                [new TranscriptPiece(0, 118.2, "openai", 301, 2, null),
                    new TranscriptPiece(118.2, 240.126, "pocketsphinx", 290, 1, "the API refused the key (HTTP 401): ***; not retried")],
                new RemoteAsrUsage("openai", "whisper-1", 3, 120.204)),
        };
        var source = Report.Build(FinishedJob.From(remote))["source"]!;
        var chunks = source["transcriptChunks"]!.AsArray();
        Assert.Equal([("openai", 0.0, 118.2, 2), ("pocketsphinx", 118.2, 240.13, 1)],
            chunks.Select(c => ((string)c!["source"]!, (double)c["start"]!, (double)c["end"]!, (int)c["requests"]!)));
        Assert.Null(chunks[0]!["reason"]);
        Assert.Equal("the API refused the key (HTTP 401): ***; not retried", (string)chunks[1]!["reason"]!);
        var usage = source["remoteTranscription"]!;
        Assert.Equal(("openai", "whisper-1", 3, 120.204, 2.003),
            ((string)usage["service"]!, (string)usage["model"]!, (int)usage["requests"]!, (double)usage["audioSeconds"]!, (double)usage["audioMinutes"]!));
        // a local transcript has neither
        var local = Report.Build(FinishedJob.From(View()))["source"]!;
        Assert.Null(local["transcriptChunks"]);
        Assert.Null(local["remoteTranscription"]);
    }

    [Fact]
    public void PocketsphinxOnAGermanSourceIsWarnedOfInBothReportsTheApiAndTheTable()
    {
        const string warning = "pocketsphinx recognises English only; this source is 'de' (German): its words and captions will be wrong — "
            + "give captions, or use --asr openai or --asr whisper (a multilingual model)";
        var view = View() with { Transcript = new TranscriptResult("transcripts/abc.json", 600, "pocketsphinx", Language: "de", Warnings: [warning]) };
        var blobs = TestMedia.TempDir("report-blobs");
        try
        {
            var links = new Clipper.Gateway.ArtifactLinks(Microsoft.Extensions.Options.Options.Create(new Clipper.Gateway.GatewayOptions()),
                new Clipper.Core.Storage.FileBlobStore(blobs));
            var job = Clipper.Gateway.JobMapping.ToJob(view, links);
            var inProcess = Report.Build(FinishedJob.From(view));
            var throughApi = Report.Build(FinishedJob.From(job));
            var table = new StringWriter();
            Report.PrintTable(table, FinishedJob.From(view));

            Assert.Equal("de", job.Language);
            Assert.Equal([warning], job.Warnings);
            Assert.Equal([warning], inProcess["warnings"]!.AsArray().Select(w => (string)w!));
            Assert.True(JsonNode.DeepEquals(inProcess["warnings"], throughApi["warnings"]));
            Assert.Equal(("de", "de"), ((string)inProcess["source"]!["language"]!, (string)throughApi["source"]!["language"]!));
            Assert.EndsWith("warning: " + warning + Environment.NewLine, table.ToString(), StringComparison.Ordinal);
            // an English transcript: no warning, and the list is there, empty
            Assert.Empty(Report.Build(FinishedJob.From(View()))["warnings"]!.AsArray());
        }
        finally
        {
            Directory.Delete(blobs, true);
        }
    }

    [Fact]
    public void BothSidesReportTheSameCostPerStageRemoteUsageAndTotalWithThePricesLabels()
    {
        var cost = new Clipper.Abstractions.Jobs.JobCost(
            [new("fetch", 1, 0.42, 1.5, 0), new("transcribe", 1, 12.5, 20.25, 0), new("encode", 2, 30.125, 18, 0)],
            new RemoteAsrCost("openai", "whisper-1", 3, 120.204, 120.204 / 60 * 0.006), new LlmCost("gpt-4o-mini", 1200, 300, 0.00036),
            (120.204 / 60 * 0.006) + 0.00036, "USD", "cpu: not priced; transcription: 2026-12-06 OpenAI whisper-1 list price; llm: x");
        var view = View() with { Cost = cost };
        var api = ApiJob();
        api.Cost = Clipper.Gateway.JobMapping.CostOf(cost);

        var inProcess = Report.Build(FinishedJob.From(view))["cost"]!;
        var throughApi = Report.Build(FinishedJob.From(api))["cost"]!;
        Assert.True(JsonNode.DeepEquals(inProcess, throughApi), $"{inProcess}\nvs\n{throughApi}");
        Assert.Equal(["fetch", "transcribe", "encode"], inProcess["stages"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal((2, 30.125, 18.0), ((int)inProcess["stages"]!["encode"]!["units"]!, (double)inProcess["stages"]!["encode"]!["cpuSeconds"]!,
            (double)inProcess["stages"]!["encode"]!["wallSeconds"]!));
        var asr = inProcess["remote"]!["transcription"]!;
        Assert.Equal((3, 120.204, 2.0034), ((int)asr["requests"]!, (double)asr["audioSeconds"]!, (double)asr["audioMinutes"]!));
        Assert.Equal((1200, 300), ((int)inProcess["remote"]!["llm"]!["inputTokens"]!, (int)inProcess["remote"]!["llm"]!["outputTokens"]!));
        Assert.Equal(Math.Round(cost.Total, 6), (double)inProcess["total"]!);
        Assert.Equal(43.045, (double)inProcess["cpuSeconds"]!);
        Assert.Equal(cost.PricesAsOf, (string)inProcess["pricesAsOf"]!);
        // a job without remote services has neither line
        var local = Report.Build(FinishedJob.From(View() with { Cost = cost with { Transcription = null, Ranking = null } }))["cost"]!;
        Assert.Null(local["remote"]!["transcription"]);
        Assert.Null(local["remote"]!["llm"]);
    }

    [Fact]
    public void ThroughTheApiTheReportHasEachFilesBlobAndUrl()
    {
        var job = ApiJob();
        var report = Report.Build(FinishedJob.From(job));
        Assert.Equal(["name"], report["source"]!.AsObject().Select(kv => kv.Key));
        Assert.Null(report["stageStartedAt"]);
        var clip = report["clips"]![0]!;
        Assert.Null(clip["crop"]);
        var video = clip["delivery"]!["video"]!;
        Assert.Equal((job.Clips[0].Video.Blob, job.Clips[0].Video.Url, T0.AddHours(1)),
            ((string)video["blob"]!, (string)video["url"]!, DateTimeOffset.Parse((string)video["expiresAt"]!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(job.Clips[1].Vtt.Url, (string)report["clips"]![1]!["delivery"]!["vtt"]!["url"]!);
    }

    [Fact]
    public void ALinkToAPageKeepsTheSitesFactsThroughTheApiJobIntoBothReports()
    {
        var site = new SourceSite("Youtube", "abcdefghijk", "How teams fall apart", "Talks", 754, "https://www.youtube.com/watch?v=abcdefghijk");
        var view = View() with { Source = View().Source! with { Site = site } };
        var blobs = TestMedia.TempDir("report-blobs");
        try
        {
            var links = new Clipper.Gateway.ArtifactLinks(Microsoft.Extensions.Options.Options.Create(new Clipper.Gateway.GatewayOptions()),
                new Clipper.Core.Storage.FileBlobStore(blobs));
            var job = Clipper.Gateway.JobMapping.ToJob(view, links);

            Assert.Equal(("Youtube", "abcdefghijk", "How teams fall apart", "Talks", 754.0, "https://www.youtube.com/watch?v=abcdefghijk"),
                (job.SourceInfo.Extractor, job.SourceInfo.VideoId, job.SourceInfo.Title, job.SourceInfo.Uploader, job.SourceInfo.Duration, job.SourceInfo.PageUrl));
            Assert.Null(Clipper.Gateway.JobMapping.ToJob(View(), links).SourceInfo); // a file: no site
            var inProcess = Report.Build(FinishedJob.From(view))["source"]!["site"]!;
            var throughApi = Report.Build(FinishedJob.From(job))["source"]!["site"]!;
            Assert.True(JsonNode.DeepEquals(inProcess, throughApi), $"{inProcess} vs {throughApi}");
            Assert.Equal(("Youtube", "abcdefghijk", "How teams fall apart", "Talks", 754.0, "https://www.youtube.com/watch?v=abcdefghijk"),
                ((string)inProcess["extractor"]!, (string)inProcess["id"]!, (string)inProcess["title"]!, (string)inProcess["uploader"]!,
                    (double)inProcess["duration"]!, (string)inProcess["url"]!));
            Assert.Null(Report.Build(FinishedJob.From(View()))["source"]!["site"]);
        }
        finally
        {
            Directory.Delete(blobs, true);
        }
    }

    [Fact]
    public void BothSidesPrintTheSameTable()
    {
        using var inProcess = new StringWriter();
        using var throughApi = new StringWriter();
        Report.PrintTable(inProcess, FinishedJob.From(View()));
        Report.PrintTable(throughApi, FinishedJob.From(ApiJob()));
        Assert.Equal(inProcess.ToString(), throughApi.ToString());
        Assert.Contains("2    71    1:02:05–1:03:10   The long one", inProcess.ToString());
    }

    [Fact]
    public async Task TheReportIsWrittenWithEachClipsFilesUnderItsStem()
    {
        var dir = TestMedia.TempDir("report");
        try
        {
            var files = new FakeFiles();
            var written = await Report.WriteAsync(FinishedJob.From(ApiJob()), files, dir, TestContext.Current.CancellationToken);
            Assert.Equal(10, files.Copied.Count);
            Assert.Contains(("jobs/job-1/clip-02.jpg", Path.Combine(dir, "clip-02.jpg")), files.Copied);
            // the 1:1 rendition beside its clip's files
            Assert.Contains(("jobs/job-1/clip-01/1x1.mp4", Path.Combine(dir, "clip-01-1x1.mp4")), files.Copied);
            Assert.Contains(("jobs/job-1/clip-01/1x1.jpg", Path.Combine(dir, "clip-01-1x1.jpg")), files.Copied);
            Assert.True(JsonNode.DeepEquals(written, JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "report.json"), TestContext.Current.CancellationToken))));
            var html = await File.ReadAllTextAsync(Path.Combine(dir, "report.html"), TestContext.Current.CancellationToken);
            Assert.Contains("Why clips?", html);
            Assert.Contains("shots: 0.0–10.0 s single (one face in the shot); 10.0–30.5 s split (both faces spoke in 19.0 of 20.5 s)", html);
            Assert.Contains("also <a href=\"clip-01-1x1.mp4\">1:1</a>", html);
            Assert.DoesNotContain("hook title", html);
            Assert.True(File.Exists(Path.Combine(dir, "extra.txt")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task BothSidesReportTheJobsHookTitleAndReportHtmlSaysIt()
    {
        var plain = View();
        var view = plain with { Spec = plain.Spec! with { Options = plain.Spec.Options with { HookTitle = 2.5 } } };
        var job = ApiJob();
        job.Options = new Gateway.V1.ClipOptions { Ratio = "9:16", HookSeconds = 2.5 };
        Assert.Equal("{\"seconds\":2.5}", Report.Build(FinishedJob.From(view))["hook"]!.ToJsonString());
        Assert.Equal("{\"seconds\":2.5}", Report.Build(FinishedJob.From(job))["hook"]!.ToJsonString());
        // none asked: the key is there, null
        foreach (var none in new[] { Report.Build(FinishedJob.From(plain)), Report.Build(FinishedJob.From(ApiJob())) })
        {
            Assert.True(none.ContainsKey("hook"));
            Assert.Null(none["hook"]);
        }

        var dir = TestMedia.TempDir("report-hook");
        try
        {
            await Report.WriteAsync(FinishedJob.From(job), new FakeFiles(), dir, TestContext.Current.CancellationToken);
            Assert.Contains("<p class=\"hook\">hook title: each clip's title over its first 2.5 s</p>",
                await File.ReadAllTextAsync(Path.Combine(dir, "report.html"), TestContext.Current.CancellationToken));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private sealed class FakeFiles : IArtifactSource
    {
        public List<(string Blob, string Target)> Copied { get; } = [];

        public Task CopyAsync(Delivered file, string target, CancellationToken cancel)
        {
            Copied.Add((file.Blob, target));
            return Task.CompletedTask;
        }

        public Task WriteExtrasAsync(string dir, CancellationToken cancel) => File.WriteAllTextAsync(Path.Combine(dir, "extra.txt"), "x", cancel);
    }
}
