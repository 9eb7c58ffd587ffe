using Clipper.TestSupport;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Cluster.Tests;

[Trait("Category", "cluster")]
[Trait("Category", "external")]
[Trait("Category", "media")]
[Trait("Category", "slow")]
[Collection("cluster")]
public sealed class CancelTests(ClusterRig rig, ITestOutputHelper output)
{
    [Fact]
    public async Task CancellingThroughAnyGatewayStopsTheJobsProcessesOnEverySilo()
    {
        await rig.EnsureAllRunningAsync();
        var jobId = await rig.UploadAsync(rig.Silos[0], ClusterRig.Small(3));

        // wait until the job's track or encode units run on at least two silos: one of them is not its grain's
        async Task<List<SiloProcess>> BusyAsync()
        {
            List<SiloProcess> busy = [];
            foreach (var s in rig.Silos)
            {
                var text = await s.MetricsAsync() ?? "";
                if (ClusterRig.Metric(text, "clipper_stage_running", "stage=\"track\"")
                    + ClusterRig.Metric(text, "clipper_stage_running", "stage=\"encode\"") > 0)
                {
                    busy.Add(s);
                }
            }

            return busy;
        }

        var busy = await Wait.For(BusyAsync, b => b.Count >= 2, TimeSpan.FromMinutes(4), TimeSpan.FromMilliseconds(100));
        var tools = busy.ToDictionary(s => s.Name, s => string.Join(",", s.Descendants()));
        output.WriteLine($"units on {string.Join(", ", busy.Select(s => s.Name))}; their tools: {string.Join("; ", tools)}");

        // through the gateway of a silo other than the one that took the upload
        var stopped = System.Diagnostics.Stopwatch.StartNew();
        var cancelled = await rig.Silos[2].Client.CancelJobAsync(new V1.CancelJobRequest { JobId = jobId });
        var outputs = await rig.Services.BlobsAsync($"jobs/{jobId}/");
        Assert.Equal(V1.JobState.Cancelled, cancelled.State);

        async Task<int> StillRunningAsync()
        {
            int n = 0;
            foreach (var s in rig.Silos)
            {
                n += (int)await rig.RunningUnitsAsync(s) + s.Descendants().Count(d => d.StartsWith("ff", StringComparison.Ordinal) || d.StartsWith("pocketsphinx", StringComparison.Ordinal));
            }

            return n;
        }

        await Wait.For(StillRunningAsync, n => n == 0, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));

        var took = stopped.Elapsed;
        Assert.Equal(0, await StillRunningAsync());

        // nothing starts again afterwards, no unit finished its output after all, and the job stays cancelled
        await Task.Delay(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await StillRunningAsync());
        Assert.Equal(outputs, await rig.Services.BlobsAsync($"jobs/{jobId}/"));
        var job = (await rig.GetAsync(jobId))!;
        Assert.Equal(V1.JobState.Cancelled, job.State);
        Assert.Equal("cancelled", job.ErrorCode);
        Measurements.Record($"cluster cancel: a job with units on {busy.Count} silos cancelled through a third silo's gateway; "
            + $"every unit and tool process stopped on every silo {took.TotalSeconds:0.0} s later");
    }
}
