using Clipper.TestSupport;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Cluster.Tests;

[Trait("Category", "cluster")]
[Trait("Category", "external")]
[Trait("Category", "media")]
[Trait("Category", "slow")]
[Collection("cluster")]
public sealed class LoadTests(ClusterRig rig, ITestOutputHelper output)
{
    private const int EncodeLimit = 2; // JobOptions.Encode.Concurrency, the default each silo runs with

    [Fact]
    public async Task TwentyJobsOnThreeSilosAllCompleteAndNoSiloRunsMoreEncodesThanItsLimit()
    {
        await rig.EnsureAllRunningAsync();
        var cachedBefore = rig.LogLines().Count(l => l.Line.Contains("from the cache", StringComparison.Ordinal));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var jobs = await rig.UploadManyAsync(20, ClusterRig.Small(1));

        var maxSeen = rig.Silos.ToDictionary(s => s.Name, _ => 0.0);
        int samples = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var s in rig.Silos)
                {
                    var text = await s.MetricsAsync();
                    if (text is not null)
                    {
                        maxSeen[s.Name] = Math.Max(maxSeen[s.Name], ClusterRig.Metric(text, "clipper_stage_running", "stage=\"encode\""));
                        Interlocked.Increment(ref samples);
                    }
                }

                await Task.Delay(200);
            }
        });

        var done = await rig.WaitAllAsync(jobs, TimeSpan.FromMinutes(12));
        await stop.CancelAsync();
        await sampler;
        var peaks = new Dictionary<string, double>();
        foreach (var s in rig.Silos)
        {
            peaks[s.Name] = ClusterRig.Metric(await s.MetricsAsync() ?? "", "clipper_stage_running_peak", "stage=\"encode\"");
        }

        output.WriteLine($"encodes at once per silo, sampled max: {string.Join(", ", maxSeen.Select(kv => $"{kv.Key} {kv.Value}"))}; "
            + $"peak gauge: {string.Join(", ", peaks.Select(kv => $"{kv.Key} {kv.Value}"))}");
        Assert.All(done.Values, j => Assert.True(j.State == V1.JobState.Completed, $"{j.JobId}: {j.State} {j.ErrorCode}: {j.ErrorMessage}"));
        // no sample at all would leave every maximum at 0 and the limit unproven
        Assert.True(samples > 0, "the sampler never read a silo's metrics");
        Assert.All(maxSeen.Values, m => Assert.InRange(m, 0, EncodeLimit));
        Assert.All(peaks.Values, m => Assert.InRange(m, 0, EncodeLimit));
        Assert.True(peaks.Values.Count(p => p >= 1) >= 2, "the encodes ran on one silo only");
        // the same video: every job found its transcript in the cache (the warm-up job made it)
        var cached = rig.LogLines().Count(l => l.Line.Contains("from the cache", StringComparison.Ordinal)) - cachedBefore;
        Assert.True(cached >= jobs.Count, $"{cached} cache hits for {jobs.Count} jobs");
        await rig.AssertDeliveredAsync(done.Values, output);
        Measurements.Record($"cluster load: {done.Count} of {jobs.Count} jobs (1 clip each, 360x640) COMPLETED on 3 silos in "
            + $"{clock.Elapsed.TotalSeconds:0} s; encodes at once per silo at most {maxSeen.Values.Max()} in {samples} samples "
            + $"(peak gauge {peaks.Values.Max()}, limit {EncodeLimit}); {cached} transcripts from the cache");
    }
}
