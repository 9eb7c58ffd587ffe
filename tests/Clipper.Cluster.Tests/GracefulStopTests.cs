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
        // silos up, as each silo's /metrics reads membership: all of them, then one fewer once the busy one is gone
        await Wait.Until(async () => (await SilosUpAsync(rig.Silos)).SequenceEqual([(double)rig.Silos.Count]), TimeSpan.FromSeconds(30),
            () => "(not every silo reported clipper_silos_active " + rig.Silos.Count + ")");
        var at = DateTime.UtcNow;
        var (code, took) = await busy.TerminateAsync(TimeSpan.FromSeconds(40));
        output.WriteLine($"SIGTERM {busy.Name} ({running} track/encode units running): exit {code} after {took.TotalSeconds:0.0} s");
        Assert.Equal(0, code);
        Assert.Contains("clipper: stopped", busy.Output);
        var others = rig.Silos.Where(s => s != busy).ToList();
        var seen = new List<double>();
        await Wait.Until(
            async () =>
            {
                seen = await SilosUpAsync(others);
                return seen.SequenceEqual([(double)others.Count]);
            },
            TimeSpan.FromSeconds(60),
            () => "(the other silos reported clipper_silos_active " + string.Join(", ", seen) + ")");
        output.WriteLine($"clipper_silos_active on the others {(DateTime.UtcNow - at).TotalSeconds:0.0} s after SIGTERM: {others.Count}");

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

    /// <summary>The distinct values of clipper_silos_active the silos' /metrics report (a silo that does not answer reports -1).</summary>
    private static async Task<List<double>> SilosUpAsync(IEnumerable<SiloProcess> silos)
    {
        var values = new List<double>();
        foreach (var s in silos)
        {
            var m = System.Text.RegularExpressions.Regex.Match(await s.MetricsAsync() ?? "", @"^clipper_silos_active (\S+)$",
                System.Text.RegularExpressions.RegexOptions.Multiline);
            values.Add(m.Success ? double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1);
        }

        return values.Distinct().ToList();
    }
}
