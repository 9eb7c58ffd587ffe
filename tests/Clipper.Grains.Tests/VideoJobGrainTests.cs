using System.Net;
using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core.Errors;
using Clipper.TestSupport;
using ErrorCode = Clipper.Core.Errors.ErrorCode;

namespace Clipper.Grains.Tests;

/// <summary>One silo, real stages: the job grain's contract (stages in order, idempotent submit, retries, cancel).</summary>
[Trait("Category", "cluster")]
[Trait("Category", "media")]
public sealed class VideoJobGrainTests : IAsyncLifetime
{
    private readonly string _home = TestMedia.TempDir("grains-home");
    private JobCluster _cluster = null!;

    /// <summary>Chunks of about 20 s, two transcribe slots: the 78 s talk's audio is heard as three or four chunk units.</summary>
    public async ValueTask InitializeAsync() => _cluster = await JobCluster.StartAsync(1, _home, settings: new Dictionary<string, string?>
    {
        ["Clipper:Transcribe:ChunkSeconds"] = "20",
        ["Clipper:Job:Transcribe:Concurrency"] = "2",
    });

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_home, true);
    }

    private IVideoJobGrain Job(string id) => _cluster.Grains.GetGrain<IVideoJobGrain>(id);

    [Fact]
    public async Task AJobRunsEveryStageInOrderAndStoresEveryClip()
    {
        var id = Jobs.NewId("e2e");
        var spec = await Jobs.ShortTalkAsync();
        var first = await Job(id).Submit(spec);
        Assert.Equal(id, first.JobId);
        // the job's view of its units in flight, and the silo's slots, watched as it runs
        var executor = _cluster.Executor(_cluster.Cluster.Silos[0]);
        int mostChunks = 0, mostRecognising = 0;
        var v = await _cluster.WaitAsync(id, v =>
        {
            mostChunks = Math.Max(mostChunks, (v.Running ?? new Dictionary<string, double>()).Keys.Count(k => k.StartsWith("transcribe-", StringComparison.Ordinal)));
            mostRecognising = Math.Max(mostRecognising, executor.Running(Stage.Transcribe));
            return v.Status.IsTerminal();
        }, TimeSpan.FromMinutes(4));
        Assert.Equal((2, 2), (mostChunks, mostRecognising));

        Assert.Equal(JobStatus.Completed, v.Status);
        Assert.Null(v.Error);
        Assert.Equal(100, v.Percent);
        Assert.InRange(v.Clips.Count, 1, 3);
        string[] order = ["submitted", "fetching", "transcribing", "scoring", "tracking", "encoding", "completed"];
        var times = order.Select(s => v.StageStartedAt[s]).ToList();
        Assert.Equal(times.Order(), times);
        foreach (var c in v.Clips)
        {
            Assert.InRange(c.End - c.Start, 15 - 0.5, 25 + 0.5);
            var e = v.Encoded[c.Index];
            foreach (var key in new[] { e.VideoKey, e.SrtKey, e.VttKey, e.ThumbnailKey })
            {
                Assert.True(File.Exists(Path.Combine(_cluster.BlobDir, key)), key);
            }

            // the short talk is a close-up that the frame cuts off, so the face is found in few sampled frames or
            // none (which, depends on the clip's window): the crop is centred and says why
            var tracked = v.Tracked[c.Index];
            Assert.Equal("centre", tracked.Method);
            Assert.Matches(@"^(no face found in|a face was found in only \d+ of) \d+ sampled frames$", tracked.Reason);
            // with no face to follow the clip shows the whole frame (the fit layout), saying why
            Assert.Equal("fit", tracked.Layout);
            Assert.Matches(@"^(no face in 0|a face in only \d+) of \d+ sampled frames$", tracked.LayoutReason);
            Assert.InRange(e.Duration, c.End - c.Start - 0.5, c.End - c.Start + 0.5);
        }

        // every unit of work ran once and recorded where: the audio's chunks each as a unit of its own
        var chunks = v.WorkedOn.Keys.Count(k => k.StartsWith("transcribe-", StringComparison.Ordinal));
        Assert.InRange(chunks, 3, 4);
        // the split unit stored the audio as the recogniser hears it, which the chunk units read instead of the source, and
        // each chunk's words as they landed: once joined into the transcript, both are removed
        var sha = v.Source!.Sha256;
        Assert.True(File.Exists(Path.Combine(_cluster.BlobDir, Clipper.Core.Storage.BlobLayout.Transcript(sha, false))), "no transcript");
        Assert.False(File.Exists(Path.Combine(_cluster.BlobDir, Clipper.Core.Storage.BlobLayout.SpeechAudio(sha))),
            "the FLAC copy of the audio is still in the blob store after the join");
        var chunkDir = Path.Combine(_cluster.BlobDir, "transcripts", "chunks");
        Assert.Empty(Directory.Exists(chunkDir) ? Directory.GetFiles(chunkDir, "*", SearchOption.AllDirectories) : []);
        Assert.Equal(["fetch", "score", "split", "transcribe"], v.WorkedOn.Keys.Where(k => !k.Contains('-')).Order(StringComparer.Ordinal));
        Assert.Equal(4 + chunks + 2 * v.Clips.Count, v.WorkedOn.Count);
        Assert.Empty(v.Attempts);
        Assert.Equal(v.Clips.Count, Jobs.Files(Path.Combine(_cluster.BlobDir, "jobs", id), "*.mp4").Count);
        Assert.False(Directory.Exists(Path.Combine(_home, "work", id)), "the job's work directories are removed");

        // submitting the same spec again is idempotent; a late duplicate report changes nothing
        Assert.Equal(JobStatus.Completed, (await Job(id).Submit(spec)).Status);
        var encoded = v.Encoded[1];
        await Job(id).Report(new StageReport(WorkId.Encode(1), "stale", "elsewhere",
            new Encoded(encoded with { VideoKey = "jobs/x/other.mp4" }), null, false, 1));
        var after = (await Job(id).Get())!;
        Assert.Equal(encoded, after.Encoded[1]);
        Assert.Equal(v.WorkedOn, after.WorkedOn);
    }

    [Fact]
    public async Task AnotherSpecUnderTheSameIdIsRefusedAndUnknownJobsAreNull()
    {
        var id = Jobs.NewId("conflict");
        var spec = new JobSpec("/nonexistent/talk.mp4", Jobs.Small);
        await Job(id).Submit(spec);
        var e = await Assert.ThrowsAsync<ClipperException>(() => Job(id).Submit(spec with { Options = spec.Options with { MaxClips = 5 } }));
        Assert.Equal(ErrorCode.IdempotencyConflict, e.Code);
        Assert.Contains("exists with another spec", e.Message);
        Assert.Null(await Job(Jobs.NewId("unknown")).Get());
        Assert.Null(await Job(Jobs.NewId("unknown")).Cancel());
        var bad = await Assert.ThrowsAsync<ClipperException>(() => Job(Jobs.NewId("opts")).Submit(spec with { Options = spec.Options with { MinSeconds = 1 } }));
        Assert.Equal(ErrorCode.BadOption, bad.Code);
        Assert.StartsWith("--min", bad.Message);
    }

    [Fact]
    public async Task AChoiceThisClusterCannotRunIsRefusedAtSubmitAndNoJobIsMade()
    {
        // this cluster has no OpenAI key and no Whisper model: a job that asks for them is refused before it exists
        var spec = new JobSpec("/nonexistent/talk.mp4", Jobs.Small);
        foreach (var (options, expected) in new[]
        {
            (spec.Options with { Asr = "openai" }, "the 'openai' speech-to-text engine needs an OpenAI API key"),
            (spec.Options with { Asr = "whisper" }, "the 'whisper' speech-to-text engine cannot run: Clipper:Transcribe:Whisper:Model (CLIPPER_WHISPER_MODEL) is not set"),
            (spec.Options with { Rank = "llm" }, "ranking with an LLM needs an OpenAI API key"),
            (spec.Options with { Asr = "vosk" }, "asr must be one of pocketsphinx, whisper, openai, got 'vosk'"),
            (spec.Options with { Language = "German" }, "language must be an ISO 639-1 code"),
            (spec.Options with { Captions = "neon" }, "captions must be one of bold, karaoke, pop, lower-third, got 'neon'"),
        })
        {
            var id = Jobs.NewId("choice");
            var e = await Assert.ThrowsAsync<ClipperException>(() => Job(id).Submit(spec with { Options = options }));
            Assert.Equal(ErrorCode.BadOption, e.Code);
            Assert.Contains(expected, e.Message);
            Assert.Null(await Job(id).Get());
        }

        // the offline choices run: the job exists (and fails on its missing file, as any job would)
        var ok = Jobs.NewId("choice-ok");
        var v = await Job(ok).Submit(spec with { Options = spec.Options with { Asr = "pocketsphinx", Rank = "heuristic", Language = "en", Captions = "pop" } });
        Assert.Equal(("pocketsphinx", "heuristic", "en", "pop"), (v.Spec!.Options.Asr, v.Spec.Options.Rank, v.Spec.Options.Language, v.Spec.Options.Captions));
        // the names a job may give are the encoder's presets
        Assert.Equal(Clipper.Stages.Encode.CaptionPresets.Names, JobChoices.CaptionPresets);
    }

    [Fact]
    public async Task AMissingFileFailsAtOnceWithItsCode()
    {
        var id = Jobs.NewId("missing");
        await Job(id).Submit(new JobSpec("/nonexistent/talk.mp4", Jobs.Small));
        var v = await _cluster.WaitAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Failed, v.Status);
        Assert.Equal("source_not_found", v.Error!.Code);
        Assert.Equal(1, v.Attempts["fetch"]);
    }

    [Fact]
    public async Task ATransientFailureIsRetriedWithBackoffThenGivesUp()
    {
        await using var server = new StubServer(HttpStatusCode.ServiceUnavailable);
        var id = Jobs.NewId("retry");
        await Job(id).Submit(new JobSpec(server.Url, Jobs.Small));
        var v = await _cluster.WaitAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromSeconds(60));

        Assert.Equal(JobStatus.Failed, v.Status);
        Assert.Equal("download_failed", v.Error!.Code);
        Assert.Contains("gave up after 3 attempts", v.Error.Message);
        Assert.Equal(3, v.Attempts["fetch"]);
        var hits = server.Hits;
        Assert.Equal(3, hits.Count);
        // base 1 s in this cluster: the waits are 1 s and 2 s, each ±20 % (plus dispatch latency)
        var first = (hits[1] - hits[0]).TotalSeconds;
        var second = (hits[2] - hits[1]).TotalSeconds;
        Assert.InRange(first, 0.8, 1.8);
        Assert.InRange(second, 1.6, 3.0);
    }

    [Fact]
    public async Task NotFoundIsPermanentAndNotRetried()
    {
        await using var server = new StubServer(HttpStatusCode.NotFound);
        var id = Jobs.NewId("404");
        await Job(id).Submit(new JobSpec(server.Url, Jobs.Small));
        var v = await _cluster.WaitAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromSeconds(60));
        Assert.Equal("download_failed", v.Error!.Code);
        Assert.Equal(1, v.Attempts["fetch"]);
        Assert.Single(server.Hits);
    }

    [Fact]
    public async Task CancellingStopsTheRunningStageAndItsProcesses()
    {
        var id = Jobs.NewId("cancel");
        await Job(id).Submit(await Jobs.ShortTalkAsync());
        await _cluster.WaitAsync(id, v => v.Status == JobStatus.Transcribing, TimeSpan.FromSeconds(60));
        var executor = _cluster.Executor(_cluster.Cluster.Silos[0]);
        await Task.Delay(1000);
        var v = await Job(id).Cancel();
        Assert.Equal(JobStatus.Cancelled, v!.Status);
        Assert.Equal("cancelled", v.Error!.Code);
        await Wait.Until(() => Task.FromResult(executor.Running(Stage.Transcribe) == 0), TimeSpan.FromSeconds(10), "no transcription running");
        // the slot is given back just before the directory is removed: wait for both
        await Wait.Until(() => Task.FromResult(!Directory.Exists(Path.Combine(_home, "work", id))), TimeSpan.FromSeconds(10),
            "the stopped unit's work directory removed");
        await Task.Delay(1500);
        Assert.Equal(JobStatus.Cancelled, (await Job(id).Get())!.Status);
    }

    [Fact]
    public async Task AUnitReDrivenWhileItIsBeingStoppedIsNotTakenForRunning()
    {
        // a real fetched source, from a job cancelled once it got there
        var id = Jobs.NewId("source");
        await Job(id).Submit(await Jobs.ShortTalkAsync());
        var v = await _cluster.WaitAsync(id, v => v.Status == JobStatus.Transcribing, TimeSpan.FromSeconds(60));
        await Job(id).Cancel();
        var executor = _cluster.Executor(_cluster.Cluster.Silos[0]);
        await Wait.Until(() => Task.FromResult(executor.Running(Stage.Transcribe) == 0), TimeSpan.FromSeconds(10), "no transcription running");

        // a unit of a job nobody drives, so only this test starts and stops it
        var ghost = Jobs.NewId("ghost");
        var work = new StageWork(ghost, WorkId.Transcribe, v.Spec!, v.Source, null, null, null);
        var unit = _cluster.Grains.GetGrain<ILocalStageGrain>($"{ghost}/transcribe");
        await unit.Start(work, "first");
        await Wait.Until(() => Task.FromResult(executor.Running(Stage.Transcribe) == 1), TimeSpan.FromSeconds(10), "the ghost unit running");
        Assert.True(await unit.IsRunning("first"));

        // stopped (as a stage timeout or a stopping silo does), then re-driven under a new token at once: a run
        // being stopped reports nothing, so it must not pass for running under the new token, or its job waits
        // for an answer that never comes
        await unit.Stop();
        await unit.Start(work, "again");
        Assert.False(await unit.IsRunning("again"));
        await Wait.Until(() => Task.FromResult(executor.Running(Stage.Transcribe) == 0), TimeSpan.FromSeconds(10), "the stopped run ended");
        Assert.False(await unit.IsRunning("again"));
        Assert.False(await unit.IsRunning("first"));
    }
}

/// <summary>
/// A loopback HTTP server that answers every request with one status and records when each came: the shared
/// <see cref="TestHttpServer"/>, which listens on a port the system gives it (no free port picked first and bound later,
/// which another process can take in between).
/// </summary>
public sealed class StubServer : IAsyncDisposable
{
    private readonly List<DateTime> _hits = [];
    private readonly TestHttpServer _server;

    public StubServer(HttpStatusCode status)
    {
        _server = new TestHttpServer(async ex =>
        {
            lock (_hits)
            {
                _hits.Add(DateTime.UtcNow);
            }

            await ex.SendAsync((int)status, []);
        });
        Url = _server.Url("/talk.mp4");
    }

    public string Url { get; }

    public IReadOnlyList<DateTime> Hits
    {
        get
        {
            lock (_hits)
            {
                return _hits.ToList();
            }
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
