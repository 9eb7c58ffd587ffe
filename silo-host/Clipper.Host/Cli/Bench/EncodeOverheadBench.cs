using System.Diagnostics;
using System.Globalization;
using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Media;
using Clipper.Core.Processes;
using Clipper.Samples;
using Clipper.Stages.Encode;

namespace Clipper.Host.Cli.Bench;

/// <summary>
/// <c>clipper bench encode-overhead</c>: where the encoder's CPU beyond the floor goes. A 30-second clip (about a
/// clip's usual length) of a 1080p sample talk is encoded to 1080×1920 by the ClipEncoder (a tracked-looking crop
/// path with a keyframe every half second, and captions); by the ClipEncoder as the build before it was trimmed
/// (replayed: its command and its six ffprobe calls); by the ClipEncoder's own ffmpeg command run alone (no
/// probes, no caption files written); by that command with one part left out at a time (the captions, the moving
/// crop, the thumbnail, the audio's conversion to 48 kHz stereo, the faststart rewrite) and with all five left out;
/// and by the floor, a plain ffmpeg crop+scale+x264+aac of the same range with a fixed crop. Every variant runs once
/// per round, the rounds interleaved, in this process. Prints the CPU time of the child processes (which other work
/// on the machine inflates less than wall time) as ratios to the floor, and what leaving each part out saved.
/// </summary>
public static class EncodeOverheadBench
{
    private const double Start = 20;
    private const double End = 50;
    private const int Rounds = 2;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed record Variant(string Name, Func<string, CancellationToken, Task> Run);

