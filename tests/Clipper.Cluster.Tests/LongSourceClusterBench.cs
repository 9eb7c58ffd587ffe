using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Clipper.Core.Processes;
using Clipper.TestSupport;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Cluster.Tests;

/// <summary>
/// A benchmark, not a test (issue 19's cluster figures): the 60-minute bench source clipped with the default options by
/// three <c>clipper serve</c> processes on redis-server, Azurite and a fresh PostgreSQL database, exactly as the other
/// cluster tests run them but with the default 60 s chunks. It prints the chunks each silo ran, the cost of a chunk and
/// of a clip, the parts that do not spread, the job's wall time and a projection to separate machines; with the kill
/// variant, a silo SIGKILLed once about a third of the chunks landed and what ran again. Runs only when
/// CLIPPER_BENCH_CLUSTER names the variant (<c>./clipper bench cluster [--kill] [VIDEO]</c> sets it, and
/// CLIPPER_BENCH_SOURCE for another video); the figures go to $CLIPPER_HOME/bench/cluster/. The silos share this
/// machine's cores, so the wall times here are no measure of a cluster.
/// </summary>
[Trait("Category", "slow")]
[Trait("Category", "cluster")]
[Trait("Category", "external")]
[Trait("Category", "media")]
public sealed partial class LongSourceClusterBench(ITestOutputHelper output)
{
    private const string Switch = "CLIPPER_BENCH_CLUSTER";
    private const double Minutes = 60;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A silo's transcription slots: Clipper:Job:Transcribe:Concurrency, by default the core count, which the bench leaves alone.</summary>
    private static readonly int Slots = Environment.ProcessorCount;

    private string _reportFile = "";

    [Fact]
    public Task SixtyMinutesOnThreeSilos() => RunAsync(kill: false);

    [Fact]
    public Task SixtyMinutesOnThreeSilosWithOneKilledMidTranscription() => RunAsync(kill: true);

    private async Task RunAsync(bool kill)
    {
        string mode = kill ? "kill" : "plain";
        Assert.SkipUnless(Environment.GetEnvironmentVariable(Switch) == mode,
            $"{Switch} is not '{mode}': a benchmark of 15-30 minutes, run by ./clipper bench cluster{(kill ? " --kill" : "")}");
        var bench = Path.Combine(Environment.GetEnvironmentVariable("CLIPPER_HOME") is { Length: > 0 } h ? h : new Clipper.Grains.ClipperOptions().Home, "bench");
        var dir = Path.Combine(bench, "cluster");
        Directory.CreateDirectory(dir);
        _reportFile = Path.Combine(dir, $"{mode}-{DateTime.UtcNow:yyyyMMdd-HHmm}.txt");
        // another video when CLIPPER_BENCH_SOURCE names one (./clipper bench cluster VIDEO), else the 60-minute source, built once
        var source = Environment.GetEnvironmentVariable("CLIPPER_BENCH_SOURCE") is { Length: > 0 } given
            ? File.Exists(given) ? Path.GetFullPath(given) : throw new FileNotFoundException($"CLIPPER_BENCH_SOURCE names no file: {given}")
            : await Clipper.Host.Cli.DemoCommand.LongSourceAsync(Path.Combine(bench, $"long-source-{Minutes:0}min.mp4"), Minutes, Console.Error, default);
        string sha;
        await using (var bytes = File.OpenRead(source))
        {
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(bytes));
        }

