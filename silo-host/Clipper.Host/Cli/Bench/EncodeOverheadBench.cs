using System.Diagnostics;
using System.Globalization;
using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Processes;
using Clipper.Samples;
using Clipper.Stages.Encode;

namespace Clipper.Host.Cli.Bench;

/// <summary>
/// <c>clipper bench encode-overhead</c>: what captions, sendcmd and the thumbnail cost. A 6-second clip of the short
/// sample talk encoded to 1080×1920 by the ClipEncoder (a tracked-looking crop path with a keyframe every half second,
/// and captions), by the ClipEncoder without captions, and by the baseline, a plain ffmpeg crop+scale+x264+aac of the
/// same range, in interleaved rounds in this process. Prints CPU time of the child processes (which other work on the
/// machine does not inflate) and wall time, as ratios to the baseline.
/// </summary>
public static class EncodeOverheadBench
{
    private const double Start = 20;
    private const double End = 26;
    private const int Rounds = 2;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string benchDir, TextWriter stdout, CancellationToken cancel)
    {
        var source = await SampleCache.TalkAsync(benchDir, "short-talk", SampleVideo.Talk(1.3), new Look(640, 360, 25, 140, 8),
            cancel: cancel);
        var words = source.Words();
        var (cw, ch) = CropPath.CropSize(640, 360, 1080, 1920);
        var keys = new List<Keyframe>();
        for (double t = 0; t < End - Start; t += 0.5)
        {
            int x = (int)Math.Round(((640 - cw) / 2.0) + (150 * Math.Sin(2 * Math.PI * (Start + t) / 8)));
            keys.Add(new Keyframe(t, x, 0));
        }

        var path = new CropPath(640, 360, cw, ch, keys, "face", "bench");
        var clip = new ScoredClip(1, Start, End, 50, new Scores(50, 50, 50, 50), "bench", "bench");
        var full = new ClipEncoder(new EncodeOptions());
        var noCaptions = new ClipEncoder(new EncodeOptions { BurnCaptions = false });
        string Seconds(double s) => s.ToString("0.###", Inv);
        var dir = Directory.CreateTempSubdirectory("clipper-bench-encode").FullName;
        try
        {
            // interleaved rounds, so a burst of other work on the machine falls on all three alike
            double plainCpu = 0, plainWall = 0, encCpu = 0, encWall = 0, bareCpu = 0, bareWall = 0;
            for (int round = 0; round < Rounds; round++)
            {
                var plainOut = Path.Combine(dir, $"plain{round}.mp4");
                var (cpu, wall) = await MeasureAsync(() => ProcessRunner.RunCheckedAsync(
                [
                    "ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", Seconds(Start), "-t", Seconds(End - Start), "-i", source.File,
                    "-vf", $"crop={cw}:{ch}:{(640 - cw) / 2}:0,scale=1080:1920", "-c:v", "libx264", "-preset", "veryfast",
                    "-crf", "21", "-c:a", "aac", plainOut,
                ], TimeSpan.FromMinutes(10), cancel));
                (plainCpu, plainWall) = (plainCpu + cpu, plainWall + wall);
                (cpu, wall) = await MeasureAsync(() => full.EncodeAsync(
                    new EncodeRequest(source.File, clip, words, path, 1080, 1920, Path.Combine(dir, $"enc{round}"), "c"), cancel: cancel));
                (encCpu, encWall) = (encCpu + cpu, encWall + wall);
                (cpu, wall) = await MeasureAsync(() => noCaptions.EncodeAsync(
                    new EncodeRequest(source.File, clip, words, path, 1080, 1920, Path.Combine(dir, $"bare{round}"), "c"), cancel: cancel));
                (bareCpu, bareWall) = (bareCpu + cpu, bareWall + wall);
            }

            stdout.WriteLine(string.Create(Inv,
                $"encode overhead: a {End - Start:0} s clip to 1080x1920, {keys.Count} crop keyframes, {Rounds} rounds; baseline: plain ffmpeg crop+scale veryfast crf 21"));
            stdout.WriteLine("                      CPU s   ratio   wall s   ratio");
            foreach (var (name, cpu, wall) in new[]
            {
                ("plain ffmpeg", plainCpu, plainWall), ("ClipEncoder", encCpu, encWall), ("without captions", bareCpu, bareWall),
            })
            {
                stdout.WriteLine(string.Create(Inv, $"  {name,-18} {cpu,6:0.0} {cpu / plainCpu,7:0.000} {wall,8:0.00} {wall / plainWall,7:0.000}"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>CPU seconds of the child processes (ffmpeg, ffprobe) and wall seconds of one run.</summary>
    private static async Task<(double Cpu, double Wall)> MeasureAsync(Func<Task> run)
    {
        double cpu = ProcessCpu.Seconds().Children;
        var clock = Stopwatch.StartNew();
        await run();
        return (ProcessCpu.Seconds().Children - cpu, clock.Elapsed.TotalSeconds);
    }
}
