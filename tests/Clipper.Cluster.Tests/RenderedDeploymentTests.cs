using System.Diagnostics;
using System.Net;
using Clipper.Helm.Tests;
using Clipper.TestSupport;
using k8s.Models;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Cluster.Tests;

/// <summary>Runs alone: four silo processes and their jobs need the machine to themselves.</summary>
[CollectionDefinition("rendered deployment", DisableParallelization = true)]
public sealed class RenderedDeploymentCollection;

/// <summary>
/// The chart's rendered Deployment, run: the silo container's command, arguments and environment from
/// <c>helm template</c> with the chart's defaults, started as local processes the way Kubernetes would start the pods.
/// What stands in for Kubernetes: the downward-API fields are filled (a distinct pod name, a pod IP 127.0.0.N); the
/// Secret's keys hold the local Redis, PostgreSQL and Azurite connection strings and a test API key; the image's
/// <c>/app/clipper</c> is the locally built apphost <c>clipper</c> beside these tests; the work volume
/// (CLIPPER_HOME, /var/lib/clipper) is a directory of the test's; each pod's own network namespace is its pod IP, so a
/// rendered listen address 0.0.0.0:PORT becomes POD_IP:PORT (the same port in every pod, as in a cluster); the models
/// the image carries come from the repository's .assets (CLIPPER_ASSETS). Probes are asked as the kubelet asks them:
/// an HTTP GET of the rendered path and port, without a key, success being 200-399.
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "external")]
[Trait("Category", "media")]
[Trait("Category", "slow")]
[Collection("rendered deployment")]
public sealed class RenderedDeploymentTests(ITestOutputHelper output)
{
    private const string ApiKey = "rendered-deployment-key";

    [Fact]
    public async Task ThreeRenderedSilosJoinServeScaleDownAndRollOverWithoutLosingAJob()
    {
        var chart = await HelmTool.RenderAsync();
        Assert.Equal(["/app/clipper"], chart.Silo.Command);
        Assert.Equal(["serve"], chart.Silo.Args);
        var grace = TimeSpan.FromSeconds(chart.Pod.TerminationGracePeriodSeconds!.Value);
        var services = await ClusterServices.StartAsync("rendered");
        await using var rig = await ClusterRig.OverAsync(services);
        var secret = new Dictionary<string, string>
        {
            ["redis"] = services.Redis.ConnectionString,
            ["postgres"] = services.Postgres,
            ["blob"] = services.Azurite.ConnectionString,
            ["api-keys"] = ApiKey,
        };

        // three pods: the first alone (it creates the schema), then the other two at once, as a rollout starts them
        async Task<TimeSpan> StartPodAsync(int i)
        {
            var pod = rig.Silos[i];
            var clock = Stopwatch.StartNew();
            await pod.StartAsync(TimeSpan.FromMinutes(2));
            await ProbeUntilAsync(chart, pod, chart.Silo.StartupProbe, "startup");
            return clock.Elapsed;
        }

        rig.Silos.AddRange(Enumerable.Range(0, 3).Select(i => Pod(chart, rig, i, secret)));
        var started = new[] { await StartPodAsync(0) }.Concat(await Task.WhenAll(StartPodAsync(1), StartPodAsync(2))).ToList();

        await AllJoinedAsync(rig.Silos);
        foreach (var pod in rig.Silos)
        {
            foreach (var (probe, what) in new[] { (chart.Silo.StartupProbe, "startup"), (chart.Silo.ReadinessProbe, "readiness"), (chart.Silo.LivenessProbe, "liveness") })
            {
                Assert.True(await ProbeAsync(chart, pod, probe) == HttpStatusCode.OK, $"{pod.Name}'s {what} probe failed");
            }
        }

        // a job through a pod's gRPC port (the first: fetch and transcribe happen here, later jobs of the source reuse them)
        var first = await TimedJobAsync(rig, rig.Silos[0]);
        // an undisturbed job of the same source: the time a scaled-down job is compared with
        var calm = await TimedJobAsync(rig, rig.Silos[1]);
        Measurements.Record($"rendered Deployment: 3 pods (127.0.0.2-4) from the chart's defaults, startup probe passed "
            + $"{string.Join(", ", started.Select(t => $"{t.TotalSeconds:0.0}"))} s after each start, all Active; a first job (fetch, transcribe) "
            + $"{first.Took.TotalSeconds:0} s, an undisturbed second {calm.Took.TotalSeconds:0} s");

        // scale-down: SIGTERM to the silo busiest with the next job's units
        var clockJob = Stopwatch.StartNew();
        var scaled = await rig.UploadAsync(rig.Silos[2], ClusterRig.Small(2));
        var (busy, units) = await BusiestAsync(rig, rig.Silos);
        var at = DateTime.UtcNow;
        var stop = await TerminateWatchingReadinessAsync(chart, busy, grace);
        var done = await rig.WaitAllAsync([scaled], TimeSpan.FromMinutes(6));
        var scaledTook = clockJob.Elapsed;
        Assert.True(done[scaled].State == V1.JobState.Completed, $"{done[scaled].State} {done[scaled].ErrorCode}: {done[scaled].ErrorMessage}");
        var moved = rig.LogLines().Where(l => l.At > at && l.Silo != busy.Name && (l.Line.Contains("dispatching it again", StringComparison.Ordinal)
            || l.Line.Contains("; resuming", StringComparison.Ordinal))).ToList();
        Assert.NotEmpty(moved);
        await rig.AssertDeliveredAsync([first.Job, calm.Job, done[scaled]], output);
        Measurements.Record($"rendered Deployment, scale-down: SIGTERM to {busy.Name} running {units} track/encode units → readiness false after "
            + $"{stop.NotReady.TotalSeconds:0.00} s (still serving), exit {stop.Code} after {stop.Exit.TotalSeconds:0.0} s (grace {grace.TotalSeconds:0} s); "
            + $"its units moved (first sign after {(moved.Min(l => l.At) - at).TotalSeconds:0.0} s); the job took {scaledTook.TotalSeconds:0} s "
            + $"against {calm.Took.TotalSeconds:0} s undisturbed (+{(scaledTook - calm.Took).TotalSeconds:0} s), every clip once");

        // rolling update: a config change rolls the pods; a new pod (maxSurge 1) is ready before an old one gets SIGTERM
        var changed = await HelmTool.RenderAsync(("config.env.Clipper__Job__MaxAttempts", "4"));
        Assert.NotEqual(Checksum(chart), Checksum(changed));
        var surge = Pod(changed, rig, 3, secret);
        rig.Silos.Add(surge);
        await surge.StartAsync(TimeSpan.FromMinutes(2));
        await ProbeUntilAsync(changed, surge, changed.Silo.StartupProbe, "startup");
        await ProbeUntilAsync(changed, surge, changed.Silo.ReadinessProbe, "readiness");
        var live = rig.Silos.Where(s => s.Running).ToList();
        await AllJoinedAsync(live);
        var rollJobs = new List<string> { await rig.UploadAsync(surge, ClusterRig.Small(2)), await rig.UploadAsync(live[0], ClusterRig.Small(2)) };
        // the old pod with the most units running once the jobs run (the Deployment picks any old pod; a busy one is the harder case)
        var olds = live.Where(s => s != surge).ToList();
        var busiestOld = await Wait.For(async () =>
        {
            var counts = new List<(SiloProcess Silo, double Units)>();
            foreach (var s in olds)
            {
                counts.Add((s, await rig.RunningUnitsAsync(s)));
            }

            return counts.MaxBy(c => c.Units);
        }, c => c.Units > 0, TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(250));
        var old = busiestOld.Silo;
        var roll = await TerminateWatchingReadinessAsync(chart, old, grace);
        var rolled = await rig.WaitAllAsync(rollJobs, TimeSpan.FromMinutes(6));
        Assert.All(rolled.Values, j => Assert.True(j.State == V1.JobState.Completed, $"{j.JobId}: {j.State} {j.ErrorCode}: {j.ErrorMessage}"));
        await rig.AssertDeliveredAsync(rolled.Values, output);
        Measurements.Record($"rendered Deployment, rolling update: new pod ready, then SIGTERM to {old.Name} ({busiestOld.Units} units running) → readiness false after "
            + $"{roll.NotReady.TotalSeconds:0.00} s, exit {roll.Code} after {roll.Exit.TotalSeconds:0.0} s; {rolled.Count} jobs running across it all COMPLETED");
    }