        var rig = await ClusterRig.OverAsync(await ClusterServices.StartAsync("bench"), source);
        try
        {
            var env = rig.Services.Environment("bench");
            env.Remove("Clipper__Transcribe__ChunkSeconds"); // the default 60 s, not the tests' 20 s
            for (int i = 1; i <= 3; i++)
            {
                rig.Silos.Add(new SiloProcess($"silo{i}", Path.Combine(rig.Root, $"silo{i}"), env));
            }

            foreach (var s in rig.Silos)
            {
                await s.StartAsync();
            }

            await MeasureAsync(rig, source, sha, dir, kill);
        }
        finally
        {
            var logs = Path.Combine(dir, $"logs-{mode}");
            Directory.CreateDirectory(logs);
            foreach (var s in rig.Silos)
            {
                var log = Path.Combine(s.Home, "logs", "clipper.log");
                if (File.Exists(log))
                {
                    File.Copy(log, Path.Combine(logs, $"{s.Name}.log"), overwrite: true);
                }
            }

            await rig.DisposeAsync();
            // the silos' homes hold a copy of the source each
            Directory.Delete(rig.Root, true);
        }
    }

    private async Task MeasureAsync(ClusterRig rig, string source, string sha, string dir, bool kill)
    {
        double audio = (await Clipper.Core.Media.Probe.ProbeAsync(source)).DurationSeconds;
        Say($"cluster benchmark{(kill ? " with a silo killed" : "")}: {Path.GetFileName(source)} ({audio / 60:0.0} min, {new FileInfo(source).Length / 1048576.0:0} MiB), "
            + $"3 silo processes on {Environment.ProcessorCount} cores, {Slots} transcription slots each, 60 s chunks, default clip options");
        var last = rig.Silos.ToDictionary(s => s.Name, _ => new SiloFigures());
        async Task ScrapeAsync()
        {
            foreach (var s in rig.Silos.Where(s => s.Running))
            {
                // CPU first: read after the metrics it could only be larger, and the split below must not exceed it
                var cpu = ProcessSeconds(s.Pid);
                var text = await s.MetricsAsync();
                if (text is not null && cpu is not null)
                {
                    last[s.Name] = new SiloFigures(text, cpu.Value);
                }
            }
        }

        var machineBefore = MachineBusySeconds();
        var clock = Stopwatch.StartNew();
        var jobId = await rig.Silos[0].UploadAsync(source, new V1.ClipOptions());
        double uploaded = clock.Elapsed.TotalSeconds;
        Say($"uploaded through silo1's gateway in {uploaded:0.0} s: job {jobId}");

        Killed? killed = null;
        V1.Job job;
        var progressAt = TimeSpan.Zero;
        var scrapedAt = TimeSpan.Zero;
        while (true)
        {
            // right after a kill the job's silo may be unreachable for a few seconds before it is declared dead
            job = (await Wait.For(() => rig.GetAsync(jobId), j => j is not null, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1)))!;
            if (job.State is V1.JobState.Completed or V1.JobState.Failed or V1.JobState.Cancelled)
            {
                break;
            }

            if (clock.Elapsed - scrapedAt > TimeSpan.FromSeconds(3))
            {
                await ScrapeAsync();
                scrapedAt = clock.Elapsed;
            }

            if (clock.Elapsed - progressAt > TimeSpan.FromSeconds(60))
            {
                Say($"  {clock.Elapsed.TotalSeconds,5:0} s: {job.Stage} {job.UnitsDone}/{job.UnitsTotal} units, running {string.Join(" ", job.Running.Keys.Order(StringComparer.Ordinal))}");
                progressAt = clock.Elapsed;
            }

            if (kill && killed is null && job is { Stage: V1.Stage.Transcribing, UnitsTotal: >= 6 } && job.UnitsDone * 3 >= job.UnitsTotal)
            {
                killed = await KillAsync(rig, jobId, job, ScrapeAsync, last);
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(150))
            {
                throw new TimeoutException($"job {jobId} not finished after 150 min: {job.State} {job.Stage} {job.UnitsDone}/{job.UnitsTotal}\n{rig.Logs()}");
            }

            await Task.Delay(1000);
        }

        double machineBusy = MachineBusySeconds() - machineBefore, wall = clock.Elapsed.TotalSeconds;
        await ScrapeAsync();
        Assert.True(job.State == V1.JobState.Completed, $"{job.State} {job.ErrorCode}: {job.ErrorMessage}\n{rig.Logs()}");
        using var detail = JsonDocument.Parse(await rig.AnyRunning.Web.GetStringAsync($"/api/jobs/{jobId}"));
        var runs = Runs(rig, jobId);
        var transcript = await WordsAsync(rig, sha);

        Report(job, detail.RootElement, runs, last, audio, uploaded, wall, machineBusy, transcript.Count);
        if (killed is not null)
        {
            ReportKill(killed, runs);
        }

        var reference = Path.Combine(dir, $"transcript-{sha}.json");
        bool? same = null;
        if (kill)
        {
            if (File.Exists(reference))
            {
                var undisturbed = JsonSerializer.Deserialize<List<Word>>(await File.ReadAllTextAsync(reference))!;
                same = undisturbed.SequenceEqual(transcript);
                int diff = undisturbed.Count == transcript.Count ? undisturbed.Zip(transcript).Count(p => p.First != p.Second) : -1;
                Say($"transcript: {(same.Value ? "identical to" : "DIFFERS from")} the undisturbed run's ({reference}): {transcript.Count} words against {undisturbed.Count}"
                    + (diff > 0 ? $", {diff} differ" : ""));
            }
            else
            {
                Say($"transcript: not compared (no undisturbed transcript of this source: run ./clipper bench cluster first; it keeps one in {reference})");
            }
        }
        else
        {
            await File.WriteAllTextAsync(reference, JsonSerializer.Serialize(transcript));
            Say($"transcript: {transcript.Count} words, kept in {reference} for the --kill run to compare with");
        }

        Say($"figures written to {_reportFile}");

        // what the figures claim, checked: every clip once in blob storage, every silo ran chunks, and after a kill
        // every chunk the dead silo had ran again and nothing else did but chunks Orleans stopped on survivors
        await rig.AssertDeliveredAsync([job], output);
        var chunkSilos = runs.Where(r => IsChunk(r.Unit) && r.What == "ended" && r.Outcome == "ok").Select(r => r.Silo).Distinct().Count();
        Assert.True(chunkSilos == 3 || killed is not null, $"chunks ran on {chunkSilos} silo(s)");
        if (killed is not null)
        {
            var rerun = Reruns(runs);
            Assert.NotEmpty(killed.InFlight);
            Assert.All(killed.InFlight, u => Assert.Contains(u, rerun));
            var stopped = StoppedOnSurvivors(runs, killed);
            Assert.All(rerun, u => Assert.True(killed.InFlight.Contains(u) || stopped.Contains(u), $"{u} ran twice, neither in flight on {killed.Silo} nor stopped elsewhere"));
            Assert.NotEqual(false, same);
        }
    }

    /// <summary>SIGKILL to the silo with the most of the job's chunks in flight (none yet: null, try again later).</summary>
    private async Task<Killed?> KillAsync(ClusterRig rig, string jobId, V1.Job job, Func<Task> scrape, Dictionary<string, SiloFigures> last)
    {
        var victim = rig.Silos.Where(s => s.Running).Select(s => (Silo: s, Chunks: InFlight(s.LogText(), jobId)))
            .OrderByDescending(x => x.Chunks.Count).First();
        if (victim.Chunks.Count == 0)
        {
            return null;
        }

        await scrape();
        var at = DateTime.UtcNow;
        victim.Silo.Kill();
        // read again after the kill: a chunk that began or ended meanwhile is in the log, which is flushed line by line
        var log = victim.Silo.LogText();
        var inFlight = InFlight(log, jobId);
        Say($"SIGKILL {victim.Silo.Name} at {job.UnitsDone}/{job.UnitsTotal} units of transcription with {string.Join(", ", inFlight)} in flight");
        return new Killed(victim.Silo.Name, at, job.UnitsDone, job.UnitsTotal, inFlight, InFlight(log, jobId, slotted: true), last[victim.Silo.Name]);
    }

    private void Report(V1.Job job, JsonElement detail, List<UnitRun> runs, Dictionary<string, SiloFigures> silos, double audio, double uploaded, double wall,
        double machineBusy, int words)
    {
        var ended = runs.Where(r => r.What == "ended").ToList();
        var chunkRuns = ended.Where(r => IsChunk(r.Unit) && r.Outcome == "ok").ToList();
        int chunks = runs.Where(r => IsChunk(r.Unit)).Select(r => r.Unit).Distinct().Count();
        double jobSeconds = (job.FinishedAtUnixMs - job.SubmittedAtUnixMs) / 1000.0;
        var cost = job.Cost.Stages.ToDictionary(s => s.Stage);
        Say("");
        Say($"job: {job.Clips.Count} clips ({job.Clips.Sum(c => c.End - c.Start):0} s of video) from {chunks} chunks, {words} words; "
            + $"{jobSeconds:0.0} s from submission to completed ({wall:0.0} s with the upload of {uploaded:0.0} s)");
        Say("status seconds (the job's own timeline): " + string.Join(", ", detail.GetProperty("timeline").EnumerateArray()
            .Where(t => t.GetProperty("seconds").ValueKind == JsonValueKind.Number)
            .Select(t => $"{t.GetProperty("stage").GetString()} {t.GetProperty("seconds").GetDouble():0.0}")));
        var chunkEnds = ended.Where(r => IsChunk(r.Unit)).ToList();
        var chunkStarts = runs.Where(r => IsChunk(r.Unit) && r.What == "running").ToList();
        if (chunkStarts.Count > 0 && chunkEnds.Count > 0)
        {
            Say($"transcription wall: {(chunkEnds.Max(r => r.At) - chunkStarts.Min(r => r.At)).TotalSeconds:0.0} s from the first chunk's start to the last chunk's end");
        }

        Say($"machine: {machineBusy:0} CPU s busy of {wall * Environment.ProcessorCount:0} on {Environment.ProcessorCount} cores during the run "
            + $"(everyone's: /proc/stat); the silos {silos.Values.Sum(s => s.Cpu):0} s of it; load average now {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Say("");
        Say("per silo     chunks  share   chunk wall s (mean)  transcribe CPU s / units  = per unit   track+encode units  silo process CPU s  most chunks at once");
        int total = chunkRuns.Count;
        foreach (var (name, f) in silos)
        {
            var mine = chunkRuns.Where(r => r.Silo == name).ToList();
            int units = ended.Count(r => r.Silo == name && r.Unit.StartsWith("transcribe", StringComparison.Ordinal));
            double cpu = Stage(f, "transcribe");
            int clipUnits = ended.Count(r => r.Silo == name && (r.Unit.StartsWith("track-", StringComparison.Ordinal) || r.Unit.StartsWith("encode-", StringComparison.Ordinal)));
            Say($"  {name,-8} {mine.Count,6} {mine.Count / (double)Math.Max(1, total),6:0%} {(mine.Count > 0 ? mine.Average(r => r.Seconds) : 0),20:0.0} "
                + $"{cpu,14:0.0} / {units,-9} {cpu / Math.Max(1, units),10:0.0} {clipUnits,19} {f.Cpu,19:0.0} {ClusterRig.Metric(f.Metrics, "clipper_stage_running_peak", "stage=\"transcribe\""),20}");
        }

        var walls = chunkRuns.Select(r => r.Seconds).Order().ToList();
        if (walls.Count > 0)
        {
            Say($"chunk wall (the unit's own \"after N s\": from its slot to its end, {walls.Count} chunks that ended ok): mean {walls.Average():0.0} s, "
                + $"median {walls[walls.Count / 2]:0.0}, min {walls[0]:0.0}, max {walls[^1]:0.0}; with {3 * Slots} chunks at once on {Environment.ProcessorCount} cores");
        }

        if (cost.TryGetValue("transcribe", out var t))
        {
            Say($"chunk CPU (the units' own meters, children and in-process work, as the job sums them; the join unit counted among them): "
                + $"{t.CpuSeconds:0.0} s over {t.Units} transcribe units = {t.CpuSeconds / Math.Max(1, t.Units):0.00} s a unit, "
                + $"{t.CpuSeconds / audio:0.000} s per second of audio");
        }

        foreach (var stage in new[] { "track", "encode" })
        {
            var clipRuns = ended.Where(r => r.Unit.StartsWith(stage + "-", StringComparison.Ordinal) && r.Outcome == "ok").ToList();
            if (clipRuns.Count > 0 && cost.TryGetValue(stage, out var c))
            {
                Say($"per clip {stage,-7}: wall mean {clipRuns.Average(r => r.Seconds):0.0} s (min {clipRuns.Min(r => r.Seconds):0.0}, max {clipRuns.Max(r => r.Seconds):0.0}); "
                    + $"CPU {c.CpuSeconds / Math.Max(1, c.Units):0.0} s a clip ({c.CpuSeconds:0.0} s over {c.Units}); silos "
                    + string.Join(", ", clipRuns.GroupBy(r => r.Silo).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")));
            }
        }

        Say("not spread (one unit each; wall from the log, CPU from the job's cost): " + string.Join("; ", new[] { "fetch", "split", "transcribe", "score" }
            .Select(u => (u, r: ended.LastOrDefault(r => r.Unit == u && r.Outcome == "ok")))
            .Where(x => x.r is not null)
            .Select(x => $"{(x.u == "transcribe" ? "join" : x.u)} {x.r!.Seconds:0.0} s on {x.r.Silo}"
                + (x.u != "transcribe" && cost.TryGetValue(x.u, out var c) ? $" ({c.CpuSeconds:0.0} CPU s)" : ""))));

        if (walls.Count > 0 && cost.TryGetValue("transcribe", out var tc) && cost.TryGetValue("track", out var tr) && cost.TryGetValue("encode", out var en))
        {
            double chunkCpu = tc.CpuSeconds / Math.Max(1, tc.Units);
            double serial = new[] { "fetch", "split", "score" }.Sum(s => cost.TryGetValue(s, out var c) ? c.CpuSeconds : 0);
            double clipCpu = (tr.CpuSeconds / Math.Max(1, tr.Units)) + (en.CpuSeconds / Math.Max(1, en.Units));
            Say("");
            Say("projection (CPU seconds as wall seconds on a free core; the README shows the arithmetic):");
            foreach (var (machines, cores, minutes) in new[] { (3, 2, 60.0), (10, 4, 180.0) })
            {
                int n = (int)Math.Ceiling(chunks * minutes * 60 / audio);
                int waves = (int)Math.Ceiling(n / (double)(machines * cores));
                double transcription = waves * chunkCpu;
                // a job has at most 4 clips tracked and 4 encoded at once (MaxInFlightPerJob); each unit on half a machine's cores
                int clipWaves = (int)Math.Ceiling(job.Clips.Count / 4.0);
                double clips = clipWaves * clipCpu / (cores / 2.0);
                double rest = serial * minutes * 60 / audio;
                Say($"  {machines} machines x {cores} cores, {minutes:0} min: {n} chunks in {waves} waves x {chunkCpu:0.0} s = {transcription:0} s; "
                    + $"fetch+split+score {rest:0} s; {job.Clips.Count} clips in {clipWaves} waves x {clipCpu:0.0} CPU s / {cores / 2.0:0} cores = {clips:0} s; "
                    + $"about {(transcription + rest + clips) / 60:0.0} min");
            }
        }
    }

    private void ReportKill(Killed k, List<UnitRun> runs)
    {
        var rerun = Reruns(runs);
        var stopped = StoppedOnSurvivors(runs, k);
        var rerunChunks = rerun.Where(IsChunk).ToList();
        var other = rerun.Where(u => !k.InFlight.Contains(u) && !stopped.Contains(u)).ToList();
        int landedBefore = runs.Count(r => r.Silo == k.Silo && IsChunk(r.Unit) && r.What == "ended" && r.Outcome == "ok" && r.At <= k.At);
        Say("");
        Say($"SIGKILL: {k.Silo} at {k.At:HH:mm:ss} UTC, {k.UnitsDone} of {k.UnitsTotal} units of transcription done; it had landed {landedBefore} chunk(s) "
            + $"and used {k.Before.Cpu:0.0} CPU s ({Stage(k.Before, "transcribe"):0.0} in transcribe units that ended) up to the last scrape before the kill");
        var queued = k.InFlight.Except(k.Running).ToList();
        Say($"  in flight on it at the kill (accepted, not ended, from its log): {k.InFlight.Count} ({string.Join(", ", k.InFlight)}): {k.Running.Count} running "
            + $"in its {Slots} slots ({string.Join(", ", k.Running)}), {queued.Count} handed to it while its slots were taken, waiting ({string.Join(", ", queued)}); "
            + $"{(k.InFlight.Count <= Slots ? "within" : "MORE THAN")} its slots");
        Say($"  run again: {rerunChunks.Count} chunk(s) ({string.Join(", ", rerunChunks)}): {k.InFlight.Count(rerun.Contains)} of its in-flight ones, "
            + $"{stopped.Count(rerun.Contains)} stopped by Orleans on a surviving silo as the dead one left ({string.Join(", ", stopped)}), "
            + $"{other.Count} other ({string.Join(", ", other)}); re-run chunks {(rerunChunks.Count <= Slots ? "<=" : ">")} its {Slots} slots");
        foreach (var u in rerun)
        {
            Say($"    {u}: " + string.Join("; ", runs.Where(r => r.Unit == u && r.What != "running")
                .Select(r => $"{r.At:HH:mm:ss} {r.Silo} {r.What}{(r.What == "ended" ? $" ({r.Outcome}) after {r.Seconds:0.0} s" : "")}")));
        }
    }

    private void Say(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
        File.AppendAllText(_reportFile, line + Environment.NewLine);
    }

    private static bool IsChunk(string unit) => unit.StartsWith("transcribe-", StringComparison.Ordinal);

    private static double Stage(SiloFigures f, string stage) => ClusterRig.Metric(f.Metrics, "clipper_stage_cpu_seconds_total", $"stage=\"{stage}\"");

    /// <summary>Units accepted more than once (by any silo).</summary>
    private static List<string> Reruns(List<UnitRun> runs) => runs.Where(r => r.What == "accepted").GroupBy(r => r.Unit)
        .Where(g => g.Count() > 1).Select(g => g.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>Chunks that ended cancelled on a surviving silo after the kill: Orleans stopped them as the dead silo left.</summary>
    private static HashSet<string> StoppedOnSurvivors(List<UnitRun> runs, Killed k) => runs
        .Where(r => r.Silo != k.Silo && r.At >= k.At && r.What == "ended" && r.Outcome == "cancelled" && IsChunk(r.Unit))
        .Select(r => r.Unit).ToHashSet();

    /// <summary>The job's chunk units a silo's log shows accepted and not ended; <paramref name="slotted"/>: only those that also had a slot ("running").</summary>
    private static List<string> InFlight(string log, string jobId, bool slotted = false)
    {
        var open = new HashSet<string>();
        foreach (Match m in Lifecycle().Matches(log))
        {
            if (m.Groups["job"].Value != jobId || !IsChunk(m.Groups["unit"].Value))
            {
                continue;
            }

            switch (m.Groups["what"].Value)
            {
                case "accepted" when !slotted:
                case "running" when slotted:
                    open.Add(m.Groups["unit"].Value);
                    break;
                case "ended":
                    open.Remove(m.Groups["unit"].Value);
                    break;
            }
        }

        return [.. open.Order(StringComparer.Ordinal)];
    }

    /// <summary>Every lifecycle line of the job's units in every silo's log, in time order.</summary>
    private static List<UnitRun> Runs(ClusterRig rig, string jobId) => [.. rig.LogLines()
        .Select(l => (l.Silo, l.At, M: Lifecycle().Match(l.Line)))
        .Where(x => x.M.Success && x.M.Groups["job"].Value == jobId)
        .Select(x => new UnitRun(x.Silo, x.At, x.M.Groups["unit"].Value, x.M.Groups["what"].Value, x.M.Groups["outcome"].Value,
            x.M.Groups["s"].Success ? double.Parse(x.M.Groups["s"].Value.Replace(',', '.'), Inv) : 0))
        .OrderBy(r => r.At)];

    /// <summary>The words of the transcript stored for the source: text and times.</summary>
    private static async Task<List<Word>> WordsAsync(ClusterRig rig, string sha)
    {
        var blob = await rig.Services.Container.GetBlobClient($"transcripts/{sha}.json").DownloadContentAsync();
        using var json = JsonDocument.Parse(blob.Value.Content.ToString());
        return [.. json.RootElement.GetProperty("words").EnumerateArray()
            .Select(w => new Word(w.GetProperty("word").GetString()!, w.GetProperty("start").GetDouble(), w.GetProperty("end").GetDouble()))];
    }

    /// <summary>CPU seconds of a process and its reaped children (ffmpeg, pocketsphinx), from /proc; null when it is gone.</summary>
    private static double? ProcessSeconds(int? pid)
    {
        try
        {
            var f = ProcessCpu.StatFields(File.ReadAllText($"/proc/{pid}/stat"));
            return new[] { 11, 12, 13, 14 }.Sum(i => long.Parse(f[i], Inv) / 100.0);
        }
        catch (Exception e) when (pid is null || e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The machine's busy CPU seconds since boot, every process's (user, nice, system, irq, softirq, steal).</summary>
    private static double MachineBusySeconds()
    {
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => long.Parse(f[i], Inv) / 100.0);
    }

    private sealed record SiloFigures(string Metrics = "", double Cpu = 0);

    private sealed record UnitRun(string Silo, DateTime At, string Unit, string What, string Outcome, double Seconds);

    private sealed record Killed(string Silo, DateTime At, int UnitsDone, int UnitsTotal, List<string> InFlight, List<string> Running, SiloFigures Before);

    public sealed record Word(string Text, double Start, double End);

    [GeneratedRegex(@"(?<job>\S+) (?<unit>[a-z]+(-\d+)?) (?<what>accepted|running|ended) on this silo( \((?<outcome>\w+)\) after (?<s>[\d.,]+) s)?")]
    private static partial Regex Lifecycle();
}
