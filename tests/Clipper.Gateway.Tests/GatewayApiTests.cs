using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Clipper.Core.Media;
using Clipper.Core.Samples;
using Clipper.Gateway.V1;
using Clipper.Samples;
using Clipper.Stages.Encode.Tests;
using Clipper.Stages.Track;
using Clipper.TestSupport;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Clip = Clipper.Gateway.V1.Clip;

namespace Clipper.Gateway.Tests;

/// <summary>The gRPC API against a real server: real uploads of a real talk, real jobs, real clips.</summary>
[Trait("Category", "cluster")]
[Trait("Category", "media")]
public sealed class GatewayApiTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private GatewayServer Server => fixture.Server;

    private V1.Clipper.ClipperClient Client => Server.Client;

    [Fact]
    public async Task AnUploadIsWatchedToItsClipsWhichAreListedAndDownloadable()
    {
        var talk = await TestMedia.ShortTalkAsync();
        // the job's own (offline) choices travel with it and come back in its view
        var submitted = await Server.UploadAsync(talk.File, new ClipOptions { MaxClips = 3, Width = 270, Height = 480, Ratio = "9:16", Asr = "Pocketsphinx", Rank = "heuristic", Language = "en", Captions = "karaoke" });
        Assert.Contains(submitted.State, new[] { JobState.Submitted, JobState.Running });
        Assert.Equal("short-talk.mp4", submitted.Source);
        Assert.Equal(("pocketsphinx", "heuristic", "en", "karaoke"), (submitted.Options.Asr, submitted.Options.Rank, submitted.Options.Language, submitted.Options.Captions));

        var events = await Server.WatchAllAsync(submitted.JobId, TimeSpan.FromMinutes(8));
        output.WriteLine(string.Join("\n", events.Select(e => $"{e.Reason,-9} {e.Job.State} {e.Job.Stage} {e.Job.Percent}% clips {e.Job.Clips.Count(c => c.Finished)}/{e.Job.Clips.Count}")));
        Assert.Equal("current", events[0].Reason);
        var last = events[^1].Job;
        Assert.Equal(JobState.Completed, last.State);
        Assert.Equal("finished", events[^1].Reason);
        Assert.Contains(events, e => e.Reason == "stage");
        Assert.True(events.Count(e => e.Reason == "clip") >= 1, "no event announced a finished clip");
        for (int i = 1; i < events.Count; i++)
        {
            Assert.True(events[i].Job.Percent >= events[i - 1].Job.Percent - 0.5, $"percent went back at event {i}");
            Assert.True(events[i].Job.Clips.Count(c => c.Finished) >= events[i - 1].Job.Clips.Count(c => c.Finished));
        }

        Assert.InRange(last.Clips.Count, 1, 3);
        Assert.All(last.Clips, c =>
        {
            Assert.True(c.Finished);
            Assert.InRange(c.End - c.Start, 15, 90);
            Assert.False(string.IsNullOrWhiteSpace(c.Title));
            Assert.False(string.IsNullOrWhiteSpace(c.Reason));
            Assert.InRange(c.Score, 0, 100);
            Assert.StartsWith($"jobs/{last.JobId}/clip-", c.Video.Blob);
            Assert.Equal("karaoke", c.Captions); // the job's preset travelled to the encoder, and the clip view says so
            // the ratio kept the size given (of its shape); the short talk is a close-up the frame cuts off, with few
            // faces found or none: the tracker gave each clip the whole frame, saying why
            Assert.Equal(("9:16", "fit"), (c.Ratio, c.Layout));
            Assert.Matches(@"^(no face in 0|a face in only \d+) of \d+ sampled frames$", c.LayoutReason);
        });

        var got = await Client.GetJobAsync(new GetJobRequest { JobId = last.JobId });
        Assert.Equal(JobState.Completed, got.State);
        Assert.Equal(last.Clips.Select(c => c.Video.Url), got.Clips.Select(c => c.Video.Url));

        // what it used: every stage ran and used CPU (its processes and in-process work, measured per unit), one unit
        // per clip for track and encode; the local engine and the heuristic sent nothing remote; CPU is unpriced by default
        var cost = got.Cost;
        output.WriteLine(string.Join("\n", cost.Stages.Select(s => $"{s.Stage,-10} {s.Units} units {s.CpuSeconds,8:0.000} s CPU {s.WallSeconds,8:0.000} s wall")));
        Assert.Equal(["fetch", "split", "transcribe", "score", "track", "encode"], cost.Stages.Select(s => s.Stage));
        Assert.All(cost.Stages, s => Assert.True(s.CpuSeconds > 0, $"{s.Stage}: {s.CpuSeconds} s CPU"));
        // the 78 s talk's audio in two 60 s chunks: two chunk units and the one that joins them
        Assert.Equal([1, 1, 3, 1, got.Clips.Count, got.Clips.Count], cost.Stages.Select(s => s.Units));
        Assert.True(cost.Stages.Single(s => s.Stage == "encode").CpuSeconds > 1, "encoding clips takes ffmpeg more than a second of CPU");
        Assert.Null(cost.Transcription);
        Assert.Null(cost.Ranking);
        Assert.Equal((0, "USD"), (cost.Total, cost.Currency));
        Assert.Contains("transcription: 2026-12-06 OpenAI whisper-1 list price", cost.PricesAsOf);
        var metrics = PrometheusText.Parse(await Server.Web.GetStringAsync("/metrics"));
        Assert.True(metrics["clipper_stage_cpu_seconds_total{stage=\"encode\"}"] >= cost.Stages.Single(s => s.Stage == "encode").CpuSeconds - 1e-6);

        var listed = await Client.ListJobsAsync(new ListJobsRequest { PageSize = 50 });
        Assert.Contains(listed.Jobs, j => j.JobId == last.JobId && j.State == JobState.Completed);
        var completed = await Client.ListJobsAsync(new ListJobsRequest { State = JobState.Completed });
        Assert.Contains(completed.Jobs, j => j.JobId == last.JobId);
        Assert.All(completed.Jobs, j => Assert.Equal(JobState.Completed, j.State));
        var running = await Client.ListJobsAsync(new ListJobsRequest { State = JobState.Running });
        Assert.DoesNotContain(running.Jobs, j => j.JobId == last.JobId);

        var clip = last.Clips[0];
        var video = await Server.Web.GetByteArrayAsync(clip.Video.Url);
        Assert.Equal("ftyp"u8.ToArray(), video[4..8]);
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, (await Server.Web.GetByteArrayAsync(clip.Thumbnail.Url))[..2]);
        Assert.StartsWith("WEBVTT", await Server.Web.GetStringAsync(clip.Vtt.Url));
        Assert.Contains("-->", await Server.Web.GetStringAsync(clip.Srt.Url));
        var range = new HttpRequestMessage(HttpMethod.Get, clip.Video.Url);
        range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 99);
        var partial = await Server.Web.SendAsync(range);
        Assert.Equal(System.Net.HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(404, (int)(await Server.Web.GetAsync("/files/sources/../db/clipper.db")).StatusCode);

        // the upload is gone once the job has its source in blob storage
        await Wait.Until(() => Server.UploadsLeft(last.JobId).Length == 0, TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// One job that carries the editor's choices end to end (issue 20): "9:16,1:1", the split layout and a 2 s hook title,
    /// on a source of two shots: a two-person dialogue (<see cref="TwoSpeakerMedia"/>, real faces, each speaking in its
    /// own voice), then a cut to a plain colour (the captions' test background) under the short talk's speech. The clip
    /// (at least 10 s of a 15.5 s source, longer than either shot) spans the cut. gRPC, report.json, the job page in
    /// Chromium and MCP's get_job each show the forced layout shot by shot, the 1:1 rendition cut from the same tracking
    /// pass, and the hook; in the plain shot the 1:1 rendition's frames hold nothing but its captions, which must sit
    /// inside the 1:1 safe area.
    /// </summary>
    [Fact]
    [Trait("Category", "browser")]
    [Trait("Category", "slow")]
    public async Task ASplitJobInTwoRatiosWithAHookIsShownAlikeByTheApiTheReportThePageAndMcp()
    {
        // Chromium starts while the source is built and the job runs
        var chromium = ChromiumAsync();
        try
        {
            await TheJobRunsAndIsShownAlikeAsync(chromium);
        }
        finally
        {
            var (playwright, browser) = await chromium;
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private async Task TheJobRunsAndIsShownAlikeAsync(Task<(IPlaywright, IBrowser)> chromium)
    {
        var dir = TestMedia.TempDir("split-ratios");
        var watch = Stopwatch.StartNew();
        var (source, dialogueSeconds) = await DialogueThenPlainAsync(dir);
        output.WriteLine($"source built in {watch.Elapsed.TotalSeconds:0.0} s");
        using var frames = new MeterSum(Server.Services.GetRequiredService<IMeterFactory>(), "clipper_track_frames_total");

        var submitted = await Server.UploadAsync(source, new ClipOptions
        {
            MaxClips = 1,
            MinSeconds = 10,
            MaxSeconds = 16,
            Width = 270,
            Height = 480,
            Ratio = "9:16, 1x1",
            Layout = "Split",
            HookSeconds = 2,
        });
        Assert.Equal(("9:16,1:1", "split", 2.0), (submitted.Options.Ratio, submitted.Options.Layout, submitted.Options.HookSeconds));
        var events = await Server.WatchAllAsync(submitted.JobId, TimeSpan.FromMinutes(5));
        var job = events[^1].Job;
        Assert.Equal(JobState.Completed, job.State);
        output.WriteLine($"job done at {watch.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(string.Join("\n", job.Cost.Stages.Select(s => $"{s.Stage,-10} {s.Units} units {s.CpuSeconds,8:0.000} s CPU {s.WallSeconds,8:0.000} s wall")));

        // gRPC: the dialogue shot split as asked, the plain shot (no face) fit, and why; the 1:1 rendition beside
        var clip = Assert.Single(job.Clips);
        output.WriteLine($"clip {clip.Start:0.0}-{clip.End:0.0} s: {clip.Layout} ({clip.LayoutReason}); shots: "
            + string.Join("; ", clip.Shots.Select(s => $"{s.Start:0.0}-{s.End:0.0} {s.Layout} ({s.Reason})")));
        Assert.InRange(dialogueSeconds, clip.Start + 1, clip.End - 1);
        Assert.Equal(("9:16", "split"), (clip.Ratio, clip.Layout));
        Assert.Equal(2, clip.Shots.Count);
        Assert.Equal(("split", "the job asked for the split layout; stacked for a 270x480 output"), (clip.Shots[0].Layout, clip.Shots[0].Reason));
        Assert.Equal("fit", clip.Shots[1].Layout);
        Assert.Matches(@"^no face in the shot's \d+ sampled frames$", clip.Shots[1].Reason);
        Assert.InRange(clip.Shots[0].End, dialogueSeconds - clip.Start - 0.5, dialogueSeconds - clip.Start + 0.5);
        var rendition = Assert.Single(clip.Renditions);
        // a 1:1 output splits side by side: each face in its own 135x270 column
        Assert.Equal(("1:1", 270, 270, "split"), (rendition.Ratio, rendition.Width, rendition.Height, rendition.Layout));
        Assert.Equal($"jobs/{job.JobId}/clip-01/1x1.mp4", rendition.Video.Blob);
        var main = await Probe.ProbeAsync(Path.Combine(Server.Home, "blobs", clip.Video.Blob));
        var square = await Probe.ProbeAsync(Path.Combine(Server.Home, "blobs", rendition.Video.Blob));
        Assert.Equal((270, 480, 270, 270), (main.Width, main.Height, square.Width, square.Height));
        Assert.InRange(square.DurationSeconds, main.DurationSeconds - 0.2, main.DurationSeconds + 0.2);
        Assert.True(File.Exists(Path.Combine(Server.Home, "blobs", rendition.Thumbnail.Blob)), rendition.Thumbnail.Blob);

        // one sampling pass: the frames the tracker ran the detector on are the clip's samples once, not once per ratio
        int sampled = int.Parse(Regex.Match(clip.LayoutReason, @"of (\d+) sampled frames").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(sampled, (clip.End - clip.Start) * 5 - 2, (clip.End - clip.Start) * 5 + 2);
        Assert.Equal(sampled, frames.Value);

        // the 1:1 rendition's captions, wherever a line is up in the plain shot, inside the 1:1 safe area
        var file = Path.Combine(Server.Home, "blobs", rendition.Video.Blob);
        var seen = new List<string>();
        for (double t = clip.Shots[1].Start + 0.5; t < square.DurationSeconds - 0.5; t += 1.5)
        {
            if (CaptionSafeArea.Ink(await Frames.RgbAsync(file, t), 270, 270, CaptionSafeAreaBackground) is { } ink)
            {
                seen.Add(CaptionSafeArea.Check(ink, 270, 270, $"1:1 at {t:0.0} s"));
            }
        }

        Assert.True(seen.Count >= 3, $"captions seen in {seen.Count} frames");
        output.WriteLine(string.Join("\n", seen));

        // report.json (as `clipper submit --out` writes it from this job): ratio, layout and shots, renditions, hook
        var report = global::Clipper.Host.Cli.Report.Build(global::Clipper.Host.Cli.FinishedJob.From(job));
        var reported = report["clips"]![0]!;
        Assert.Equal(2.0, (double)report["hook"]!["seconds"]!);
        Assert.Equal(("9:16", "split"), ((string?)reported["ratio"], (string?)reported["layout"]!["layout"]));
        Assert.Equal(clip.Shots.Select(s => (s.Layout, s.Reason)),
            reported["layout"]!["shots"]!.AsArray().Select(s => ((string)s!["layout"]!, (string)s["reason"]!)));
        var reportedRendition = Assert.Single(reported["renditions"]!.AsArray())!;
        Assert.Equal(("1:1", 270, 270, "clip-01-1x1.mp4", "split"), ((string?)reportedRendition["ratio"], (int)reportedRendition["width"]!,
            (int)reportedRendition["height"]!, (string?)reportedRendition["video"], (string?)reportedRendition["layout"]));

        // MCP get_job: the same layout, shots and rendition
        await using (var mcp = await McpTests.ConnectAsync(Server, null))
        {
            var got = await McpTests.CallAsync(mcp, "get_job", new() { ["jobId"] = job.JobId });
            var c = Assert.Single(got.GetProperty("clips").EnumerateArray());
            Assert.Equal(2.0, got.GetProperty("options").GetProperty("hookSeconds").GetDouble());
            Assert.Equal("split", c.GetProperty("layout").GetString());
            Assert.Equal(clip.Shots.Select(s => s.Layout), c.GetProperty("shots").EnumerateArray().Select(s => s.GetProperty("layout").GetString()));
            var r = Assert.Single(c.GetProperty("renditions").EnumerateArray());
            Assert.Equal(("1:1", "split", rendition.Video.Blob), (r.GetProperty("ratio").GetString(), r.GetProperty("layout").GetString(),
                r.GetProperty("video").GetProperty("blob").GetString()));
        }

        output.WriteLine($"checks but the page done at {watch.Elapsed.TotalSeconds:0.0} s");
        await TheJobPageShowsAsync((await chromium).Item2, job, clip, dir);
        output.WriteLine($"page checked at {watch.Elapsed.TotalSeconds:0.0} s");
        Directory.Delete(dir, true);
    }

    /// <summary>
    /// The job page in Chromium: the hook line, each shot's layout with its reason as the hover title, each rendition's
    /// link, whose href downloads an MP4 of the rendition's size.
    /// </summary>
    private async Task TheJobPageShowsAsync(IBrowser browser, Job job, Clip clip, string dir)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"{Server.WebBase}/jobs/{job.JobId}");
        var shots = page.Locator(".clip .shots .shot-layout");
        await shots.First.WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        Assert.Equal("hook title: each clip's title over its first 2 s", await page.Locator("#hook").InnerTextAsync());
        var shown = new List<(string, string?)>();
        for (int i = 0; i < await shots.CountAsync(); i++)
        {
            shown.Add((await shots.Nth(i).InnerTextAsync(), await shots.Nth(i).GetAttributeAsync("title")));
        }

        Assert.Equal(clip.Shots.Select(s => (s.Layout, (string?)s.Reason)), shown);
        var links = page.Locator(".clip .renditions a.rendition");
        Assert.Equal(clip.Renditions.Count, await links.CountAsync());
        for (int i = 0; i < clip.Renditions.Count; i++)
        {
            var r = clip.Renditions[i];
            Assert.Equal($"{r.Ratio} MP4", await links.Nth(i).InnerTextAsync());
            var href = await links.Nth(i).GetAttributeAsync("href");
            using var answer = await Server.Web.GetAsync(href);
            Assert.Equal((System.Net.HttpStatusCode.OK, "video/mp4"), (answer.StatusCode, answer.Content.Headers.ContentType?.MediaType));
            var downloaded = Path.Combine(dir, $"page-{i}.mp4");
            await File.WriteAllBytesAsync(downloaded, await answer.Content.ReadAsByteArrayAsync());
            var probed = await Probe.ProbeAsync(downloaded);
            Assert.Equal((r.Width, r.Height), (probed.Width, probed.Height));
            output.WriteLine($"page: {r.Ratio} link {href} downloads {probed.Width}x{probed.Height} {probed.DurationSeconds:0.0} s");
        }
    }

    private static async Task<(IPlaywright, IBrowser)> ChromiumAsync()
    {
        Assert.True(File.Exists(BrowserTests.Chromium), $"{BrowserTests.Chromium} is missing: run scripts/setup.sh --tests");
        var playwright = await Playwright.CreateAsync();
        return (playwright, await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserTests.Chromium,
            Headless = true,
            Args = ["--no-sandbox"],
        }));
    }

    /// <summary>Two short turns, one per person: enough for both faces to be seen and heard.</summary>
    private static readonly IReadOnlyList<DialogueLine> ShortDialogue =
    [
        new(0, "Welcome back to the show. Today we talk about clips for phones.", 0.3),
        new(1, "Thanks for having me. Where to put the frame is the hard part.", 0.5),
    ];

    /// <summary>
    /// The two-shot source at 640×360: the dialogue (<see cref="ShortDialogue"/>, about 8.5 s, each face a third of the
    /// frame's height), then 7 s of the plain colour under the short talk's speech. Returns the file and where the cut is.
    /// </summary>
    private static async Task<(string File, double CutAt)> DialogueThenPlainAsync(string dir)
    {
        Dialogue dialogue;
        using (var faces = new BlazeFace(Assets.FaceModel()))
        {
            async Task<Speaker> Person(string photo, string voice)
            {
                var file = Assets.Photo(photo);
                var face = faces.Detect(await RgbFrame.ReadAsync(file)).MaxBy(f => f.Area)!;
                return new Speaker(file, new PhotoFace(face.X, face.Y, face.Width, face.Height, face.Keypoints[Face.Nose].Y), voice);
            }

            dialogue = await TwoSpeakerMedia.BuildAsync(await Person("anne_helene.jpg", "slt"), await Person("jesper_2.jpg", "kal"),
                Path.Combine(dir, "dialogue.mp4"), script: ShortDialogue);
        }

        var talk = await TestMedia.ShortTalkAsync();
        const string audio = "aresample=44100,aformat=sample_fmts=fltp:channel_layouts=mono,asetpts=PTS-STARTPTS";
        var source = await TestMedia.FfmpegAsync(Path.Combine(dir, "dialogue-then-plain.mp4"), "-i", dialogue.File, "-f", "lavfi", "-i",
            $"color=c=0x{CaptionSafeAreaBackground:X6}:s=640x360:r=25:d=7", "-i", talk.File, "-filter_complex",
            $"[0:v]scale=640:360,format=yuv420p,setsar=1[v0];[0:a]{audio}[a0];[1:v]format=yuv420p,setsar=1[v1];[2:a]atrim=0:7,{audio}[a1];"
            + "[v0][a0][v1][a1]concat=n=2:v=1:a=1[v][a]", "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac");
        return (source, dialogue.DurationSeconds);
    }

    /// <summary>The plain background the safe-area check finds the captions' ink on.</summary>
    private const int CaptionSafeAreaBackground = 0x285A8C;

    [Fact]
    public async Task BadRequestsGetStatusCodesWithStableCodes()
    {
        async Task Expect(StatusCode status, string code, Func<Task> call)
        {
            var e = await Assert.ThrowsAsync<RpcException>(call);
            output.WriteLine($"{e.StatusCode}: {e.Status.Detail}");
            Assert.Equal(status, e.StatusCode);
            Assert.StartsWith(code + ":", e.Status.Detail);
        }

        await Expect(StatusCode.NotFound, "job_not_found", async () => await Client.GetJobAsync(new GetJobRequest { JobId = "no-such-job" }));
        await Expect(StatusCode.NotFound, "job_not_found", async () => await Client.CancelJobAsync(new CancelJobRequest { JobId = "no-such-job" }));
        await Expect(StatusCode.InvalidArgument, "bad_option", async () => await Client.GetJobAsync(new GetJobRequest { JobId = "bad id!" }));
        await Expect(StatusCode.InvalidArgument, "bad_option", async () => await Client.SubmitJobAsync(new SubmitJobRequest()));
        await Expect(StatusCode.FailedPrecondition, "url_blocked", async () => await Client.SubmitJobAsync(new SubmitJobRequest { SourceUrl = "http://127.0.0.1/x.mp4" }));
        await Expect(StatusCode.FailedPrecondition, "url_blocked", async () => await Client.SubmitJobAsync(new SubmitJobRequest { SourceUrl = "http://169.254.169.254/latest/meta-data" }));
        await Expect(StatusCode.FailedPrecondition, "unsupported_url", async () => await Client.SubmitJobAsync(new SubmitJobRequest { SourceUrl = "ftp://example.com/a.mp4" }));
        await Expect(StatusCode.InvalidArgument, "bad_option", async () => await Client.SubmitJobAsync(new SubmitJobRequest
        {
            SourceUrl = "https://example.com/a.mp4",
            Options = new ClipOptions { MinSeconds = 100, MaxSeconds = 20 },
        }));
        await Expect(StatusCode.InvalidArgument, "bad_option", async () => await Client.SubmitJobAsync(new SubmitJobRequest
        {
            SourceUrl = "https://example.com/a.mp4",
            Options = new ClipOptions { Asr = "vosk" },
        }));
        await Expect(StatusCode.InvalidArgument, "bad_option", async () => await Client.SubmitJobAsync(new SubmitJobRequest
        {
            SourceUrl = "https://example.com/a.mp4",
            Options = new ClipOptions { Ratio = "1:1", Width = 1080, Height = 1920 },
        }));
        await Expect(StatusCode.InvalidArgument, "bad_option", async () => await Client.SubmitJobAsync(new SubmitJobRequest
        {
            SourceUrl = "https://example.com/a.mp4",
            Options = new ClipOptions { Layout = "three" },
        }));
        await Expect(StatusCode.InvalidArgument, "bad_option", async () => await Client.SubmitJobAsync(new SubmitJobRequest
        {
            SourceUrl = "https://example.com/a.mp4",
            Options = new ClipOptions { Ratio = "9:16,1:1,9x16" },
        }));
        await Expect(StatusCode.InvalidArgument, "bad_option", async () => await Client.ListJobsAsync(new ListJobsRequest { PageSize = 100000 }));
        await Expect(StatusCode.InvalidArgument, "bad_option", async () => await Client.ListJobsAsync(new ListJobsRequest { PageToken = "garbage" }));
        await Expect(StatusCode.InvalidArgument, "bad_option", async () => await Client.WatchJob(new WatchJobRequest { JobId = "" }).ResponseStream.MoveNext());
        await Expect(StatusCode.NotFound, "job_not_found", async () => await Client.WatchJob(new WatchJobRequest { JobId = "no-such-job" }).ResponseStream.MoveNext());

        // uploads: no header, not a video, shorter than announced
        await Expect(StatusCode.InvalidArgument, "bad_option", async () =>
        {
            using var call = Client.UploadJob();
            await call.RequestStream.WriteAsync(new UploadChunk { Data = Google.Protobuf.ByteString.CopyFromUtf8("hello") });
            await call.RequestStream.CompleteAsync();
            await call;
        });
        var text = Path.Combine(TestMedia.TempDir("gateway-bad"), "notes.mp4");
        await File.WriteAllTextAsync(text, "these are notes, not a video\n");
        await Expect(StatusCode.FailedPrecondition, "not_a_video", () => Server.UploadAsync(text));
        await Expect(StatusCode.InvalidArgument, "bad_option", async () =>
        {
            using var call = Client.UploadJob();
            await call.RequestStream.WriteAsync(new UploadChunk { Header = new UploadHeader { FileName = "a.mp4", Size = 1000 } });
            await call.RequestStream.WriteAsync(new UploadChunk { Data = Google.Protobuf.ByteString.CopyFromUtf8("short") });
            await call.RequestStream.CompleteAsync();
            await call;
        });

        // nothing of a refused upload stays behind
        await Wait.Until(() => Server.UploadsLeft().Length == 0, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AnIdempotencyKeyGivesTheSameJobForTheSameRequestAndRefusesAnother()
    {
        var talk = await TestMedia.ShortTalkAsync();
        var key = $"publish-{Guid.NewGuid():N}";
        var options = new ClipOptions { MaxClips = 2, Width = 270, Height = 480 };
        var first = await Server.UploadAsync(talk.File, options, idempotencyKey: key);
        var again = await Server.UploadAsync(talk.File, options, idempotencyKey: key);
        Assert.StartsWith("idem-", first.JobId);
        Assert.Equal(first.JobId, again.JobId);

        async Task Conflict(Func<Task> call)
        {
            var e = await Assert.ThrowsAsync<RpcException>(call);
            output.WriteLine($"{e.StatusCode}: {e.Status.Detail}");
            Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
            Assert.StartsWith("idempotency_conflict:", e.Status.Detail);
            Assert.Contains(first.JobId, e.Status.Detail);
        }

        // another request under the same key: other options, another file name, a link
        await Conflict(() => Server.UploadAsync(talk.File, new ClipOptions { MaxClips = 3, Width = 270, Height = 480 }, idempotencyKey: key));
        var renamed = Path.Combine(TestMedia.TempDir("gateway-idem"), "other-name.mp4");
        File.Copy(talk.File, renamed, overwrite: true);
        await Conflict(() => Server.UploadAsync(renamed, options, idempotencyKey: key));
        await Conflict(async () => await Client.SubmitJobAsync(new SubmitJobRequest { SourceUrl = "https://example.com/talk.mp4", IdempotencyKey = key }));

        // a new key is a new job
        var other = await Server.UploadAsync(talk.File, options, idempotencyKey: key + "-2");
        Assert.NotEqual(first.JobId, other.JobId);

        async Task Bad(Func<Task> call)
        {
            var e = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.StartsWith("bad_option:", e.Status.Detail);
        }

        await Bad(async () => await Client.SubmitJobAsync(new SubmitJobRequest { SourceUrl = "https://example.com/a.mp4", IdempotencyKey = new string('k', 201) }));
        await Bad(async () => await Client.SubmitJobAsync(new SubmitJobRequest { SourceUrl = "https://example.com/a.mp4", IdempotencyKey = "tab\there" }));
        await Bad(async () => await Client.SubmitJobAsync(new SubmitJobRequest { SourceUrl = "https://example.com/a.mp4", IdempotencyKey = "k", JobId = "j" }));

        foreach (var id in new[] { first.JobId, other.JobId })
        {
            await Client.CancelJobAsync(new CancelJobRequest { JobId = id });
        }

        Assert.Single((await Client.ListJobsAsync(new ListJobsRequest { PageSize = 500 })).Jobs, j => j.JobId == first.JobId);
        // the repeats' bytes were read and dropped; the first upload went with its job
        await Wait.Until(() => Server.UploadsLeft(first.JobId).Length == 0, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task CancellingARunningJobEndsItsWatchAsCancelled()
    {
        var talk = await TestMedia.ShortTalkAsync();
        var job = await Server.UploadAsync(talk.File);
        // a short deadline ends the watch with DEADLINE_EXCEEDED and releases the server's poller
        var deadline = await Assert.ThrowsAsync<RpcException>(() => Server.WatchAllAsync(job.JobId, TimeSpan.FromSeconds(1)));
        Assert.Equal(StatusCode.DeadlineExceeded, deadline.StatusCode);
        var hub = Server.Services.GetRequiredService<JobWatchHub>();
        await Wait.Until(() => hub.Watchers(job.JobId) == 0, TimeSpan.FromSeconds(5));

        var watching = Server.WatchAllAsync(job.JobId, TimeSpan.FromMinutes(2));
        var cancelled = await Client.CancelJobAsync(new CancelJobRequest { JobId = job.JobId });
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Equal("cancelled", cancelled.ErrorCode);
        var events = await watching;
        Assert.Equal(JobState.Cancelled, events[^1].Job.State);
        Assert.Equal(JobState.Cancelled, (await Client.GetJobAsync(new GetJobRequest { JobId = job.JobId })).State);
        // cancelling again changes nothing
        Assert.Equal(JobState.Cancelled, (await Client.CancelJobAsync(new CancelJobRequest { JobId = job.JobId })).State);
    }

    [Fact]
    public async Task TheJobListPushesANewJobAndItsChangesOnOneOpenRequest()
    {
        // one request, read as the /jobs page reads it: the list once, then each change, with nothing asked again
        using var http = new HttpClient { BaseAddress = new Uri(Server.WebBase), Timeout = Timeout.InfiniteTimeSpan };
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var response = await http.GetAsync("/api/jobs/events", HttpCompletionOption.ResponseHeadersRead, stop.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
        // the head figures come on the same stream (now, then when they change); the list events are read between them
        int figures = 0;
        async Task<(string Name, string Data)> NextListEventAsync()
        {
            while (true)
            {
                var e = await NextEventAsync(reader, stop.Token);
                if (e.Name != "figures")
                {
                    return e;
                }

                Assert.NotNull(System.Text.Json.Nodes.JsonNode.Parse(e.Data)!["silosActive"]);
                figures++;
            }
        }

        var (name, data) = await NextListEventAsync();
        Assert.Equal("list", name);
        var before = System.Text.Json.Nodes.JsonNode.Parse(data)!["jobs"]!.AsArray().Select(j => (string)j!["jobId"]!).ToList();

        var talk = await TestMedia.ShortTalkAsync();
        var job = await Server.UploadAsync(talk.File);
        Assert.DoesNotContain(job.JobId, before);
        var states = new List<string>();
        while (true)
        {
            (name, data) = await NextListEventAsync();
            Assert.Equal("job", name);
            var j = System.Text.Json.Nodes.JsonNode.Parse(data)!;
            if ((string)j["jobId"]! != job.JobId)
            {
                continue;
            }

            states.Add((string)j["state"]!);
            if (states.Count == 1)
            {
                // the job appeared on the list by itself; now it changes and the change comes down the same request
                await Client.CancelJobAsync(new CancelJobRequest { JobId = job.JobId });
            }

            if (states[^1] == "CANCELLED")
            {
                break;
            }
        }

        output.WriteLine($"states pushed on the list: {string.Join(", ", states)}; {figures} figures events between them");
        Assert.NotEqual("CANCELLED", states[0]);
        Assert.True(figures >= 1, "no figures event on the list's stream");
    }

    /// <summary>The next server-sent event (its name and data), throwing when the stream ends first.</summary>
    private static async Task<(string Name, string Data)> NextEventAsync(StreamReader reader, CancellationToken cancel)
    {
        string name = "message", data = "";
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            if (line.Length == 0 && data.Length > 0)
            {
                return (name, data);
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data += line["data: ".Length..];
            }
        }

        throw new InvalidOperationException("the event stream ended before the next event");
    }

    [Fact]
    public async Task HundredWatchersAllSeeTheEndWhileGetJobIsLoadedAt200PerSecond()
    {
        var talk = await TestMedia.FourMinuteTalkAsync();
        var job = await Server.UploadAsync(talk.File, new ClipOptions { MaxClips = 3, Width = 270, Height = 480 });
        var watchers = Enumerable.Range(0, 100).Select(_ => Task.Run(() => Server.WatchAllAsync(job.JobId, TimeSpan.FromMinutes(10)))).ToList();
        var hub = Server.Services.GetRequiredService<JobWatchHub>();
        await Wait.Until(() => hub.Watchers(job.JobId) == 100, TimeSpan.FromSeconds(30));

        // wait for encoding, then 200 GetJob calls a second for 30 s
        await Wait.Until(() => Client.GetJob(new GetJobRequest { JobId = job.JobId }).Stage == V1.Stage.Encoding
            || Client.GetJob(new GetJobRequest { JobId = job.JobId }).State == JobState.Completed, TimeSpan.FromMinutes(6));
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var statesSeen = new System.Collections.Concurrent.ConcurrentBag<V1.Stage>();
        int failures = 0;
        var clock = Stopwatch.StartNew();
        var calls = new List<Task>();
        for (int i = 0; i < 200 * 30; i++)
        {
            var due = TimeSpan.FromMilliseconds(i * 5);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            calls.Add(Task.Run(async () =>
            {
                var t = Stopwatch.StartNew();
                try
                {
                    var j = await Client.GetJobAsync(new GetJobRequest { JobId = job.JobId });
                    latencies.Add(t.Elapsed.TotalMilliseconds);
                    statesSeen.Add(j.Stage);
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref failures);
                }
            }));
        }

        await Task.WhenAll(calls);
        double seconds = clock.Elapsed.TotalSeconds;
        var sorted = latencies.OrderBy(x => x).ToList();
        double P(double q) => sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];
        var line = FormattableString.Invariant(
            $"GetJob load: {sorted.Count} calls in {seconds:0.0} s ({sorted.Count / seconds:0} per second) while encoding for {statesSeen.Count(s => s == V1.Stage.Encoding)} of them, 100 watchers open: p50 {P(0.5):0.0} ms, p99 {P(0.99):0.0} ms, max {sorted[^1]:0.0} ms");
        output.WriteLine(line);
        Measurements.Record(line);
        Assert.Equal(0, failures);
        Assert.Equal(6000, sorted.Count);

        var all = await Task.WhenAll(watchers);
        Assert.All(all, events =>
        {
            Assert.Equal("current", events[0].Reason);
            Assert.Equal(JobState.Completed, events[^1].Job.State);
            Assert.True(events[^1].Job.Clips.All(c => c.Finished));
        });
        Measurements.Record($"WatchJob: {all.Length} concurrent streams, all ended COMPLETED; {all.Min(e => e.Count)}–{all.Max(e => e.Count)} events each");
        await Wait.Until(() => hub.Watchers(job.JobId) == 0, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task MetricsParseAsPrometheusTextAndCountTheJobs()
    {
        var jobs = new List<Job>();
        string token = "";
        do
        {
            var page = await Client.ListJobsAsync(new ListJobsRequest { PageSize = 2, PageToken = token });
            jobs.AddRange(page.Jobs);
            token = page.NextPageToken;
        }
        while (token != "");

        Assert.Equal(jobs.Count, jobs.Select(j => j.JobId).Distinct().Count());
        var text = await Server.Web.GetStringAsync("/metrics");
        var samples = PrometheusText.Parse(text);
        foreach (var state in new[] { JobState.Completed, JobState.Cancelled, JobState.Failed })
        {
            var name = state.ToString().ToLowerInvariant();
            Assert.Equal(jobs.Count(j => j.State == state), samples[$"clipper_jobs{{state=\"{name}\"}}"]);
        }

        Assert.True(samples.ContainsKey("clipper_stage_queued{stage=\"encode\"}"));
        int completed = jobs.Count(j => j.State == JobState.Completed);
        if (completed > 0)
        {
            Assert.True(samples["clipper_stage_duration_seconds_count{stage=\"encode\",outcome=\"ok\"}"] >= completed);
            Assert.Equal(completed, samples["clipper_jobs_finished_total{state=\"completed\"}"]);
        }
    }

    [Fact]
    public async Task HealthReflectionPagesAndTheDashboardAnswer()
    {
        var health = new Health.HealthClient(Server.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(200, (int)(await Server.Web.GetAsync("/health/live")).StatusCode);
        Assert.Equal(200, (int)(await Server.Web.GetAsync("/health/ready")).StatusCode);

        var reflection = new ServerReflection.ServerReflectionClient(Server.Channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("clipper.v1.Clipper", services);
        Assert.Contains("grpc.health.v1.Health", services);

        Assert.Contains("<table>", await Server.Web.GetStringAsync("/jobs"));
        // the dashboard gathers its counters on its own timer: a server that has just started may not list its silo yet
        string counters = "";
        await Wait.Until(
            async () =>
            {
                counters = await Server.Web.GetStringAsync("/dashboard/DashboardCounters");
                return System.Text.Json.Nodes.JsonNode.Parse(counters)!["hosts"]!.AsArray().Any(h => (string?)h!["status"] == "Active");
            },
            TimeSpan.FromSeconds(30),
            () => $"(the dashboard listed no active silo: {counters})");

        // the web port does not answer gRPC-style paths, the gRPC port does not serve pages
        var crossed = await new HttpClient().GetAsync($"http://{Server.GrpcAddress}/jobs");
        Assert.NotEqual(200, (int)crossed.StatusCode);
    }
}