    /// <summary>A pod of the rendered Deployment as a local silo: see the class summary for what is mapped and why.</summary>
    private static SiloProcess Pod(RenderedChart chart, ClusterRig rig, int index, Dictionary<string, string> secret)
    {
        var ip = IPAddress.Parse($"127.0.0.{index + 2}");
        var name = $"{HelmTool.Release}-clipper-{Checksum(chart)[..8]}-pod{index}";
        var env = chart.Environment(name, ip.ToString(), secret);
        Assert.Equal(ip.ToString(), env["CLIPPER_SILO_ADDRESS"]);
        foreach (var key in new[] { "CLIPPER_GRPC", "CLIPPER_WEB" })
        {
            Assert.StartsWith("0.0.0.0:", env[key]);
            env[key] = env[key].Replace("0.0.0.0", ip.ToString(), StringComparison.Ordinal);
        }

        env["CLIPPER_ASSETS"] = Clipper.Core.Samples.Assets.Dir();
        var command = chart.Silo.Command.Select(c => c == "/app/clipper" ? Path.Combine(AppContext.BaseDirectory, "clipper") : c)
            .Concat(chart.Silo.Args).ToArray();
        return SiloProcess.Pod(name, Path.Combine(rig.Root, name), env, command, ip, chart.ContainerPort("grpc"), chart.ContainerPort("web"), ApiKey);
    }

    private static string Checksum(RenderedChart chart) => chart.Deployment.Spec.Template.Metadata.Annotations["checksum/config"];

