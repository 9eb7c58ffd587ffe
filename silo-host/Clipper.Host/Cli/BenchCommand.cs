using System.Diagnostics;
using System.Globalization;
using Clipper.Abstractions.Jobs;
using Clipper.Core.Crop;
using Clipper.Core.Errors;
using Clipper.Core.Processes;
using Clipper.Core.Transcripts;
using Clipper.Host.Cli.Bench;
using Clipper.Host.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Clipper.Host.Cli;

/// <summary>
/// <c>clipper bench [MINUTES]</c>: builds a ~10-minute talking video (once, kept under $CLIPPER_HOME/bench), runs the
/// whole job, then measures the ffmpeg-only floor in the same process: one plain x264 veryfast crf 21 encode per
/// selected clip range with a static centre crop scaled to the output size. <c>--long</c> runs the same on the
/// 60-minute <see cref="Clipper.Samples.LongSource"/>. Prints per-status times, per-stage wall and CPU seconds
/// (<see cref="UsageSampler"/>), the job/floor ratio, the encode's CPU against the floor's, repeated passages among
/// the clips and the peak resident memory of this process and of its largest child. <c>clipper bench NAME</c> runs
/// one stage's benchmark instead (<see cref="Named"/>). Not part of the tests.
/// </summary>
public sealed class BenchCommand(TextWriter stdout, TextWriter stderr, string logFile, ILoggerProvider logs)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Benchmarks of one stage by name (<c>clipper bench NAME</c>), each against a baseline run in the same process.</summary>
    private static readonly Dictionary<string, Func<BenchRun, Task<int>>> Named = new()
    {
        ["encode-overhead"] = r => EncodeOverheadBench.RunAsync(r.Dir, r.Stdout, r.Cancel),
        ["track"] = r => TrackBench.RunAsync(r.Dir, r.Stdout, r.Cancel),
        ["track-screen"] = r => TrackBench.ScreenAsync(r.Dir, r.Stdout, r.Cancel),
        ["track-ratios"] = r => TrackBench.RatiosAsync(r.Dir, r.Stdout, r.Cancel),
        ["track-framing"] = r => TrackBench.FramingAsync(r.Dir, r.Stdout, r.Cancel),
        ["asr"] = r => AsrBench.RunAsync(r.Dir, r.Stdout, r.Cancel),
        ["fetch-overlap"] = FetchOverlapBench.RunAsync,
    };

    /// <summary>The names of <see cref="Named"/>, for the help and the bad_option message.</summary>
    public const string NamedList = "encode-overhead, track, track-screen, track-ratios, track-framing, asr, fetch-overlap";

    public static bool IsNamed(string name) => Named.ContainsKey(name);

    public static IEnumerable<string> Names => Named.Keys;

    public async Task<int> RunAsync(IConfiguration config, BenchLine args, CancellationToken cancel)
    {
        var home = SiloHost.Home(config);
        if (args.Named is { } name)
        {
            return await Named[name](new BenchRun(Path.Combine(home, "bench"), stdout, stderr, logFile, logs, cancel));
        }

        double minutes = args.Minutes;
        var video = args.Long
            ? await DemoCommand.LongSourceAsync(Path.Combine(home, "bench", $"long-source-{minutes.ToString("0", Inv)}min.mp4"), minutes, stderr, cancel)
            : await DemoCommand.SampleTalkAsync(Path.Combine(home, "bench", $"long-talk-{minutes.ToString("0", Inv)}min.mp4"), minutes, stderr, cancel);
        var outDir = Path.Combine(home, "bench", "out");
        // a home of its own for every run: a transcript cached by an earlier run would skip the recogniser
        var runHome = Path.Combine(home, "bench", "run");
        foreach (var dir in new[] { outDir, runHome })
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }

        var runConfig = SiloHost.LoadConfiguration(new Dictionary<string, string?> { ["Clipper:Home"] = runHome });
        ClipCommand.Outcome o;
        Usage job;
        await using (var sampler = UsageSampler.Start())
        {
            o = await new ClipCommand(stdout, stderr, logFile, logs).RunAsync(runConfig, new ClipArgs(video, outDir, Clipper.Core.Clips.ClipOptions.Defaults), cancel);
            job = await sampler.StopAsync();
        }

        if (o.ExitCode != 0 || o.View is null)
        {
            stderr.WriteLine("bench: the job failed; no figures");
            return o.ExitCode;
        }

        var s = o.View;
        double floor = 0;
        double floorCpu = ProcessCpu.Seconds().Total;
        var floorDir = Directory.CreateTempSubdirectory("clipper-floor").FullName;
        try
        {
            var (w, h) = CropPath.CropSize(s.Source!.Width, s.Source.Height, 1080, 1920);
            foreach (var c in s.Clips)
            {
                var f = Path.Combine(floorDir, $"floor-{c.Index}.mp4");
                var f0 = Stopwatch.StartNew();
                await ProcessRunner.RunCheckedAsync(
                [
                    "ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", c.Start.ToString("0.000", Inv), "-t",
                    (c.End - c.Start).ToString("0.000", Inv), "-i", video, "-vf", $"crop={w}:{h},scale=1080:1920",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-c:a", "aac", f,
                ], TimeSpan.FromMinutes(30), cancel);
                floor += f0.Elapsed.TotalSeconds;
            }
        }
        finally
        {
            Directory.Delete(floorDir, true);
        }

        floorCpu = ProcessCpu.Seconds().Total - floorCpu;
        Print(s, job, floor, floorCpu, Repeats(s, outDir));
        return 0;
    }

    /// <summary>The figures of a whole-job run, for every source length alike.</summary>
    private void Print(JobView s, Usage job, double floor, double floorCpu, (int Count, double Worst) repeats)
    {
        double clipSeconds = s.Clips.Sum(c => c.End - c.Start);
        int cores = Environment.ProcessorCount;
        void Line(FormattableString text) => stdout.WriteLine(text.ToString(Inv));
        Line($"\nbenchmark: {s.Source!.Duration / 60:0.0}-minute source, {s.Clips.Count} clips, {clipSeconds:0} s of clips");
        stdout.WriteLine("status         seconds (the job's status, from its persisted start times)");
        foreach (var (stage, seconds) in StageSeconds(s))
        {
            Line($"  {stage,-12} {seconds,7:0.0}");
        }

        Line($"units running  (sampled every {UsageSampler.Interval.TotalSeconds:0.0} s: CPU of this process and everything below it, split among the stages");
        stdout.WriteLine("               with units running, by their count; wall = time with a unit of the stage running, so overlaps count twice;");
        stdout.WriteLine("               own = the units' CPU meters: their processes and in-process work)");
        stdout.WriteLine("  stage         wall s    CPU s   cores    own s");
        foreach (var share in job.Stages)
        {
            string own = job.UnitCpu.TryGetValue(share.Stage, out var u) ? u.ToString("0.0", Inv) : "";
            Line($"  {share.Stage,-12} {share.WallSeconds,7:0.0} {share.CpuSeconds,8:0.0} {share.CpuSeconds / Math.Max(share.WallSeconds, 1e-9),7:0.00} {own,8}");
        }

        double jobSeconds = job.WallSeconds, jobCpu = job.CpuSeconds;
        Line($"whole job      {jobSeconds,7:0.0} s (wall, including silo start)");
        Line($"ffmpeg floor   {floor,7:0.0} s (plain veryfast crf 21 centre-crop encodes, same ranges, one at a time)");
        Line($"ratio          {jobSeconds / floor,7:0.00} × the floor");
        Line($"CPU            {jobCpu,7:0.0} s for the job ({jobCpu / jobSeconds / cores:0%} of {cores} cores), {floorCpu:0.0} s for the floor ({floorCpu / floor / cores:0%}); CPU ratio {jobCpu / floorCpu:0.00}");
        if (job.UnitCpu.TryGetValue("encode", out var encodeCpu))
        {
            Line($"encode CPU     {encodeCpu,7:0.0} s (the encode units' own) against the floor's {floorCpu:0.0} s: {encodeCpu / floorCpu:0.00} × the floor's CPU");
        }

        Line($"repeats        {repeats.Count,7} pairs of clips sharing a passage (most similar pair: {repeats.Worst:0.00} word-trigram overlap)");
        Line($"peak memory    {job.SelfPeakKb / 1024.0,7:0} MiB this process with its silo (VmHWM); largest child {job.ChildPeakKb / 1024.0:0} MiB ({job.ChildPeakName}, sampled VmHWM)");
    }

    /// <summary>Seconds spent in each stage, from the persisted stage start times.</summary>
    public static IEnumerable<(string Stage, double Seconds)> StageSeconds(JobView s)
    {
        string[] order = ["fetching", "transcribing", "scoring", "tracking", "encoding", "completed"];
        var present = order.Where(s.StageStartedAt.ContainsKey).ToList();
        for (int i = 0; i + 1 < present.Count; i++)
        {
            yield return (present[i], (s.StageStartedAt[present[i + 1]] - s.StageStartedAt[present[i]]).TotalSeconds);
        }
    }

    /// <summary>Pairs of clips whose words share more than half their trigrams: the same passage clipped twice.</summary>
    private static (int Count, double Worst) Repeats(JobView s, string outDir)
    {
        var transcript = Clipper.Core.Json.Deserialize<Transcript>(File.ReadAllText(Path.Combine(outDir, "transcript.json")));
        var grams = s.Clips.Select(c => Trigrams(transcript.Between(c.Start, c.End))).ToList();
        int count = 0;
        double worst = 0;
        for (int i = 0; i < grams.Count; i++)
        {
            for (int j = i + 1; j < grams.Count; j++)
            {
                int shared = grams[i].Intersect(grams[j]).Count();
                double overlap = shared / (double)Math.Max(1, Math.Min(grams[i].Count, grams[j].Count));
                worst = Math.Max(worst, overlap);
                if (overlap > 0.5)
                {
                    count++;
                }
            }
        }

        return (count, worst);
    }

    private static HashSet<string> Trigrams(IReadOnlyList<Word> words)
    {
        var w = words.Select(x => x.Text.ToLowerInvariant()).ToList();
        return Enumerable.Range(0, Math.Max(0, w.Count - 2)).Select(i => $"{w[i]} {w[i + 1]} {w[i + 2]}").ToHashSet();
    }
}
