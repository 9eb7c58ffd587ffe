using Clipper.TestSupport;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Cluster.Tests;

/// <summary>Redis holds only membership: losing it mid-job stops no job, and the cluster carries on when it is back.</summary>
[Trait("Category", "cluster")]
[Trait("Category", "external")]
[Trait("Category", "media")]
[Trait("Category", "slow")]
public sealed class RedisLossTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RedisGoingAwayMidJobStopsNoJobAndTheClusterCarriesOnWhenItIsBack()
    {
        await using var services = await ClusterServices.StartAsync("redisloss");
        var source = (await TestMedia.ShortTalkAsync()).File;
        var env = services.Environment("redisloss");
        await using var a = new SiloProcess("a", TestMedia.TempDir("clipper-redisloss-a"), env);
        await using var b = new SiloProcess("b", TestMedia.TempDir("clipper-redisloss-b"), env);
        await a.StartAsync();
        await b.StartAsync();
        var jobId = await a.UploadAsync(source, ClusterRig.Small(2));

        async Task<V1.Job> GetAsync() => await b.Client.GetJobAsync(new V1.GetJobRequest { JobId = jobId });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Wait.For(GetAsync, j => j.State != V1.JobState.Submitted, TimeSpan.FromMinutes(1));

        // Redis dies mid-job and stays away 20 s; the job is served and goes on meanwhile; then it comes back with
        // what it held (its append-only file)
        services.Redis.Kill();
        var lost = await GetAsync();
        Assert.Equal(V1.JobState.Running, lost.State);
        var down = System.Diagnostics.Stopwatch.StartNew();
        double percent = lost.Percent;
        while (down.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(1000);
            var j = await GetAsync();
            Assert.NotEqual(V1.JobState.Failed, j.State);
            percent = Math.Max(percent, j.Percent);
        }

        output.WriteLine($"Redis down 20 s: the job went from {lost.Percent:0}% to {percent:0}% meanwhile");
        Assert.True(percent > lost.Percent || (await GetAsync()).State == V1.JobState.Completed, "the job moved on without Redis");
        await using var again = await RedisServer.StartAsync(services.Redis.Port, services.Redis.WorkDir);

        var job = await b.WaitFinishedAsync(jobId, TimeSpan.FromMinutes(5) - clock.Elapsed);

        Assert.True(job.State == V1.JobState.Completed, $"{job.State} {job.ErrorCode}: {job.ErrorMessage}");
        Assert.True(a.Running && b.Running, "both silos stay up");
        Assert.DoesNotContain("declared dead", a.Output + b.Output);

        // the cluster takes a new silo again once Redis is back
        await using var c = new SiloProcess("c", TestMedia.TempDir("clipper-redisloss-c"), env);
        await c.StartAsync();
        Assert.Equal(V1.JobState.Completed, (await c.Client.GetJobAsync(new V1.GetJobRequest { JobId = jobId })).State);
        Measurements.Record($"cluster Redis loss: Redis killed mid-job for 20 s (the job went {lost.Percent:0}% → {percent:0}% meanwhile); "
            + $"the job COMPLETED, both silos stayed up, a third joined once Redis was back");
    }
}
