using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Work;
using Microsoft.Extensions.Options;

namespace Clipper.Gateway;

/// <summary>
/// The head of the <c>/jobs</c> page, for people without Grafana: work queued and running per stage, failed jobs and
/// retries per stage, job durations and silos up. Read from this server's own /metrics (the same collection a
/// Prometheus scrape gets, so the page and the dashboard never disagree on what is counted); the per-stage figures are
/// this silo's, as each silo's /metrics are.
/// </summary>
public sealed partial class OperationsFigures(GatewayMetrics metrics, IOptions<GatewayOptions> options, TimeProvider clock)
{
    /// <summary>One stage's figures: units waiting and running now, jobs it failed, attempts of it that will run again.</summary>
    public sealed record StageFigures(string Stage, double Queued, double Running, double FailedJobs, double Retries);

    /// <summary>
    /// The figures of one scrape. Job durations are of completed jobs (from submission), null before one completed;
    /// the percentiles are estimated from the histogram's buckets as Prometheus' histogram_quantile does.
    /// </summary>
    public sealed record Figures(double SilosActive, IReadOnlyList<StageFigures> Stages, double CompletedJobs, double? AverageJobSeconds,
        double? P50JobSeconds, double? P95JobSeconds, double FailedJobs);

    /// <summary>Collects the metrics now and reads the figures from them.</summary>
    public async Task<Figures> ReadAsync(CancellationToken cancel)
    {
        using var text = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(text, cancel);
        return From(System.Text.Encoding.UTF8.GetString(text.ToArray()));
    }

    /// <summary>The figures now, then each time they change (looked at every Clipper:Gateway:FiguresInterval), until <paramref name="cancel"/>.</summary>
    public async IAsyncEnumerable<Figures> WatchAsync([EnumeratorCancellation] CancellationToken cancel)
    {
        Figures? last = null;
        while (!cancel.IsCancellationRequested)
        {
            var now = await ReadAsync(cancel);
            if (last is null || !Same(last, now))
            {
                last = now;
                yield return now;
            }

            await Task.Delay(options.Value.FiguresInterval, clock, cancel);
        }
    }

    /// <summary>The figures in a Prometheus text exposition.</summary>
    public static Figures From(string exposition)
    {
        var samples = Parse(exposition);
        double Sum(string name, Func<IReadOnlyDictionary<string, string>, bool> where) =>
            samples.Where(s => s.Name == name && where(s.Labels)).Sum(s => s.Value);

        var stages = StageInfo.All.Select(i => i.Stage.ToString().ToLowerInvariant())
            .Select(stage => new StageFigures(stage,
                Sum("clipper_stage_queued", l => l.GetValueOrDefault("stage") == stage),
                Sum("clipper_stage_running", l => l.GetValueOrDefault("stage") == stage),
                Sum("clipper_job_failures_total", l => l.GetValueOrDefault("stage") == stage),
                Sum("clipper_retries_total", l => l.GetValueOrDefault("stage") == stage)))
            .ToList();
        static bool Completed(IReadOnlyDictionary<string, string> l) => l.GetValueOrDefault("state") == "completed";
        double count = Sum("clipper_job_duration_seconds_count", Completed);
        double sum = Sum("clipper_job_duration_seconds_sum", Completed);
        var buckets = samples.Where(s => s.Name == "clipper_job_duration_seconds_bucket" && Completed(s.Labels))
            .Select(s => (Le: ParseValue(s.Labels["le"]), Count: s.Value)).OrderBy(b => b.Le).ToList();
        return new Figures(Sum("clipper_silos_active", _ => true), stages, count, count > 0 ? sum / count : null,
            Quantile(0.5, buckets), Quantile(0.95, buckets), Sum("clipper_job_failures_total", _ => true));
    }

    /// <summary>The figures as the page reads them.</summary>
    public static JsonObject ToJson(Figures f) => new()
    {
        ["silosActive"] = f.SilosActive,
        ["completedJobs"] = f.CompletedJobs,
        ["averageJobSeconds"] = f.AverageJobSeconds,
        ["p50JobSeconds"] = f.P50JobSeconds,
        ["p95JobSeconds"] = f.P95JobSeconds,
        ["failedJobs"] = f.FailedJobs,
        ["stages"] = new JsonArray([.. f.Stages.Select(s => (JsonNode)new JsonObject
        {
            ["stage"] = s.Stage,
            ["queued"] = s.Queued,
            ["running"] = s.Running,
            ["failedJobs"] = s.FailedJobs,
            ["retries"] = s.Retries,
        })]),
    };

    /// <summary>
    /// Prometheus' histogram_quantile over cumulative buckets: the bucket the rank falls in, interpolated linearly
    /// within it (from 0 for the first); a rank in the +Inf bucket gives the highest finite bound.
    /// </summary>
    public static double? Quantile(double q, IReadOnlyList<(double Le, double Count)> buckets)
    {
        if (buckets.Count == 0 || buckets[^1].Count == 0)
        {
            return null;
        }

        double rank = q * buckets[^1].Count;
        double lower = 0, below = 0;
        foreach (var (le, count) in buckets)
        {
            if (count >= rank)
            {
                return double.IsPositiveInfinity(le) ? lower : lower + ((le - lower) * (rank - below) / (count - below));
            }

            (lower, below) = (le, count);
        }

        return lower;
    }

    private static bool Same(Figures a, Figures b) => a with { Stages = [] } == b with { Stages = [] } && a.Stages.SequenceEqual(b.Stages);

    private sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    private static List<Sample> Parse(string exposition)
    {
        var samples = new List<Sample>();
        foreach (var line in exposition.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var m = SampleLine().Match(line);
            if (!m.Success)
            {
                throw new FormatException($"not a Prometheus sample line: {line}");
            }

            var labels = LabelPair().Matches(m.Groups[2].Value).ToDictionary(l => l.Groups[1].Value, l => Regex.Unescape(l.Groups[2].Value));
            samples.Add(new Sample(m.Groups[1].Value, labels, ParseValue(m.Groups[3].Value)));
        }

        return samples;
    }

    private static double ParseValue(string v) => v switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?[0-9]+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
