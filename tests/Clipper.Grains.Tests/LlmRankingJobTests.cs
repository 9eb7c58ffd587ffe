using Clipper.Abstractions.Jobs;
using Clipper.Core.Storage;
using Clipper.TestSupport;

namespace Clipper.Grains.Tests;

/// <summary>
/// LLM ranking inside whole jobs, chosen per job on a cluster whose default is the heuristic, against a fake OpenAI
/// chat endpoint on loopback driven through the real SDK: the ranking, its stored audit, the cache that makes the
/// same job again cost no call, a job that keeps the default, and the key found nowhere in what the jobs stored.
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "media")]
[Trait("Category", "slow")]
public sealed class LlmRankingJobTests(ITestOutputHelper output)
{
    private const string Key = "sk-test-LlmRankingJobTests-0123456789abcdef";

    [Fact]
    public async Task AJobThatAsksForTheLlmIsRankedByItAndTheSameJobAgainMakesNoCall()
    {
        await using var fake = new FakeOpenAiChat();
        var home = TestMedia.TempDir("llm-job");
        await using var cluster = await JobCluster.StartAsync(1, home, settings: new Dictionary<string, string?>
        {
            ["Clipper:OpenAI:ApiKey"] = Key,
            ["Clipper:OpenAI:BaseUrl"] = fake.BaseUrl,
        });
        var spec = await Jobs.ShortTalkAsync(Jobs.Small with { MaxClips = 2, Rank = "llm" });

        var first = await RunAsync(cluster, "llm-1", spec);
        Assert.Equal(1, fake.Calls);
        var r = first.Ranking!;
        output.WriteLine($"ranking {r.Method} {r.Outcome} {r.Model} {r.Scorer} {r.PromptHash} tokens {r.InputTokens}/{r.OutputTokens}");
        Assert.Equal(("llm", "llm", "gpt-4o-mini"), (r.Method, r.Outcome, r.Model));
        Assert.True(r.InputTokens > 0 && r.OutputTokens > 0, "the model's answer was not counted");
        Assert.All(first.Clips, c =>
        {
            Assert.Equal("llm", c.RankedBy);
            Assert.InRange(c.LlmScore, 0, 100);
            Assert.StartsWith("Fake title c", c.Title);
            Assert.True(c.HeuristicScore >= 0, "the heuristic's score is always kept");
        });

        // the audit: the exact request and answer, stored with the job, the key taken out
        var audit = await File.ReadAllTextAsync(Path.Combine(cluster.BlobDir, BlobLayout.LlmAudit(first.JobId)));
        Assert.Contains("\"request\"", audit);
        Assert.Contains("Fake title", audit);

        // the same job again: the same scores from the cache, no call
        var second = await RunAsync(cluster, "llm-2", spec);
        Assert.Equal(1, fake.Calls);
        Assert.Equal("llm_cached", second.Ranking!.Outcome);
        Assert.Equal(first.Clips.Select(c => (c.Start, c.End, c.Score, c.LlmScore)), second.Clips.Select(c => (c.Start, c.End, c.Score, c.LlmScore)));

        // a job that makes no choice keeps the cluster's default, the heuristic, and calls nothing
        var plain = await RunAsync(cluster, "llm-none", spec with { Options = spec.Options with { Rank = null } });
        Assert.Equal(1, fake.Calls);
        Assert.Equal("heuristic", plain.Ranking!.Method);
        Assert.All(plain.Clips, c => Assert.Equal("heuristic", c.RankedBy));

        // the key is in no stored file (audits, transcripts, caches, captions) and no job view
        foreach (var file in Directory.EnumerateFiles(cluster.BlobDir, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".mp4") && !f.EndsWith(".jpg")))
        {
            Assert.DoesNotContain(Key, await File.ReadAllTextAsync(file));
        }

        Assert.All(new[] { first, second, plain }, v => Assert.DoesNotContain(Key, System.Text.Json.JsonSerializer.Serialize(v)));
        Assert.Equal($"Bearer {Key}", fake.LastAuthorization);
    }

    private static async Task<JobView> RunAsync(JobCluster cluster, string name, JobSpec spec)
    {
        var id = Jobs.NewId(name);
        await cluster.Grains.GetGrain<IVideoJobGrain>(id).Submit(spec);
        var v = await cluster.WaitAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(6));
        Assert.True(v.Status == JobStatus.Completed, $"job {id} ended {v.Status}: {v.Error}");
        return v;
    }
}
