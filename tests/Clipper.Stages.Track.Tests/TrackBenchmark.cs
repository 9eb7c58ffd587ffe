using System.Diagnostics;
using System.Globalization;
using Clipper.Core.Media;
using Clipper.Core.Samples;
using Clipper.TestSupport;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// Timings, printed rather than asserted (machines differ, and this one is shared): detector milliseconds per
/// frame, and tracker wall time per clip-second on a 720p source. The assertions only check the work was real.
/// </summary>
public sealed class TrackBenchmark(ITestOutputHelper output)
{
    [Fact]
    public async Task DetectorAndTrackerSpeed()
    {
        var token = TestContext.Current.CancellationToken;
        var frame = await RgbFrame.ReadAsync(Assets.Photo("bar55_2.jpg"), token, 640, 360);
        foreach (int threads in new[] { 1, 2 })
        {
            using var detector = new BlazeFace(Assets.FaceModel(), threads);
            for (int i = 0; i < 20; i++)
            {
                detector.Detect(frame);
            }

            const int runs = 100;
            var clock = Stopwatch.StartNew();
            int found = 0;
            for (int i = 0; i < runs; i++)
            {
                found += detector.Detect(frame).Count;
            }

            Print($"BENCH detector, {threads} thread(s), 640x360 frame: {clock.Elapsed.TotalMilliseconds / runs:0.00} ms/frame");
            Assert.Equal(2 * runs, found);
        }

        var video = await TestMedia.CachedTalkAsync("track-bench-hd", SampleVideo.Talk(0.25), Look.Hd, "jesper_2.jpg");
        var media = await Probe.ProbeAsync(video.File, token);
        using var tracker = new FaceTracker(Assets.FaceModel(), new TrackOptions());
        await tracker.TrackAsync(video.File, media, 0, 3, 1080, 1920, null, token); // warm-up
        var wall = Stopwatch.StartNew();
        var path = await tracker.TrackAsync(video.File, media, 0, video.DurationSeconds, 1080, 1920, null, token);
        double seconds = wall.Elapsed.TotalSeconds;
        int frames = (int)Math.Ceiling(video.DurationSeconds * new TrackOptions().SampleFps);
        Print($"BENCH tracker, 720p: {seconds:0.0} s for {video.DurationSeconds:0.0} s of clip = {seconds / video.DurationSeconds:0.000} s per clip-second, "
            + $"{seconds * 1000 / frames:0.0} ms per sampled frame (decode + detect), {path.Keyframes.Count} keyframes");
        Assert.True(path.Method == "face", path.Reason);

        // the sampling settings against the ones before them (ffmpeg scaling to 640 wide on its own threads, the
        // detector shrinking that to 256), alternated in this process, CPU of this process and of its ffmpegs
        using var former = new FaceTracker(Assets.FaceModel(), new TrackOptions { AnalysisSize = 640, DecodeThreads = 0 });
        await former.TrackAsync(video.File, media, 0, 3, 1080, 1920, null, token); // warm-up
        double now = 0, before = 0;
        for (int round = 0; round < 2; round++)
        {
            now += await CpuOf(tracker);
            before += await CpuOf(former);
        }

        Print($"BENCH tracker sampling, 720p, 2 rounds: CPU {now:0.0} s with the defaults, {before:0.0} s scaling to 640 on ffmpeg's own threads; ratio {now / before:0.00}");
        Assert.True(now > 0 && before > 0);

        async Task<double> CpuOf(FaceTracker t)
        {
            double cpu = Clipper.Core.Processes.ProcessCpu.Seconds().Total;
            var p = await t.TrackAsync(video.File, media, 0, video.DurationSeconds, 1080, 1920, null, token);
            Assert.Equal("face", p.Method);
            return Clipper.Core.Processes.ProcessCpu.Seconds().Total - cpu;
        }
    }

    private void Print(string line)
    {
        output.WriteLine(line);
        Measurements.Record(line);
    }
}
