using Clipper.Abstractions.Jobs;
using Clipper.Core.Transcripts;
using Clipper.TestSupport;

namespace Clipper.Grains.Tests;

/// <summary>
/// The OpenAI speech-to-text engine inside a whole job, chosen per job on a cluster whose default is pocketsphinx,
/// against a fake of the transcription API on loopback (the real SDK client): each upload piece is a chunk unit of its
/// own, one piece keeps failing, the job still completes, its transcript says which piece pocketsphinx recognised and
/// why, and the usage the job records is exactly what the fake was sent.
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "media")]
[Trait("Category", "slow")]
public sealed class RemoteTranscriptionJobTests(ITestOutputHelper output)
{
    private const string Key = "sk-test-RemoteTranscriptionJobTests-0123456789";

    [Fact]
    public async Task APieceThatKeepsFailingIsRecognisedLocallyAndTheJobCompletesSayingSo()
    {
        var talk = await TestMedia.ShortTalkAsync();
        // piece 1 answers 500 every time: after its attempts it falls back to pocketsphinx, the others are the API's
        await using var fake = await FakeOpenAi.StartAsync(talk, c => c.Piece == 1
            ? new FakeReply(FakeAnswer.Status, 500, """{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}""")
            : FakeReply.Transcribe);
        var home = TestMedia.TempDir("remote-asr-job");
        await using var cluster = await JobCluster.StartAsync(1, home, settings: new Dictionary<string, string?>
        {
            ["Clipper:OpenAI:ApiKey"] = Key,
            ["Clipper:OpenAI:BaseUrl"] = fake.BaseUrl,
            ["Clipper:Transcribe:Remote:ChunkMinutes"] = "0.25",
            ["Clipper:Transcribe:Remote:OverlapSeconds"] = "1.5",
            ["Clipper:Transcribe:Remote:MaxAttempts"] = "2",
            ["Clipper:Transcribe:Remote:RetryDelay"] = "00:00:00.050",
        });

        var id = Jobs.NewId("remote-asr");
        await cluster.Grains.GetGrain<IVideoJobGrain>(id).Submit(new JobSpec(talk.File, Jobs.Small with { MaxClips = 1, Asr = "openai" }));
        var v = await cluster.WaitAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(6));
        Assert.True(v.Status == JobStatus.Completed, $"job ended {v.Status}: {v.Error}");

        var t = v.Transcript!;
        output.WriteLine(string.Join("\n", t.Pieces!.Select(p => $"{p.Start:0.0}-{p.End:0.0} {p.Source} {p.Words} words, {p.Requests} requests: {p.Reason}")));
        Assert.Equal("openai", t.Provider);
        Assert.True(t.Pieces!.Length >= 3, $"{t.Pieces.Length} pieces");
        Assert.Equal("pocketsphinx", t.Pieces[1].Source);
        Assert.Equal(2, t.Pieces[1].Requests);
        Assert.Contains("500", t.Pieces[1].Reason);
        Assert.All(t.Pieces.Where((_, i) => i != 1), p => Assert.Equal(("openai", 1), (p.Source, p.Requests)));
        Assert.True(t.Pieces[1].Words > 0, "the fallen-back piece has no words");

        // what the job records and what it costs is what the fake was sent; every stage's CPU was counted
        Assert.Equal(fake.Requests, t.Remote!.Requests);
        Assert.Equal(Math.Round(fake.BilledSeconds, 3), t.Remote.AudioSeconds, 6);
        var cost = v.Cost!;
        output.WriteLine(string.Join("\n", cost.Stages.Select(s => $"{s.Stage}: {s.Units} units, {s.CpuSeconds:0.00} s CPU")));
        Assert.Equal((fake.Requests, Math.Round(fake.BilledSeconds, 3)), (cost.Transcription!.Requests, Math.Round(cost.Transcription.AudioSeconds, 3)));
        Assert.Equal(Math.Round(fake.BilledSeconds, 3) / 60 * 0.006, cost.Transcription.Cost, 9);
        Assert.Equal(["fetch", "split", "transcribe", "score", "track", "encode"], cost.Stages.Select(s => s.Stage));
        Assert.All(cost.Stages, s => Assert.True(s.CpuSeconds > 0, $"{s.Stage} counted no CPU"));
        Assert.Equal(1, cost.Stages.Single(s => s.Stage == "split").Units);

        // the remote engine's pieces are the job's chunk units: one unit a piece (each stored as it landed), and the join
        var chunkUnits = v.WorkedOn.Keys.Where(k => k.StartsWith("transcribe-", StringComparison.Ordinal)).Order().ToList();
        output.WriteLine($"chunk units: {string.Join(", ", chunkUnits)}");
        Assert.Equal(Enumerable.Range(1, t.Pieces.Length).Select(i => $"transcribe-{i}").Order(), chunkUnits);
        Assert.Equal(t.Pieces.Length + 1, cost.Stages.Single(s => s.Stage == "transcribe").Units);
        Assert.Equal(t.Pieces.Length, fake.Calls.Select(c => c.Piece).Distinct().Count());

        // the stored transcript is the API's words where it answered, pocketsphinx's in the piece that failed
        var stored = Clipper.Core.Json.Deserialize<Transcript>(
            await File.ReadAllTextAsync(Path.Combine(cluster.BlobDir, t.TranscriptKey)));
        Assert.Equal(t.Words, stored.Words.Count);
        Assert.DoesNotContain(Key, await File.ReadAllTextAsync(Path.Combine(cluster.BlobDir, t.TranscriptKey)));
    }
}
