using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Grains.Cost;
using Clipper.Grains.Work;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Clipper.Grains.Tests;

/// <summary>
/// A job's cost from its state: the units' CPU and wall seconds summed per stage (failed attempts' CPU included, a
/// repeated answer not counted twice), the remote transcription's and the LLM's usage, each priced by the table; and
/// the usage survives the serializer the job's stored state goes through.
/// </summary>
[Trait("Category", "unit")]
public sealed class JobCostTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
    private static readonly SourceResult Source = new("sources/a.mp4", "a", "a.mp4", 120, 1920, 1080, 30, 1000, null);

    private static readonly PriceOptions Prices = new()
    {
        TranscriptionPerAudioMinute = 0.006,
        LlmInputPerMillion = 0.15,
        LlmOutputPerMillion = 0.60,
        LlmAsOf = "2024-07-18 gpt-4o-mini list price",
        CpuPerCoreHour = 0.036,
        CpuAsOf = "test machine",
    };

    private static JobState Ran()
    {
        var s = new JobState { Spec = new JobSpec("/talk.mp4", new ClipSettings(2, 15, 25, 270, 480)), Status = JobStatus.Fetching };
        Assert.True(JobReports.Succeeded(s, WorkId.Fetch, new SourceFetched(Source), "silo-a", 2, 1.5));
        var transcript = new TranscriptResult("transcripts/a.json", 300, "openai", null, new RemoteAsrUsage("openai", "whisper-1", 3, 150));
        // the first attempt failed after using 4 s of CPU: it was paid for too
        Assert.NotNull(JobReports.Failed(s, WorkId.Transcribe, new JobError("tool_failed", "x", null), true, 3, _ => TimeSpan.FromSeconds(5), T0, 4));
        Assert.True(JobReports.Succeeded(s, WorkId.Transcribe, new Transcribed(transcript), "silo-a", 30, 20));
        var clips = new List<ClipPlan> { new(1, 10, 30, 50, 50, 50, 50, 50, "r", "t1"), new(2, 40, 60, 50, 50, 50, 50, 50, "r", "t2") };
        var ranking = new RankSummary("llm", "llm", Model: "gpt-4o-mini", InputTokens: 10_000, OutputTokens: 2_000);
        Assert.True(JobReports.Succeeded(s, WorkId.Score, new Scored(clips, ranking), "silo-a", 1, 0.25));
        Assert.True(JobReports.Succeeded(s, WorkId.Track(1), new Tracked(new TrackResult(1, "c1", "face", null)), "silo-a", 5, 3));
        Assert.True(JobReports.Succeeded(s, WorkId.Track(2), new Tracked(new TrackResult(2, "c2", "face", null)), "silo-b", 6, 4));
        // a repeated answer changes nothing, its CPU included
        Assert.False(JobReports.Succeeded(s, WorkId.Track(2), new Tracked(new TrackResult(2, "c2", "face", null)), "silo-b", 6, 4));
        return s;
    }

    [Fact]
    public void EachStageSumsItsUnitsAndEachLineIsPricedByTheTable()
    {
        var cost = JobCosts.Of(Ran(), Prices);

        Assert.Equal(["fetch", "transcribe", "score", "track"], cost.Stages.Select(x => x.Stage));
        var transcribe = cost.Stages[1];
        Assert.Equal((1, 24.0, 30.0), (transcribe.Units, transcribe.CpuSeconds, transcribe.WallSeconds));
        var track = cost.Stages[3];
        Assert.Equal((2, 7.0, 11.0), (track.Units, track.CpuSeconds, track.WallSeconds));
        Assert.Equal(7.0 / 3600 * 0.036, track.Cost, 12);
        Assert.Equal(32.75, cost.CpuSeconds, 9);

        Assert.Equal(new RemoteAsrCost("openai", "whisper-1", 3, 150, 2.5 * 0.006), cost.Transcription);
        Assert.Equal(2.5, cost.Transcription!.AudioMinutes);
        Assert.Equal(new LlmCost("gpt-4o-mini", 10_000, 2_000, (10_000 * 0.15 / 1e6) + (2_000 * 0.60 / 1e6)), cost.Ranking);
        Assert.Equal((32.75 / 3600 * 0.036) + 0.015 + 0.0027, cost.Total, 12);
        Assert.Equal("USD", cost.Currency);
        Assert.Equal("cpu: test machine; transcription: 2026-12-06 OpenAI whisper-1 list price; llm: 2024-07-18 gpt-4o-mini list price",
            cost.PricesAsOf);
    }

    [Fact]
    public void TheUsageSurvivesTheStoredStatesSerializerAndGivesTheSameCost()
    {
        var s = Ran();
        var back = Serializer.Deserialize<JobState>(Serializer.SerializeToArray(s))!;
        Assert.Equal(JobCosts.Of(s, Prices).Total, JobCosts.Of(back, Prices).Total);
        Assert.Equal(JobCosts.Of(s, Prices).Stages, JobCosts.Of(back, Prices).Stages);

        var report = new StageReport(WorkId.Encode(1), "t", "silo", null, null, false, 2, 1.25);
        Assert.Equal(1.25, Serializer.Deserialize<StageReport>(Serializer.SerializeToArray(report))!.CpuSeconds);
    }

    [Fact]
    public void AHeuristicJobWithALocalTranscriptHasNoRemoteLinesAndCpuAtZeroPriceByDefault()
    {
        var s = new JobState { Spec = new JobSpec("/talk.mp4", new ClipSettings(2, 15, 25, 270, 480)), Status = JobStatus.Fetching };
        JobReports.Succeeded(s, WorkId.Fetch, new SourceFetched(Source), "silo-a", 2, 1.5);
        JobReports.Succeeded(s, WorkId.Transcribe, new Transcribed(new TranscriptResult("t.json", 300, "pocketsphinx")), "silo-a", 30, 20);
        var cost = JobCosts.Of(s, new PriceOptions());
        Assert.Null(cost.Transcription);
        Assert.Null(cost.Ranking);
        Assert.Equal(0, cost.Total);
        Assert.Equal(21.5, cost.CpuSeconds);
        Assert.StartsWith("cpu: not priced", cost.PricesAsOf);
    }
}
