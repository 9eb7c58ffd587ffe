using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clipper.Gateway.V1;
using Clipper.TestSupport;

namespace Clipper.Gateway.Tests;

/// <summary>
/// The chart's Grafana dashboard (helm/clipper/dashboards/clipper.json) against a real /metrics scrape of a silo that
/// ran a job to its clips and a job that failed after a retry: every series each query names exists, with the labels
/// it matches and groups by (the values of its exact matchers included). The queries are read from the JSON, not
/// listed here.
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "media")]
[Trait("Category", "slow")]
public sealed partial class DashboardQueriesTests(ITestOutputHelper output)
{
    /// <summary>Labels Prometheus gives every series of a ServiceMonitor's target; they are not in /metrics itself.</summary>
    private static readonly HashSet<string> TargetLabels = ["namespace", "pod", "service", "endpoint", "container", "job", "instance"];

    [Fact]
    public async Task EverySeriesTheDashboardNamesIsInARealScrape()
    {
        var talk = await TestMedia.ShortTalkAsync();
        // a source that is down: the fetch fails, is retried once, then fails the job
        await using var down = new TestHttpServer(ex => ex.SendAsync(503, "down"u8.ToArray()));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["Clipper:Fetch:AllowPrivateAddresses"] = "true",
            ["Clipper:Job:MaxAttempts"] = "2",
            ["Clipper:Job:RetryBase"] = "00:00:00.2",
        });
        var started = System.Diagnostics.Stopwatch.StartNew();
        var failing = await server.Client.SubmitJobAsync(new SubmitJobRequest { SourceUrl = down.Url("/talk.mp4") });
        var good = await server.UploadAsync(talk.File, new ClipOptions { MaxClips = 1, Width = 270, Height = 480 });
        var failed = (await server.WatchAllAsync(failing.JobId, TimeSpan.FromMinutes(2)))[^1].Job;
        Assert.Equal((JobState.Failed, "download_failed"), (failed.State, failed.ErrorCode));
        var done = (await server.WatchAllAsync(good.JobId, TimeSpan.FromMinutes(8)))[^1].Job;
        Assert.Equal(JobState.Completed, done.State);
        output.WriteLine($"both jobs ended in {started.Elapsed.TotalSeconds:0.0} s");

        var series = Series(PrometheusText.Parse(await server.Web.GetStringAsync("/metrics")));
        var queries = GrafanaDashboard.Queries(JsonNode.Parse(await File.ReadAllTextAsync(GrafanaDashboard.File))!);
        var missing = new List<string>();
        foreach (var q in queries)
        {
            foreach (var s in q.Selectors)
            {
                if (!series.TryGetValue(s.Metric, out var all))
                {
                    missing.Add($"{q.Where}: no series {s.Metric}");
                    continue;
                }

                foreach (var m in s.Matchers.Where(m => !TargetLabels.Contains(m.Label)))
                {
                    if (!all.Any(l => l.ContainsKey(m.Label)))
                    {
                        missing.Add($"{q.Where}: {s.Metric} has no label {m.Label}");
                    }
                    else if (m.Op == "=" && !all.Any(l => l.GetValueOrDefault(m.Label) == m.Value))
                    {
                        missing.Add($"{q.Where}: no series {s.Metric}{{{m.Label}=\"{m.Value}\"}}");
                    }
                }
            }

            foreach (var label in q.GroupBy.Where(l => !TargetLabels.Contains(l)))
            {
                if (!q.Selectors.Any(s => series.GetValueOrDefault(s.Metric)?.Any(l => l.ContainsKey(label)) == true))
                {
                    missing.Add($"{q.Where}: groups by {label}, which none of its series has");
                }
            }
        }

        var named = queries.SelectMany(q => q.Selectors).Select(s => s.Metric).Distinct().Order().ToList();
        output.WriteLine($"{queries.Count} queries name {named.Count} series: {string.Join(", ", named)}");
        Assert.True(missing.Count == 0, string.Join("\n", missing));
        // the test reads something: the dashboard's queries and the failure and retry series the jobs made
        Assert.True(queries.Count >= 15, $"only {queries.Count} queries read");
        Assert.Contains(series["clipper_retries_total"], l => l["stage"] == "fetch" && l["code"] == "download_failed");
        Assert.Contains(series["clipper_job_failures_total"], l => l["stage"] == "fetch" && l["code"] == "download_failed");
        Measurements.Record($"Grafana dashboard: {queries.Count} queries naming {named.Count} series, all in a real /metrics scrape after a completed and a failed job");
    }

    /// <summary>Each series name with the label sets it has.</summary>
    private static Dictionary<string, List<Dictionary<string, string>>> Series(Dictionary<string, double> samples)
    {
        var series = new Dictionary<string, List<Dictionary<string, string>>>();
        foreach (var key in samples.Keys)
        {
            int brace = key.IndexOf('{');
            var name = brace < 0 ? key : key[..brace];
            var labels = brace < 0 ? [] : Label().Matches(key[brace..]).ToDictionary(m => m.Groups[1].Value, m => Regex.Unescape(m.Groups[2].Value));
            (series.TryGetValue(name, out var list) ? list : series[name] = []).Add(labels);
        }

        return series;
    }

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
