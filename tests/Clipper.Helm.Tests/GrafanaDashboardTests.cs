using System.Text.Json.Nodes;
using Clipper.TestSupport;
using k8s.Models;

namespace Clipper.Helm.Tests;

/// <summary>
/// The Grafana dashboard ships in a ConfigMap that the Grafana sidecar loads by its label, only when asked for, with
/// the label, namespace and annotations the values give, carrying the dashboard file unchanged; its queries cover the
/// operations view the issue names. (That every series they name exists is proven against a real scrape in
/// Clipper.Gateway.Tests' DashboardQueriesTests.)
/// </summary>
[Trait("Category", "external")]
public sealed class GrafanaDashboardTests
{
    [Fact]
    public async Task IsOffByDefault()
    {
        var chart = await ValuesMatrix.RenderAsync("defaults");
        Assert.DoesNotContain(chart.All<V1ConfigMap>(), c => c.Metadata.Labels?.ContainsKey("grafana_dashboard") == true);
    }

    [Fact]
    public async Task IsAConfigMapLabelledForTheSidecarCarryingTheDashboardFile()
    {
        var chart = await ValuesMatrix.RenderAsync("Grafana dashboard");
        var map = Assert.Single(chart.All<V1ConfigMap>(), c => c.Metadata.Name == "clip-clipper-dashboard");
        Assert.Equal("1", map.Metadata.Labels["grafana_dashboard"]);
        Assert.Equal("clipper", map.Metadata.Labels["app.kubernetes.io/name"]);
        Assert.Null(map.Metadata.NamespaceProperty);
        Assert.Equal(["clipper.json"], map.Data.Keys);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(GrafanaDashboard.File)), JsonNode.Parse(map.Data["clipper.json"])),
            "the ConfigMap's dashboard differs from helm/clipper/dashboards/clipper.json");
    }

    [Fact]
    public async Task TakesTheSidecarsLabelNamespaceAndAnnotationsFromValues()
    {
        var chart = await HelmTool.RenderAsync(("grafanaDashboard.enabled", "true"), ("grafanaDashboard.label", "example.com/dashboard"),
            ("grafanaDashboard.labelValue", "clipper"), ("grafanaDashboard.namespace", "monitoring"), ("grafanaDashboard.annotations.grafana_folder", "Clipper"));
        var map = Assert.Single(chart.All<V1ConfigMap>(), c => c.Metadata.Name == "clip-clipper-dashboard");
        Assert.Equal("clipper", map.Metadata.Labels["example.com/dashboard"]);
        Assert.False(map.Metadata.Labels.ContainsKey("grafana_dashboard"));
        Assert.Equal("monitoring", map.Metadata.NamespaceProperty);
        Assert.Equal("Clipper", map.Metadata.Annotations["grafana_folder"]);
    }

    [Fact]
    public void ItsQueriesReadAndCoverTheOperationsView()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(GrafanaDashboard.File))!;
        var panels = GrafanaDashboard.Panels(dashboard["panels"]!.AsArray()).ToList();
        Assert.Equal(panels.Count, panels.Select(p => (int)p["id"]!).Distinct().Count());
        Assert.All(panels, p => Assert.NotEmpty(p["targets"]!.AsArray()));
        var queries = GrafanaDashboard.Queries(dashboard);
        // every query names at least one series and reads through the data source variable
        Assert.All(queries, q => Assert.True(q.Selectors.Count > 0, $"{q.Where} names no series: {q.Expr}"));
        Assert.All(panels.SelectMany(p => p["targets"]!.AsArray()), t => Assert.Equal("${datasource}", (string?)t!["datasource"]!["uid"]));
        var named = queries.SelectMany(q => q.Selectors).Select(s => s.Metric).ToHashSet();
        // the figures: queued and running per stage, job and stage duration percentiles, failures and retries
        // by stage and code, silos up
        foreach (var metric in new[]
        {
            "clipper_stage_queued", "clipper_stage_running", "clipper_job_duration_seconds_bucket", "clipper_stage_duration_seconds_bucket",
            "clipper_job_failures_total", "clipper_retries_total", "clipper_silos_active",
        })
        {
            Assert.Contains(metric, named);
        }

        var byStageAndCode = queries.Where(q => q.GroupBy.Contains("stage") && q.GroupBy.Contains("code")).SelectMany(q => q.Selectors).Select(s => s.Metric);
        Assert.Equal(["clipper_job_failures_total", "clipper_retries_total"], byStageAndCode.Order());
        Assert.Contains(queries, q => q.Expr.StartsWith("histogram_quantile(0.95, sum by (stage, le) (rate(clipper_stage_duration_seconds_bucket", StringComparison.Ordinal));
    }

    [Fact]
    public void TheTokenizerReadsSelectorsMatchersAndGroupingAndRefusesWhatItCannotRead()
    {
        var q = GrafanaDashboard.Read("t", "histogram_quantile(0.9, sum by (stage, le) (rate(a_bucket{x=\"1\", y=~\"$v|b\\\"c\"}[$__rate_interval]))) / on(pod) group_left b offset 5m and c:d");
        Assert.Equal(["a_bucket", "b", "c:d"], q.Selectors.Select(s => s.Metric));
        Assert.Equal([new("x", "=", "1"), new GrafanaDashboard.Matcher("y", "=~", "$v|b\"c")], q.Selectors[0].Matchers);
        Assert.Equal(["stage", "le", "pod"], q.GroupBy);
        Assert.Throws<FormatException>(() => GrafanaDashboard.Read("t", "sum(a{x=1})"));
        Assert.Throws<FormatException>(() => GrafanaDashboard.Read("t", "rate(a[5m)"));
    }
}
