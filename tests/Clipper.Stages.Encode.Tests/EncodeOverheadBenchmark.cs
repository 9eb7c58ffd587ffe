using System.Diagnostics;
using System.Globalization;
using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Media;
using Clipper.Core.Processes;
using Clipper.TestSupport;

namespace Clipper.Stages.Encode.Tests;

/// <summary>
/// What captions, sendcmd and the thumbnail cost: a clip of the short talking video encoded to 1080×1920 by the
/// ClipEncoder (a tracked-looking crop path with a keyframe every half second, and captions), by the ClipEncoder
/// without captions, and by a plain ffmpeg crop+scale+x264+aac of the same range. It prints the ratios (CPU time
/// of the child processes, which other work on the machine does not inflate, and wall time) and asserts only that
/// every run produced its file: timings on a shared machine are reported, not judged. Kept short so the suite
/// stays quick; the Java benchmark's 30 s of 1920×1080 gives steadier figures.
/// </summary>
public sealed class EncodeOverheadBenchmark : IDisposable
{
    private const double Start = 20;
    private const double End = 26;
    private readonly string _dir = TestMedia.TempDir("clipper-bench");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task EncoderOverheadAgainstAPlainFfmpegPass()
    {
        var token = TestContext.Current.CancellationToken;
        var source = await TestMedia.ShortTalkAsync();
        var words = TalkingWords.Of(source);
        var (cw, ch) = CropPath.CropSize(640, 360, 1080, 1920);
        var keys = new List<Keyframe>();
        for (double t = 0; t < End - Start; t += 0.5)
        {
            int x = (int)Math.Round((640 - cw) / 2.0 + 150 * Math.Sin(2 * Math.PI * (Start + t) / 8));
            keys.Add(new Keyframe(t, x, 0));
        }

        var path = new CropPath(640, 360, cw, ch, keys, "face", "bench");
        var clip = new ScoredClip(1, Start, End, 50, new Scores(50, 50, 50, 50), "bench", "bench");
        var full = new ClipEncoder(new EncodeOptions());
        var noCaptions = new ClipEncoder(new EncodeOptions { BurnCaptions = false });
        string Seconds(double s) => s.ToString("0.###", CultureInfo.InvariantCulture);

        // two interleaved rounds, so a burst of other work on the machine falls on all three alike
        double plainCpu = 0, plainWall = 0, encCpu = 0, encWall = 0, bareCpu = 0, bareWall = 0;
        for (int round = 0; round < 2; round++)
        {
            var plainOut = Path.Combine(_dir, $"plain{round}.mp4");
            var (cpu, wall) = await MeasureAsync(() => ProcessRunner.RunCheckedAsync(
            [
                "ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", Seconds(Start), "-t", Seconds(End - Start), "-i", source.File,
                "-vf", $"crop={cw}:{ch}:{(640 - cw) / 2}:0,scale=1080:1920", "-c:v", "libx264", "-preset", "veryfast",
                "-crf", "21", "-c:a", "aac", plainOut,
            ], TimeSpan.FromMinutes(10), token));
            Assert.Equal(1080, (await Probe.ProbeAsync(plainOut, token)).Width);
            (plainCpu, plainWall) = (plainCpu + cpu, plainWall + wall);

            EncodedClip? captioned = null, bare = null;
            (cpu, wall) = await MeasureAsync(async () => captioned = await full.EncodeAsync(
                new EncodeRequest(source.File, clip, words, path, 1080, 1920, Path.Combine(_dir, $"enc{round}"), "c"), cancel: token));
            Assert.Equal(1080, captioned!.Media.Width);
            (encCpu, encWall) = (encCpu + cpu, encWall + wall);
            (cpu, wall) = await MeasureAsync(async () => bare = await noCaptions.EncodeAsync(
                new EncodeRequest(source.File, clip, words, path, 1080, 1920, Path.Combine(_dir, $"bare{round}"), "c"), cancel: token));
            Assert.Equal(1080, bare!.Media.Width);
            (bareCpu, bareWall) = (bareCpu + cpu, bareWall + wall);
        }

        string report = string.Create(CultureInfo.InvariantCulture,
            $"encode overhead, {End - Start:0} s clip to 1080x1920, {keys.Count} crop keyframes, 2 rounds: "
            + $"CPU plain {plainCpu:0.0} s, ClipEncoder {encCpu:0.0} s, without captions {bareCpu:0.0} s; "
            + $"CPU ratio ClipEncoder/plain {encCpu / plainCpu:0.000}, without captions/plain {bareCpu / plainCpu:0.000}; "
            + $"wall plain {plainWall:0.00} s, ClipEncoder {encWall:0.00} s, without captions {bareWall:0.00} s; "
            + $"wall ratio {encWall / plainWall:0.000}, without captions {bareWall / plainWall:0.000}");
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Measurements.Record(report);
    }

    /// <summary>CPU seconds of the child processes (ffmpeg, ffprobe) and wall seconds of one run.</summary>
    private static async Task<(double Cpu, double Wall)> MeasureAsync(Func<Task> run)
    {
        double cpu = Clipper.Core.Processes.ProcessCpu.Seconds().Children;
        var clock = Stopwatch.StartNew();
        await run();
        return (Clipper.Core.Processes.ProcessCpu.Seconds().Children - cpu, clock.Elapsed.TotalSeconds);
    }
}