    /// <summary>One probe as the kubelet sends it: GET path on the pod IP and port, no key, its timeout; null when nothing answers.</summary>
    private static async Task<HttpStatusCode?> ProbeAsync(RenderedChart chart, SiloProcess pod, V1Probe probe)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(probe.TimeoutSeconds ?? 1) };
        try
        {
            using var response = await http.GetAsync($"http://{pod.Address}:{chart.Resolve(probe.HttpGet.Port)}{probe.HttpGet.Path}");
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Asks a probe at its period until it passes, within its period × failure threshold (what the kubelet allows).</summary>
    private static async Task ProbeUntilAsync(RenderedChart chart, SiloProcess pod, V1Probe probe, string what)
    {
        var budget = TimeSpan.FromSeconds((probe.PeriodSeconds ?? 10) * (probe.FailureThreshold ?? 3));
        await Wait.For(() => ProbeAsync(chart, pod, probe), s => s is >= HttpStatusCode.OK and < HttpStatusCode.BadRequest, budget,
            TimeSpan.FromSeconds(1), $"{pod.Name}'s {what} probe {probe.HttpGet.Path} to pass");
    }

    /// <summary>Every one of these silos Active in the cluster, as the dashboard (through each silo's web port) lists them.</summary>
    private static async Task AllJoinedAsync(IReadOnlyList<SiloProcess> silos)
    {
        foreach (var silo in silos)
        {
            string counters = "";
            await Wait.Until(
                async () =>
                {
                    counters = await silo.Web.GetStringAsync("/dashboard/DashboardCounters");
                    var active = System.Text.Json.Nodes.JsonNode.Parse(counters)!["hosts"]!.AsArray()
                        .Where(h => (string?)h!["status"] == "Active").Select(h => h!.ToJsonString()).ToList();
                    return active.Count == silos.Count && silos.All(s => active.Any(h => h.Contains($"{s.Address}:", StringComparison.Ordinal)));
                },
                TimeSpan.FromSeconds(60),
                () => $"({silo.Name}'s dashboard: {counters})");
        }
    }

    private static async Task<(V1.Job Job, TimeSpan Took)> TimedJobAsync(ClusterRig rig, SiloProcess via)
    {
        var clock = Stopwatch.StartNew();
        var id = await rig.UploadAsync(via, ClusterRig.Small(2));
        var job = (await rig.WaitAllAsync([id], TimeSpan.FromMinutes(8)))[id];
        Assert.True(job.State == V1.JobState.Completed, $"{job.State} {job.ErrorCode}: {job.ErrorMessage}");
        return (job, clock.Elapsed);
    }

    /// <summary>The silo with the most track or encode units running, once one has any.</summary>
    private static async Task<(SiloProcess Silo, double Units)> BusiestAsync(ClusterRig rig, IEnumerable<SiloProcess> silos)
    {
        async Task<(SiloProcess? Silo, double Units)> Read()
        {
            (SiloProcess? Silo, double Units) busiest = (null, 0);
            foreach (var s in silos.Where(s => s.Running))
            {
                var text = await s.MetricsAsync() ?? "";
                var units = ClusterRig.Metric(text, "clipper_stage_running", "stage=\"track\"") + ClusterRig.Metric(text, "clipper_stage_running", "stage=\"encode\"");
                if (units > busiest.Units)
                {
                    busiest = (s, units);
                }
            }

            return busiest;
        }

        var (silo, units) = await Wait.For(Read, b => b.Silo is not null, TimeSpan.FromMinutes(4), TimeSpan.FromMilliseconds(250));
        return (silo!, units);
    }

    /// <summary>
    /// SIGTERM (what the kubelet sends), with the readiness probe asked every 50 ms meanwhile: when it first failed
    /// while the server still answered (a 503, not a refused connection), and when the process exited, inside the grace
    /// period or the test fails.
    /// </summary>
    private async Task<(TimeSpan NotReady, TimeSpan Exit, int? Code)> TerminateWatchingReadinessAsync(RenderedChart chart, SiloProcess pod, TimeSpan grace)
    {
        Assert.Equal(HttpStatusCode.OK, await ProbeAsync(chart, pod, chart.Silo.ReadinessProbe));
        var clock = Stopwatch.StartNew();
        // polled until it fails: a 503 while the server still answers, or no answer once it is gone (which fails below)
        var firstFailure = Wait.For(async () => (At: clock.Elapsed, Status: await ProbeAsync(chart, pod, chart.Silo.ReadinessProbe)),
            r => r.Status != HttpStatusCode.OK, grace, TimeSpan.FromMilliseconds(50));
        var (code, took) = await pod.TerminateAsync(grace);
        var (notReady, seen) = await firstFailure;
        output.WriteLine($"SIGTERM {pod.Name}: readiness {seen?.ToString() ?? "unanswered"} after {notReady.TotalSeconds:0.00} s, exit {code} after {took.TotalSeconds:0.0} s");
        Assert.True(code is not null, $"{pod.Name} still ran {grace.TotalSeconds:0} s (the grace period) after SIGTERM");
        Assert.Equal(0, code);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, seen);
        Assert.True(notReady < took, $"readiness failed {notReady} after SIGTERM, not before the exit at {took}");
        Assert.Contains("clipper: stopped", pod.Output);
        return (notReady, took, code);
    }
}
