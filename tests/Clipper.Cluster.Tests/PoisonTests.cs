using System.Text.Json.Nodes;
using Clipper.TestSupport;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Cluster.Tests;

[Trait("Category", "cluster")]
[Trait("Category", "external")]
[Trait("Category", "media")]
[Trait("Category", "slow")]
[Collection("cluster")]
public sealed class PoisonTests(ClusterRig rig, ITestOutputHelper output)
{
    [Fact]
    public async Task ASourceThatMakesFfmpegFailEveryTimeFailsItsJobAfterThreeAttemptsAndOtherJobsGoOn()
    {
        await rig.EnsureAllRunningAsync();

        // the pictures stop after 8 s while the talk goes on: it passes every check at the door, and every clip
        // past 8 s comes out of ffmpeg without a picture, however often it is tried
        var dir = TestMedia.TempDir("clipper-poison");
        var poison = await TestMedia.FfmpegAsync(Path.Combine(dir, "pictures-stop.mp4"),
            "-t", "8", "-i", rig.Source, "-i", rig.Source, "-map", "0:v", "-map", "1:a", "-c", "copy");
        var poisonId = await rig.Silos[0].UploadAsync(poison, ClusterRig.Small(2));

        var others = await rig.UploadManyAsync(2, ClusterRig.Small(2));
        // what a watcher sees of the failing job: its attempts start from 0, its percent never goes back
        var shown = new List<double>();
        var watching = Task.Run(async () =>
        {
            using var call = rig.Silos[1].Client.WatchJob(new V1.WatchJobRequest { JobId = poisonId });
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                if (call.ResponseStream.Current.Job is { State: V1.JobState.Running } j)
                {
                    shown.Add(j.Percent);
                }
            }
        });
        var done = await rig.WaitAllAsync([poisonId, .. others], TimeSpan.FromMinutes(8));
        await watching.WaitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"percent shown while running: {string.Join(" ", shown)}");
        Assert.Equal(shown.Order(), shown);

        var failed = done[poisonId];
        output.WriteLine($"poison: {failed.State} {failed.ErrorCode}: {failed.ErrorMessage}");
        Assert.Equal(V1.JobState.Failed, failed.State);
        Assert.Equal("tool_failed", failed.ErrorCode);
        Assert.Contains("gave up after 3 attempts", failed.ErrorMessage);

        // the page's view carries the stderr tail of the last attempt, and the attempts counted
        var view = JsonNode.Parse(await rig.AnyRunning.Web.GetStringAsync($"/api/jobs/{poisonId}"))!;
        var detail = (string?)view["error"]?["detail"];
        output.WriteLine($"detail: {detail}");
        Assert.False(string.IsNullOrWhiteSpace(detail), "the error carries ffmpeg's stderr tail");
        Assert.Contains("ffprobe of", detail);
        Assert.Contains("video none", detail);
        var attempts = view["units"]!.AsArray().Where(u => ((string)u!["work"]!).StartsWith("encode-", StringComparison.Ordinal))
            .Select(u => (int)u!["failedAttempts"]!).ToList();
        Assert.Contains(3, attempts);
        Assert.All(attempts, a => Assert.InRange(a, 0, 3));

        Assert.All(others, id => Assert.True(done[id].State == V1.JobState.Completed,
            $"{id}: {done[id].State} {done[id].ErrorCode}: {done[id].ErrorMessage}"));
        await rig.AssertDeliveredAsync(others.Select(id => done[id]), output);
        Assert.All(rig.Silos, s => Assert.True(s.Running, $"{s.Name} stays up"));
        Measurements.Record($"cluster poison input: pictures stop at 8 s of 78 → FAILED tool_failed after 3 attempts "
            + $"with its detail (stderr tail, ffprobe of the output: {detail!.Length} chars); {others.Count} other jobs COMPLETED beside it");
        Directory.Delete(dir, true);
    }
}
