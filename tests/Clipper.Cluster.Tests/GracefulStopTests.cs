using Clipper.TestSupport;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Cluster.Tests;

[Trait("Category", "cluster")]
[Trait("Category", "external")]
[Trait("Category", "media")]
[Trait("Category", "slow")]
[Collection("cluster")]
public sealed class GracefulStopTests(ClusterRig rig, ITestOutputHelper output)
{
    [Fact]
    public async Task SigtermOnABusySiloHandsItsWorkOverAndExitsCleanly()
    {
        await rig.EnsureAllRunningAsync();
        var jobs = await rig.UploadManyAsync(3, ClusterRig.Small(2));

        // the busiest silo while track or encode units run
        async Task<(SiloProcess? Silo, double Units)> BusiestAsync()
        {
            (SiloProcess? Silo, double Units) busiest = (null, 0);
            foreach (var s in rig.Silos)
            {
                var text = await s.MetricsAsync() ?? "";
                var units = ClusterRig.Metric(text, "clipper_stage_running", "stage=\"track\"")
                    + ClusterRig.Metric(text, "clipper_stage_running", "stage=\"encode\"");
                if (units > busiest.Units)
                {
                    busiest = (s, units);
                }
            }

            return busiest;
        }

        var (busy, running) = await Wait.For(BusiestAsync, b => b.Silo is not null, TimeSpan.FromMinutes(4), TimeSpan.FromMilliseconds(250));
        Assert.NotNull(busy);
        var at = DateTime.UtcNow;
        var (code, took) = await busy.TerminateAsync(TimeSpan.FromSeconds(40));
        output.WriteLine($"SIGTERM {busy.Name} ({running} track/encode units running): exit {code} after {took.TotalSeconds:0.0} s");
        Assert.Equal(0, code);
        Assert.Contains("clipper: stopped", busy.Output);

        var done = await rig.WaitAllAsync(jobs, TimeSpan.FromMinutes(8));
        Assert.All(done.Values, j => Assert.True(j.State == V1.JobState.Completed, $"{j.JobId}: {j.State} {j.ErrorCode}: {j.ErrorMessage}"));
        // its units dispatched again by their jobs, or by jobs whose grain lived on it and resumed elsewhere
        var moved = rig.LogLines().Where(l => l.At > at && l.Silo != busy.Name && (l.Line.Contains("dispatching it again", StringComparison.Ordinal)
            || l.Line.Contains("; resuming", StringComparison.Ordinal))).ToList();
        Assert.NotEmpty(moved);
        Assert.DoesNotContain(done.Values, j => j.ErrorCode == "cancelled");
        await rig.AssertDeliveredAsync(done.Values, output);
        Measurements.Record($"cluster graceful stop: SIGTERM on a silo running {running} track/encode units; it exited 0 after "
            + $"{took.TotalSeconds:0.0} s, its work moved to the other silos (first sign after {(moved.Min(l => l.At) - at).TotalSeconds:0.0} s); "
            + $"{done.Count} of {jobs.Count} jobs COMPLETED");
        await busy.StartAsync();
    }
}
