using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Grains.Work;

namespace Clipper.Grains.Tests;

/// <summary>The job's graph of units, on its own: what is ready, done and backing off, and the status it derives.</summary>
[Trait("Category", "unit")]
public sealed class JobPlanTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly SourceResult Source = new("sources/a.mp4", "a", "a.mp4", 120, 1920, 1080, 30, 1000, null);
    private static readonly TranscriptResult Transcript = new("transcripts/a.json", 300, "test");

    private static JobState Submitted() => new()
    {
        Spec = new JobSpec("/talk.mp4", new ClipSettings(3, 15, 25, 270, 480)),
        Status = JobStatus.Submitted,
    };

    private static JobState Scored(int clips)
    {
        var s = Submitted();
        s.Source = Source;
        s.Transcript = Transcript;
        s.Clips = [.. Enumerable.Range(1, clips).Select(i => new ClipPlan(i, 20 * i, 20 * i + 18, 50, 50, 50, 50, 50, "r", $"t{i}"))];
        s.Status = JobStatus.Scoring;
        return s;
    }

    private static PlanStep Next(JobState s, params WorkId[] running) => JobPlan.Next(s, running, _ => 4, T0);

    [Fact]
    public void ANewJobCanOnlyFetch()
    {
        var step = Next(Submitted());
        Assert.Equal([WorkId.Fetch], step.Ready);
        Assert.Equal(JobStatus.Fetching, step.Status);
        Assert.Null(step.NextRetry);
    }

    [Fact]
    public void ARunningUnitIsNotReadyTwice() => Assert.Empty(Next(Submitted(), WorkId.Fetch).Ready);

    [Fact]
    public void TheAudioIsSplitThenItsChunksAreRecognisedAtOnceWithinTheLimitThenJoined()
    {
        var s = Submitted();
        s.Source = Source;
        Assert.Equal([WorkId.Split], Next(s).Ready);
        Assert.Equal(JobStatus.Transcribing, Next(s).Status);

        var plan = new SpeechPlan([new SpeechChunk(1, 0, 41.5), new SpeechChunk(2, 41.5, 80.2), new SpeechChunk(3, 80.2, 120)], 0.5, 31, "pocketsphinx");
        Assert.True(JobPlan.Apply(s, WorkId.Split, new SpeechSplit(plan)));
        var step = JobPlan.Next(s, [], stage => stage == Stage.Transcribe ? 2 : 1, T0);
        Assert.Equal([WorkId.Chunk(1), WorkId.Chunk(2)], step.Ready);
        Assert.Equal(plan.Chunks[1], JobPlan.WorkFor("j", s, WorkId.Chunk(2)).Chunk);

        // the third chunk waits for a slot; the joining unit for every chunk
        Assert.Equal([WorkId.Chunk(2)], JobPlan.Next(s, [WorkId.Chunk(1)], stage => stage == Stage.Transcribe ? 2 : 1, T0).Ready);
        Assert.Empty(JobPlan.Next(s, [WorkId.Chunk(1), WorkId.Chunk(3)], stage => stage == Stage.Transcribe ? 2 : 1, T0).Ready);
        foreach (var i in new[] { 3, 1 })
        {
            Assert.True(JobPlan.Apply(s, WorkId.Chunk(i), new ChunkTranscribed(new ChunkResult(i, $"c{i}", 10 * i))));
        }

        Assert.Equal([WorkId.Chunk(2)], Next(s).Ready);
        Assert.False(JobPlan.Apply(s, WorkId.Chunk(1), new ChunkTranscribed(new ChunkResult(1, "again", 1))));
        Assert.False(JobPlan.Apply(s, WorkId.Chunk(2), new ChunkTranscribed(new ChunkResult(3, "c3", 30))));
        Assert.False(JobPlan.Apply(s, WorkId.Chunk(2), new Transcribed(Transcript)));
        Assert.True(JobPlan.Apply(s, WorkId.Chunk(2), new ChunkTranscribed(new ChunkResult(2, "c2", 20))));

        Assert.Equal([WorkId.Transcribe], Next(s).Ready);
        var join = JobPlan.WorkFor("j", s, WorkId.Transcribe);
        Assert.Equal(["c1", "c2", "c3"], join.Chunks!.Select(c => c.Key));
        Assert.Null(join.Chunk);
        Assert.False(JobPlan.Apply(s, WorkId.Transcribe, new ChunkTranscribed(new ChunkResult(4, "c4", 1))));
        Assert.True(JobPlan.Apply(s, WorkId.Transcribe, new Transcribed(Transcript)));
        Assert.Equal([WorkId.Score], Next(s).Ready);
    }

    [Fact]
    public void AudioHeardWholeGoesStraightFromSplitToTranscribe()
    {
        var s = Submitted();
        s.Source = Source;
        Assert.True(JobPlan.Apply(s, WorkId.Split, new SpeechSplit(null)));
        Assert.Equal([WorkId.Transcribe], Next(s).Ready);
        Assert.Null(JobPlan.WorkFor("j", s, WorkId.Transcribe).Speech);
        Assert.DoesNotContain(JobPlan.Units(s), u => u.IsChunk);
    }

    [Fact]
    public void AJobTranscribedBeforeSplitExistedNeedsNoSplit()
    {
        var s = Scored(1);
        Assert.True(JobPlan.IsDone(s, WorkId.Split));
        Assert.Equal([WorkId.Track(1)], Next(s).Ready);
    }

    [Fact]
    public void EveryClipIsTrackedAtOnceAndEncodedOnlyAfterItsOwnTrack()
    {
        var s = Scored(3);
        Assert.Equal([WorkId.Track(1), WorkId.Track(2), WorkId.Track(3)], Next(s).Ready);

        s.Tracked[2] = new TrackResult(2, "jobs/j/crop/clip-02.json", "face", null);
        var step = Next(s, WorkId.Track(1), WorkId.Track(3));
        Assert.Equal([WorkId.Encode(2)], step.Ready);
        Assert.Equal(JobStatus.Tracking, step.Status);
    }

    [Fact]
    public void ThePerJobLimitCountsEachStageOnItsOwn()
    {
        var s = Scored(5);
        s.Tracked[1] = new TrackResult(1, "k", "face", null);
        var step = JobPlan.Next(s, [WorkId.Track(2)], stage => stage == Stage.Track ? 2 : 1, T0);
        Assert.Equal([WorkId.Track(3), WorkId.Encode(1)], step.Ready);
    }

    [Fact]
    public void UnitsBackingOffWaitTheirOwnTimeAndTheEarliestIsNext()
    {
        var s = Scored(3);
        s.UnitFor(WorkId.Track(1)).RetryAt = T0.AddSeconds(10);
        s.UnitFor(WorkId.Track(2)).RetryAt = T0.AddSeconds(4);
        s.UnitFor(WorkId.Track(3)).RetryAt = T0.AddSeconds(-1);

        var step = Next(s);
        Assert.Equal([WorkId.Track(3)], step.Ready);
        Assert.Equal(T0.AddSeconds(4), step.NextRetry);
        Assert.Equal(new Dictionary<WorkId, DateTimeOffset> { [WorkId.Track(1)] = T0.AddSeconds(10), [WorkId.Track(2)] = T0.AddSeconds(4) },
            step.BackingOff);

        var later = JobPlan.Next(s, [WorkId.Track(3)], _ => 4, T0.AddSeconds(4));
        Assert.Equal([WorkId.Track(2)], later.Ready);
        Assert.Equal(T0.AddSeconds(10), later.NextRetry);
    }

    [Fact]
    public void TheStatusIsTheFirstStageWithWorkLeft()
    {
        var s = Scored(2);
        Assert.Equal(JobStatus.Tracking, JobPlan.StatusOf(s));
        s.Tracked[1] = new TrackResult(1, "k", "face", null);
        s.Tracked[2] = new TrackResult(2, "k", "face", null);
        s.Encoded[1] = new EncodeResult(1, "v", "s", "t", "j", 18);
        Assert.Equal(JobStatus.Encoding, JobPlan.StatusOf(s));
        s.Encoded[2] = new EncodeResult(2, "v", "s", "t", "j", 18);
        Assert.Equal(JobStatus.Completed, JobPlan.StatusOf(s));

        Assert.Equal(JobStatus.Completed, JobPlan.StatusOf(Scored(0)));
        s.Status = JobStatus.Cancelled;
        Assert.Equal(JobStatus.Cancelled, JobPlan.StatusOf(s));
        Assert.Empty(Next(s).Ready);
    }

    [Fact]
    public void AResultIsRecordedOnceAndOnlyForItsOwnStage()
    {
        var s = Submitted();
        Assert.False(JobReports.Succeeded(s, WorkId.Fetch, new Transcribed(Transcript), "silo", 1));
        Assert.True(JobReports.Succeeded(s, WorkId.Fetch, new SourceFetched(Source), "silo-a", 2.5));
        Assert.False(JobReports.Succeeded(s, WorkId.Fetch, new SourceFetched(Source with { Sha256 = "b" }), "silo-b", 1));
        Assert.Equal("a", s.Source!.Sha256);
        Assert.Equal("silo-a", s.Unit(WorkId.Fetch)!.Silo);

        var scored = Scored(2);
        Assert.False(JobReports.Succeeded(scored, WorkId.Track(1), new Tracked(new TrackResult(2, "k", "face", null)), "silo", 1));
        Assert.Empty(scored.Tracked);
    }

    [Fact]
    public void ATransientFailureBacksOffUntilItsAttemptsAreSpent()
    {
        var s = Scored(1);
        var error = new JobError("tool_failed", "ffmpeg crashed", "tail");
        TimeSpan Delay(int n) => TimeSpan.FromSeconds(5 * Math.Pow(2, n - 1));

        Assert.Equal(T0.AddSeconds(5), JobReports.Failed(s, WorkId.Track(1), error, true, 3, Delay, T0));
        Assert.Equal(T0.AddSeconds(15), JobReports.Failed(s, WorkId.Track(1), error, true, 3, Delay, T0.AddSeconds(5)));
        Assert.Equal(JobStatus.Scoring, s.Status);

        Assert.Null(JobReports.Failed(s, WorkId.Track(1), error, true, 3, Delay, T0.AddSeconds(15)));
        Assert.Equal(JobStatus.Failed, s.Status);
        Assert.Equal("ffmpeg crashed (gave up after 3 attempts)", s.Error!.Message);
        Assert.Equal(T0.AddSeconds(15), s.FinishedAt);
        Assert.Null(s.Unit(WorkId.Track(1))!.RetryAt);
    }

    [Fact]
    public void APermanentFailureFailsTheJobAtOnce()
    {
        var s = Submitted();
        Assert.Null(JobReports.Failed(s, WorkId.Fetch, new JobError("not_a_video", "not a video", null), false, 3, _ => TimeSpan.Zero, T0));
        Assert.Equal(JobStatus.Failed, s.Status);
        Assert.Equal("not a video", s.Error!.Message);
        Assert.Equal(1, s.Unit(WorkId.Fetch)!.Attempts);
    }

    [Fact]
    public void EnteringAStatusPastOthersStampsTheSkippedOnes()
    {
        var s = Scored(0);
        JobStatuses.Enter(s, JobStatus.Completed, T0);
        Assert.Equal(new Dictionary<string, DateTimeOffset> { ["tracking"] = T0, ["encoding"] = T0, ["completed"] = T0 }, s.StageStartedAt);
        Assert.Equal(T0, s.FinishedAt);
    }

    [Theory]
    [InlineData("fetch", Stage.Fetch, 0)]
    [InlineData("transcribe", Stage.Transcribe, 0)]
    [InlineData("transcribe-7", Stage.Transcribe, 7)]
    [InlineData("split", Stage.Split, 0)]
    [InlineData("track-3", Stage.Track, 3)]
    [InlineData("encode-12", Stage.Encode, 12)]
    public void AWorkIdReadsBackFromItsText(string text, Stage stage, int index)
    {
        Assert.True(WorkId.TryParse(text, out var id));
        Assert.Equal(new WorkId(stage, index), id);
        Assert.Equal(text, id.ToString());
        Assert.Equal($"job-1/{text}", id.GrainKey("job-1"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("track-")]
    [InlineData("track-0")]
    [InlineData("track-x")]
    [InlineData("1")]
    [InlineData("upload")]
    public void TextThatNamesNoUnitIsRefused(string text) => Assert.False(WorkId.TryParse(text, out _));

    [Fact]
    public void StateWrittenByTheEarlierBuildMovesIntoTypedUnits()
    {
        var s = Scored(2);
        s.WorkedOn["fetch"] = "silo-a";
        s.WorkSeconds["fetch"] = 3.5;
        s.Attempts["track-2"] = 1;
        s.RetryAt["track-2"] = T0.AddSeconds(7);
        s.LastErrors["track-2"] = new JobError("tool_failed", "crashed", null);
        s.Attempts["bogus"] = 4;

        Assert.True(JobStateUpgrade.Upgrade(s));
        Assert.False(JobStateUpgrade.Upgrade(s));
        Assert.Equal(("silo-a", 3.5), (s.Unit(WorkId.Fetch)!.Silo, s.Unit(WorkId.Fetch)!.Seconds!.Value));
        var track = s.Unit(WorkId.Track(2))!;
        Assert.Equal((1, T0.AddSeconds(7), "crashed"), (track.Attempts, track.RetryAt!.Value, track.LastError!.Message));
        Assert.Equal(2, s.Units.Count);
        Assert.Empty(s.Attempts);
        Assert.Equal(T0.AddSeconds(7), Next(s).NextRetry);
    }

    [Fact]
    public void ProgressIsTheWeightedShareOfDoneUnitsAndNeverGoesBackInAStatus()
    {
        var s = Scored(2);
        s.Status = JobStatus.Tracking;
        s.Tracked[1] = new TrackResult(1, "k", "face", null);
        var running = new Dictionary<WorkId, double> { [WorkId.Track(2)] = 0.5 };

        var shown = JobViews.WithProgress("j", s, running, null);
        Assert.Equal(75, shown.StagePercent, 6);
        Assert.Equal(5 + 25 + 2 + 18 * 0.75, shown.Percent, 6);

        // the unit failed and runs again from 0: what was shown stays
        var again = JobViews.WithProgress("j", s, new Dictionary<WorkId, double>(), shown);
        Assert.Equal((shown.StagePercent, shown.Percent), (again.StagePercent, again.Percent));
    }

    [Fact]
    public void TheJobsPercentHoldsWhenAnEncodeFailsAsTrackingEnds()
    {
        // clip 1 tracked and encoding at 90 % while clip 2 is still tracked: the job shows Tracking
        var s = Scored(2);
        s.Status = JobStatus.Tracking;
        s.Tracked[1] = new TrackResult(1, "k", "face", null);
        var running = new Dictionary<WorkId, double> { [WorkId.Track(2)] = 0.9, [WorkId.Encode(1)] = 0.9 };
        var shown = JobViews.WithProgress("j", s, running, null);

        // then clip 2's track lands and clip 1's encode fails in the same moment: the job moves on to Encoding
        // with nothing encoding yet
        s.Tracked[2] = new TrackResult(2, "k", "face", null);
        s.Status = JobStatus.Encoding;
        var next = JobViews.WithProgress("j", s, new Dictionary<WorkId, double>(), shown);

        Assert.Equal(shown.Percent, next.Percent, 6);
        Assert.Equal(0, next.StagePercent, 6);
    }

    [Fact]
    public void ALinksAudioFetchedAheadIsSplitAndRecognisedWhileTheVideoDownloadsAndTheRestWaitsForTheVideo()
    {
        var s = Submitted();
        s.Spec = s.Spec! with { Input = "https://video.example/watch?v=1" };
        Assert.Equal([WorkId.FetchAudio, WorkId.Fetch], Next(s).Ready);
        Assert.Equal("fetch-audio", WorkId.FetchAudio.ToString());
        Assert.True(WorkId.TryParse("fetch-audio", out var parsed) && parsed == WorkId.FetchAudio);

        var site = new SourceSite("Youtube", "1", "t", null, 120, "https://video.example/watch?v=1");
        Assert.True(JobPlan.Apply(s, WorkId.FetchAudio, new AudioFetched(new AudioResult("audio/b.m4a", "b", 2000, site), null)));
        // the fetch still runs: the split takes the audio, and hands it to the chunks with its hash
        Assert.Equal([WorkId.Split], Next(s, WorkId.Fetch).Ready);
        Assert.Equal("b", JobPlan.WorkFor("j", s, WorkId.Split).Audio!.Sha256);
        s.Split = new SpeechSplit(new SpeechPlan([new SpeechChunk(1, 0, 60), new SpeechChunk(2, 60, 120)], 0.5, 31, "pocketsphinx", "audio/b-16k.flac", "b"));
        Assert.Equal([WorkId.Chunk(1), WorkId.Chunk(2)], Next(s, WorkId.Fetch).Ready);
        Assert.Equal(JobStatus.Fetching, Next(s, WorkId.Fetch).Status);

        // every chunk recognised: joining (and everything after it) waits for the video
        s.Chunks[1] = new ChunkResult(1, "c1", 10);
        s.Chunks[2] = new ChunkResult(2, "c2", 10);
        Assert.Empty(Next(s, WorkId.Fetch).Ready);
        s.Source = Source;
        Assert.Equal([WorkId.Transcribe], Next(s).Ready);
    }

    [Fact]
    public void AFileHasNoAudioAheadAndALinkWhoseVideoCameFirstNeedsNone()
    {
        Assert.DoesNotContain(WorkId.FetchAudio, JobPlan.Units(Submitted()));
        var s = Submitted();
        s.Spec = s.Spec! with { Input = "http://video.example/page" };
        Assert.True(JobPlan.Apply(s, WorkId.FetchAudio, new AudioFetched(null, "the site offers video and audio only together")));
        Assert.Equal([WorkId.Fetch], Next(s).Ready); // the split waits for the merged source, as for any input
        var late = Submitted();
        late.Spec = s.Spec;
        late.Source = Source;
        Assert.True(JobPlan.IsDone(late, WorkId.FetchAudio));
        Assert.Equal([WorkId.Split], Next(late).Ready);
    }
}
