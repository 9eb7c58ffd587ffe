using Clipper.TestSupport;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Cluster.Tests;

[Trait("Category", "cluster")]
[Trait("Category", "external")]
[Trait("Category", "media")]
[Trait("Category", "slow")]
public sealed class OutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task BlobStorageGoingAwayMidJobIsRetriedThenFailsTheJobWithAClearError()
    {
        await using var services = await ClusterServices.StartAsync("outage");
        var source = (await TestMedia.ShortTalkAsync()).File;
        await using var silo = new SiloProcess("outage", TestMedia.TempDir("clipper-outage"), services.Environment("outage"));
        await silo.StartAsync();
        var jobId = await silo.UploadAsync(source, ClusterRig.Small(1));

        // the upload is in blob storage; now blob storage goes away before the fetch can read it back
        await services.Azurite.DisposeAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var job = await silo.WaitFinishedAsync(jobId, TimeSpan.FromMinutes(3));

        output.WriteLine($"{job.State} after {clock.Elapsed.TotalSeconds:0.0} s: {job.ErrorCode}: {job.ErrorMessage}");
        Assert.Equal(V1.JobState.Failed, job.State);
        Assert.Equal("storage_failed", job.ErrorCode);
        Assert.Contains("gave up after 3 attempts", job.ErrorMessage);
        Assert.DoesNotContain(AzuriteServer.AccountKey, job.ErrorMessage);
        Assert.True(silo.Running, "the silo itself stays up");
        Measurements.Record($"cluster outage: blob storage gone mid-job → job FAILED storage_failed after 3 attempts in {clock.Elapsed.TotalSeconds:0} s");
    }
}
