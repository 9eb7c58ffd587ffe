using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.TestSupport;
using Orleans.TestingHost;

namespace Clipper.Grains.Tests;

/// <summary>Several real silos on one shared home and SQLite file: spreading, a silo killed, a cluster restarted.</summary>
[Trait("Category", "cluster")]
[Trait("Category", "media")]
[Trait("Category", "slow")]
public sealed class ClusterTests
{
    [Fact]
    public async Task OneJobsClipsAreMadeOnBothSilos()
    {
        var home = TestMedia.TempDir("cluster-spread");
        await using (var cluster = await JobCluster.StartAsync(2, home))
        {
            var id = Jobs.NewId("spread");
            await cluster.Grains.GetGrain<IVideoJobGrain>(id).Submit(await Jobs.ShortTalkAsync(Jobs.Small with { MaxClips = 4, MaxSeconds = 20 }));
            var v = await cluster.WaitAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(4));
            Assert.Equal(JobStatus.Completed, v.Status);
            Assert.True(v.Clips.Count >= 2, $"{v.Clips.Count} clips");
            var silos = cluster.Cluster.Silos.Select(s => s.SiloAddress.ToString()).ToHashSet();
            var encodedOn = v.Clips.Select(c => v.WorkedOn[$"encode-{c.Index}"]).ToList();
            var trackedOn = v.Clips.Select(c => v.WorkedOn[$"track-{c.Index}"]).ToList();
            Assert.All(encodedOn.Concat(trackedOn), s => Assert.Contains(s, silos));
            Assert.Equal(2, encodedOn.Concat(trackedOn).Distinct().Count());
        }

        Directory.Delete(home, true);
    }

    [Fact]
    public async Task ASiloKilledDuringEncodingLosesNothingAndRedoesNothingFinished()
    {
        var home = TestMedia.TempDir("cluster-kill");
        // one encode at a time per silo, larger clips: encoding lasts long enough to kill a silo in the middle
        var settings = new Dictionary<string, string?> { ["Clipper:Job:Encode:Concurrency"] = "1", ["Clipper:Job:Encode:MaxInFlightPerJob"] = "2" };
        await using (var cluster = await JobCluster.StartAsync(2, home, settings: settings))
        {
            var id = Jobs.NewId("kill");
            var job = cluster.Grains.GetGrain<IVideoJobGrain>(id);
            await job.Submit(await Jobs.ShortTalkAsync(new ClipSettings(4, 15, 20, 540, 960)));
            await cluster.WaitAsync(id, v => v.Status == JobStatus.Encoding, TimeSpan.FromMinutes(3));

            // a silo that is encoding now and does not host the job (fetch runs on the job's silo)
            var jobSilo = (await job.Get())!.WorkedOn["fetch"];
            var victim = (await Wait.For(
                () => Task.FromResult(cluster.Cluster.Silos.FirstOrDefault(s => s.SiloAddress.ToString() != jobSilo && cluster.Executor(s).Running(Stage.Encode) > 0)),
                s => s is not null, TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(50)))!;
            var before = await job.Get();
            var finishedBefore = before!.Encoded.Values.Select(e => Path.Combine(cluster.BlobDir, e.VideoKey)).ToDictionary(f => f, File.GetLastWriteTimeUtc);
            var killedAt = DateTime.UtcNow;
            await cluster.Cluster.KillSiloAsync(victim);

            var v = await cluster.WaitAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(4));
            Measurements.Record(FormattableString.Invariant(
                $"silo killed during encoding: job completed {(DateTime.UtcNow - killedAt).TotalSeconds:0.0} s after the kill; {v.Clips.Count(c => v.WorkedOn[$"encode-{c.Index}"] == jobSilo)} of {v.Clips.Count} clips encoded on the survivor"));
            Assert.Equal(JobStatus.Completed, v.Status);
            var survivor = jobSilo;
            var mp4 = Jobs.Files(Path.Combine(cluster.BlobDir, "jobs", id), "*.mp4");
            Assert.Equal(v.Clips.Count, mp4.Count);
            Assert.Equal(v.Clips.Count, v.Encoded.Count);
            foreach (var (file, written) in finishedBefore)
            {
                Assert.Equal(written, File.GetLastWriteTimeUtc(file));
            }

            // the unit lost with the silo was made again on the survivor
            Assert.Contains(v.Clips, c => v.WorkedOn[$"encode-{c.Index}"] == survivor);
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(cluster.BlobDir, "jobs", id), ".tmp-*", SearchOption.AllDirectories));
        }

        Directory.Delete(home, true);
    }

    [Fact]
    public async Task ASiloStoppedMidJobIsFinishedByTheNextOneWithNobodyMessagingTheJob()
    {
        var home = TestMedia.TempDir("cluster-restart");
        var id = Jobs.NewId("restart");
        await using (var first = await JobCluster.StartAsync(1, home))
        {
            await first.Grains.GetGrain<IVideoJobGrain>(id).Submit(await Jobs.ShortTalkAsync());
            await first.WaitAsync(id, v => v.Status == JobStatus.Tracking || v.Encoded.Count > 0, TimeSpan.FromMinutes(3));
        }

        var db = Path.Combine(home, "db", "clipper.db");
        Assert.Equal("1", await Sqlite.ScalarAsync(db, "SELECT count(*) FROM clipper_reminder"));
        await using (var second = await JobCluster.StartAsync(1, home))
        {
            // nobody calls the job: the reminder reactivates it and it finishes
            await Wait.Until(async () => await Sqlite.ScalarAsync(db, "SELECT count(*) FROM clipper_reminder") == "0", TimeSpan.FromMinutes(4),
                "the finished job's reminder removed");

            var v = await second.Grains.GetGrain<IVideoJobGrain>(id).Get();
            Assert.Equal(JobStatus.Completed, v!.Status);
            Assert.Equal(v.Clips.Count, Jobs.Files(Path.Combine(home, "blobs", "jobs", id), "*.mp4").Count);
        }

        Directory.Delete(home, true);
    }
}

/// <summary>Reads the embedded database directly, as an operator would with sqlite3.</summary>
public static class Sqlite
{
    public static async Task<string> ScalarAsync(string db, string sql)
    {
        var r = await Clipper.Core.Processes.ProcessRunner.RunCheckedAsync(["sqlite3", db, sql], TimeSpan.FromSeconds(30));
        return r.StdoutText.Trim();
    }
}
