using Clipper.TestSupport;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Cluster.Tests;

[Trait("Category", "cluster")]
[Trait("Category", "external")]
[Trait("Category", "media")]
[Trait("Category", "slow")]
[Collection("cluster")]
public sealed class ChaosTests(ClusterRig rig, ITestOutputHelper output)
{
    [Fact]
    public async Task SixJobsSurviveThreeSilosKilledAndDeliverEveryClipOnceThroughSas()
    {
        await rig.EnsureAllRunningAsync();
        // three clips each at 540x960: enough work that three kills land while it runs
        var jobs = await rig.UploadManyAsync(6, new V1.ClipOptions { MaxClips = 3, MinSeconds = 15, MaxSeconds = 25, Width = 540, Height = 960 });

        var started = DateTime.UtcNow;
        var kills = new List<(string Silo, DateTime At, double Running)>();
        // the first kill 5 s in, each next one 6 s after the previous silo is back
        var next = started + TimeSpan.FromSeconds(5);
        async Task Tick()
        {
            if (kills.Count >= 3 || DateTime.UtcNow < next)
            {
                return;
            }

            // the silo running the most units now, so that the kill loses work
            var load = new List<(SiloProcess Silo, double Running)>();
            foreach (var s in rig.Silos.Where(s => s.Running))
            {
                load.Add((s, await rig.RunningUnitsAsync(s)));
            }

            var victim = load.OrderByDescending(l => l.Running).ThenBy(_ => Random.Shared.Next()).First();
            victim.Silo.Kill();
            kills.Add((victim.Silo.Name, DateTime.UtcNow, victim.Running));
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} SIGKILL {victim.Silo.Name} running {victim.Running} unit(s)");
            // the first killed silo stays down 15 s, so that the others must find it dead by their probes; the later
            // ones come back after 1 s, as an orchestrator restarts them, and their successor replaces them
            await Task.Delay(kills.Count == 1 ? 15_000 : 1000);
            await victim.Silo.StartAsync();
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {victim.Silo.Name} restarted");
            next = DateTime.UtcNow + TimeSpan.FromSeconds(6);
        }

        var done = await rig.WaitAllAsync(jobs, TimeSpan.FromMinutes(12), Tick);
        var elapsed = DateTime.UtcNow - started;

        Assert.True(kills.Count == 3, $"only {kills.Count} kills happened before the jobs finished");
        Assert.All(done.Values, j => Assert.True(j.State == V1.JobState.Completed, $"{j.JobId}: {j.State} {j.ErrorCode}: {j.ErrorMessage}"));

        // recovery: from each kill to the first sign in any silo's log that its work moved (a unit dispatched again
        // or a job resumed on another silo)
        var recoveries = new List<double>();
        foreach (var k in kills)
        {
            var moved = rig.LogLines().Where(l => l.At > k.At && (l.Line.Contains("dispatching it again", StringComparison.Ordinal)
                    || l.Line.Contains("; resuming", StringComparison.Ordinal)))
                .OrderBy(l => l.At).FirstOrDefault();
            if (moved.Line is not null)
            {
                recoveries.Add((moved.At - k.At).TotalSeconds);
                output.WriteLine($"kill of {k.Silo}: work moved after {(moved.At - k.At).TotalSeconds:0.0} s: {moved.Silo} {moved.Line}");
            }
            else
            {
                output.WriteLine($"kill of {k.Silo}: no work had to move");
            }
        }

        Assert.NotEmpty(recoveries);
        await rig.AssertDeliveredAsync(done.Values, output);
        await rig.AssertNoOrphanWorkAsync();
        Measurements.Record($"cluster chaos: {done.Count} of {jobs.Count} jobs COMPLETED on 3 silos after {kills.Count} SIGKILLs "
            + $"(the first silo restarted after 15 s, the others after 1 s) in {elapsed.TotalSeconds:0} s; longest recovery (kill to work "
            + $"dispatched again) {recoveries.Max():0.0} s, each {string.Join(", ", recoveries.Select(r => $"{r:0.0}"))} s; every clip once in blob storage, "
            + "downloadable by SAS, no uncommitted blob, no orphan work directory");
    }
}