    public static async Task<int> RunAsync(string benchDir, TextWriter stdout, CancellationToken cancel)
    {
        var look = Look.FullHd;
        var source = await SampleCache.TalkAsync(benchDir, "talk-1080p", SampleVideo.Talk(1.3), look, cancel: cancel);
        var (cw, ch) = CropPath.CropSize(look.Width, look.Height, 1080, 1920);
        var keys = new List<Keyframe>();
        for (double t = 0; t < End - Start; t += 0.5)
        {
            int x = (int)Math.Round(((look.Width - cw) / 2.0) + (300 * Math.Sin(2 * Math.PI * (Start + t) / 8)));
            keys.Add(new Keyframe(t, x, 0));
        }

        var path = new CropPath(look.Width, look.Height, cw, ch, keys, "face", "bench");
        var clip = new ScoredClip(1, Start, End, 50, new Scores(50, 50, 50, 50), "bench", "bench");
        var encoder = new ClipEncoder(new EncodeOptions());
        var dir = Directory.CreateTempSubdirectory("clipper-bench-encode").FullName;
        try
        {
            var request = new EncodeRequest(source.File, clip, source.Words(), path, 1080, 1920, dir, "c");
            var o = encoder.Options.Captions;
            var captions = Captions.ForClip(request.Words, Start, End);
            var assFile = Path.Combine(dir, "captions.ass");
            await File.WriteAllTextAsync(assFile, captions.Ass(1080, 1920, o, encoder.FontFor(captions.DrawnText(o))), cancel);
            var cropFile = Path.Combine(dir, "crop.cmd");
            await File.WriteAllTextAsync(cropFile, ClipEncoder.CropCommands(path, End - Start), cancel);
            string[] audio = ["-ar", "48000", "-ac", "2"], faststart = ["-movflags", "+faststart"];
            Func<string, CancellationToken, Task> Ffmpeg(bool captions = true, bool crop = true, bool thumbnail = true, bool convertAudio = true, bool fast = true) =>
                (run, c) =>
                {
                    var cmd = encoder.Command(request, crop ? cropFile : null, captions ? assFile : null, run + ".mp4", thumbnail ? run + ".jpg" : null);
                    cmd = convertAudio ? cmd : Without(cmd, audio);
                    cmd = fast ? cmd : Without(cmd, faststart);
                    return ProcessRunner.RunCheckedAsync(cmd, TimeSpan.FromMinutes(10), c);
                };
            string Seconds(double s) => s.ToString("0.###", Inv);
            Variant[] variants =
            [
                new("floor (plain ffmpeg, fixed crop)", (run, c) => ProcessRunner.RunCheckedAsync(
                [
                    "ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", Seconds(Start), "-t", Seconds(End - Start), "-i", source.File,
                    "-vf", $"crop={cw}:{ch}:{(look.Width - cw) / 2}:0,scale=1080:1920", "-c:v", "libx264", "-preset", "veryfast",
                    "-crf", "21", "-c:a", "aac", run + ".mp4",
                ], TimeSpan.FromMinutes(10), c)),
                new("ClipEncoder as before (replayed)", async (run, c) =>
                {
                    // the build before 2026-12-07: the thumbnail split after the scale, and both ffprobe calls for the
                    // source, the video and the thumbnail alike
                    await Probe.ProbeAsync(source.File, c);
                    await ProcessRunner.RunCheckedAsync(AsBefore(encoder.Command(request, cropFile, assFile, run + ".mp4", run + ".jpg")),
                        TimeSpan.FromMinutes(10), c);
                    await Probe.ProbeAsync(run + ".mp4", c);
                    await Probe.ProbeAsync(run + ".jpg", c);
                }),
                new("ClipEncoder (all of it)", (run, c) => encoder.EncodeAsync(
                    new EncodeRequest(source.File, clip, request.Words, path, 1080, 1920, run, "c"), cancel: c)),
                new("its ffmpeg command", Ffmpeg()),
                new("  without captions", Ffmpeg(captions: false)),
                new("  without moving crop", Ffmpeg(crop: false)),
                new("  without thumbnail", Ffmpeg(thumbnail: false)),
                new("  without 48k stereo", Ffmpeg(convertAudio: false)),
                new("  without faststart", Ffmpeg(fast: false)),
                new("  without all five", Ffmpeg(false, false, false, false, false)),
            ];

            // interleaved rounds, so a burst of other work on the machine falls on every variant alike
            var cpu = new double[variants.Length];
            var wall = new double[variants.Length];
            for (int round = 0; round < Rounds; round++)
            {
                for (int v = 0; v < variants.Length; v++)
                {
                    var (c, w) = await MeasureAsync(() => variants[v].Run(Path.Combine(dir, $"v{v}-r{round}"), cancel));
                    cpu[v] += c;
                    wall[v] += w;
                }
            }

            stdout.WriteLine(string.Create(Inv,
                $"encode overhead: a {End - Start:0} s clip of a 1080p talk to 1080x1920, {keys.Count} crop keyframes, {Rounds} rounds; floor: plain ffmpeg crop+scale veryfast crf 21"));
            stdout.WriteLine("                                      CPU s   ratio   saved    wall s   ratio");
            for (int v = 0; v < variants.Length; v++)
            {
                // what leaving the part out saved, as a share of the floor's CPU (the encoder's command against the variant)
                string saved = v >= 4 ? ((cpu[3] - cpu[v]) / cpu[0]).ToString("+0.0%;-0.0%", Inv) : "";
                stdout.WriteLine(string.Create(Inv,
                    $"  {variants[v].Name,-34} {cpu[v],7:0.0} {cpu[v] / cpu[0],7:0.000} {saved,7} {wall[v],9:0.00} {wall[v] / wall[0],7:0.000}"));
            }

            stdout.WriteLine("  (saved: the encoder's command's CPU minus the variant's, as a share of the floor's CPU; the probes and files");
            stdout.WriteLine("   around the command are the ClipEncoder's row minus the command's)");
            stdout.WriteLine(string.Create(Inv, $"before → now: {cpu[1] / cpu[0]:0.000} → {cpu[2] / cpu[0]:0.000} × the floor's CPU ({(cpu[2] - cpu[1]) / cpu[1]:+0.0%;-0.0%})"));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// The encoder's command as the build before 2026-12-07 wrote it: the thumbnail branch split off after the scale
    /// (<c>crop,scale,setsar,split[main][still];[main]ass…;[still]trim…,scale[thumb]</c>).
    /// </summary>
    private static IReadOnlyList<string> AsBefore(IReadOnlyList<string> cmd)
    {
        int at = cmd.ToList().IndexOf("-filter_complex") + 1;
        var graph = cmd[at];
        var now = System.Text.RegularExpressions.Regex.Match(graph, @",split=2\[main\]\[still\];\[main\](scale=\d+:\d+,setsar=1),");
        if (!now.Success || !graph.EndsWith(",setsar=1[thumb]", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the encoder's graph changed ({graph}): update the benchmark");
        }

        graph = graph.Replace(now.Value, "," + now.Groups[1].Value + ",split=2[main][still];[main]", StringComparison.Ordinal);
        return [.. cmd.Take(at), graph[..^",setsar=1[thumb]".Length] + "[thumb]", .. cmd.Skip(at + 1)];
    }

    /// <summary>The command without the first run of <paramref name="part"/>; throws when the encoder no longer has it, so the bench cannot measure nothing.</summary>
    private static IReadOnlyList<string> Without(IReadOnlyList<string> cmd, IReadOnlyList<string> part)
    {
        for (int i = 0; i + part.Count <= cmd.Count; i++)
        {
            if (cmd.Skip(i).Take(part.Count).SequenceEqual(part))
            {
                return [.. cmd.Take(i), .. cmd.Skip(i + part.Count)];
            }
        }

        throw new InvalidOperationException($"the encoder's command has no '{string.Join(' ', part)}' any more: update the benchmark");
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
