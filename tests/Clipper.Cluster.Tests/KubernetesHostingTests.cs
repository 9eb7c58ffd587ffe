using Clipper.TestSupport;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Cluster.Tests;

/// <summary>
/// Silos with Orleans' Kubernetes hosting on (what the chart renders with kubernetesHosting.enabled), run as local
/// processes against <see cref="FakeKubernetesApi"/> through a kubeconfig (Clipper:Kubernetes:KubeConfig), since no
/// API server can run here: the start-up check, the pod labels, and a deleted pod's silo declared dead.
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "external")]
public sealed class KubernetesHostingTests(ServicesFixture fixture, ITestOutputHelper output) : IClassFixture<ServicesFixture>, IAsyncLifetime
{
    private const string Namespace = "clipper-test";
    private FakeKubernetesApi _api = null!;
    private string _kubeConfig = "";

    public async ValueTask InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync(Namespace);
        _kubeConfig = Path.Combine(TestMedia.TempDir("clipper-kube"), "kubeconfig");
        await File.WriteAllTextAsync(_kubeConfig, _api.KubeConfig());
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        Assert.True(_api.Errors.IsEmpty, string.Join("\n", _api.Errors));
    }

    /// <summary>The silo container's environment as the chart renders it with Kubernetes hosting, for one pod.</summary>
    private Dictionary<string, string> PodEnvironment(string clusterId, string pod)
    {
        var env = fixture.Services.Environment(clusterId);
        env["CLIPPER_KUBERNETES_HOSTING"] = "true";
        env["Clipper__Kubernetes__KubeConfig"] = _kubeConfig;
        env["POD_NAME"] = pod;
        env["POD_NAMESPACE"] = Namespace;
        env["POD_IP"] = "127.0.0.1";
        env["ORLEANS_SERVICE_ID"] = "clipper";
        env["ORLEANS_CLUSTER_ID"] = clusterId;
        return env;
    }

    [Theory]
    [InlineData("patch", "may not patch pods")]
    [InlineData("get", "may not get pods")]
    public async Task AServiceAccountWithoutTheRolesVerbsStopsTheStartWithOneClearLineNotARequestStorm(string withheld, string expected)
    {
        _api.AddPod("clipper-0", "127.0.0.1");
        _api.Allowed.Remove(withheld);
        var (code, took, stdout, stderr) = await BadConfigurationTests.ServeAsync(PodEnvironment("forbidden", "clipper-0"));
        output.WriteLine($"without {withheld}: exit {code} after {took.TotalSeconds:0.0} s, {_api.Requests.Count} API requests: {stderr.Trim()}");
        Assert.Equal(1, code);
        Assert.True(took < BadConfigurationTests.Limit, $"took {took}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: kubernetes_forbidden: the pod's service account ", line);
        Assert.Contains(expected, line);
        Assert.Contains($"in namespace {Namespace}", line);
        Assert.Contains("get, list, watch, patch", line);
        Assert.DoesNotContain(FakeKubernetesApi.Token, stdout + stderr);
        BadConfigurationTests.AssertNoSecrets(stdout + stderr);
        // the check asked once per verb at most; Orleans' agent (which retries a 403 with no delay) never ran
        Assert.InRange(_api.Requests.Count, 1, 5);
        Assert.DoesNotContain(_api.Requests, r => r.Method == "PATCH");
        Measurements.Record($"kubernetes hosting: a Role without {withheld} → kubernetes_forbidden, exit {code} after {took.TotalSeconds:0.0} s, "
            + $"{_api.Requests.Count} API requests");
    }

    [Fact]
    public async Task OutsideAPodAndWithoutAKubeconfigTheStartIsABadOptionNotAnAbort()
    {
        var env = PodEnvironment("outside", "clipper-0");
        env.Remove("Clipper__Kubernetes__KubeConfig");
        var (code, _, _, stderr) = await BadConfigurationTests.ServeAsync(env);
        output.WriteLine($"outside a pod: exit {code}: {stderr.Trim()}");
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: bad_option: Kubernetes hosting is on (CLIPPER_KUBERNETES_HOSTING) but this process is not in a pod", line);

        // a pod the API does not have
        var (code2, _, _, stderr2) = await BadConfigurationTests.ServeAsync(PodEnvironment("outside", "clipper-9"));
        Assert.Equal(2, code2);
        Assert.StartsWith($"error: bad_option: the Kubernetes API has no pod clipper-9 in namespace {Namespace}", stderr2.Trim());
    }

    [Fact]
    [Trait("Category", "media")]
    [Trait("Category", "slow")]
    public async Task SilosLabelTheirPodsAndADeletedPodsSiloIsDeclaredDeadAndItsWorkRunsElsewhere()
    {
        var source = (await TestMedia.ShortTalkAsync()).File;
        var root = TestMedia.TempDir("clipper-kube-silos");
        var silos = new List<SiloProcess>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var pod = $"clipper-7d9f-{i}";
                _api.AddPod(pod, "127.0.0.1");
                var env = PodEnvironment("kube", pod);
                // probes that would take minutes to find a hung silo: only its deleted pod can have it declared dead
                // within this test
                env["Clipper__Cluster__Membership__ProbeTimeout"] = "00:01:00";
                env["Clipper__Cluster__Membership__NumMissedProbesLimit"] = "5";
                var silo = new SiloProcess(pod, Path.Combine(root, pod), env);
                silos.Add(silo);
                await silo.StartAsync();
            }

            foreach (var s in silos)
            {
                var labels = _api.Labels(s.Name);
                Assert.Equal("clipper", labels["orleans/serviceId"]);
                Assert.Equal("kube", labels["orleans/clusterId"]);
                Assert.Equal("clipper", labels["app.kubernetes.io/name"]);
            }

            // each silo is one of the two agents (MaxAgents): both watch the cluster's pods
            await Wait.For(() => Task.FromResult(_api.Watches.Count), n => n >= 2, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
            var verbs = _api.Requests.Select(r => r.Method).Distinct().Order().ToList();
            output.WriteLine($"{_api.Requests.Count} API requests while 2 silos started ({string.Join(", ", verbs)}), {_api.Watches.Count} watches: "
                + _api.Watches.First());
            Assert.Equal(["GET", "PATCH", "POST"], verbs);
            Assert.All(_api.Watches, w => Assert.Contains("labelSelector=orleans%2FserviceId%3Dclipper%2Corleans%2FclusterId%3Dkube", w));
            Assert.DoesNotContain(_api.Requests, r => r.Status >= 400);

            var job = await silos[0].UploadAsync(source, ClusterRig.Small(2));
            // the silo that runs track or encode units, frozen as a hung node would be, then its pod deleted
            var busy = await Wait.For(async () =>
            {
                foreach (var s in silos)
                {
                    var text = await s.MetricsAsync() ?? "";
                    if (ClusterRig.Metric(text, "clipper_stage_running", "stage=\"track\"") + ClusterRig.Metric(text, "clipper_stage_running", "stage=\"encode\"") > 0)
                    {
                        return s;
                    }
                }

                return null;
            }, s => s is not null, TimeSpan.FromMinutes(4), TimeSpan.FromMilliseconds(250));
            var other = silos.Single(s => s != busy);
            await busy!.FreezeAsync();
            var deletedAt = DateTime.UtcNow;
            _api.DeletePod(busy.Name);
            var declared = await Wait.For(() => Task.FromResult(other.LogText().Split('\n')
                    .FirstOrDefault(l => l.Contains($"127.0.0.1:{busy.SiloPort}:", StringComparison.Ordinal) && l.Contains("declared dead", StringComparison.Ordinal))),
                l => l is not null, TimeSpan.FromSeconds(45), TimeSpan.FromMilliseconds(200));
            var after = DateTime.UtcNow - deletedAt;
            output.WriteLine($"pod {busy.Name} deleted; its silo declared dead within {after.TotalSeconds:0.0} s: {declared}");

            var done = await other.WaitFinishedAsync(job, TimeSpan.FromMinutes(6));
            Assert.True(done.State == V1.JobState.Completed, $"{done.State} {done.ErrorCode}: {done.ErrorMessage}");
            Assert.Equal(2, done.Clips.Count);
            Assert.Equal(2, done.Clips.Select(c => c.Video.Blob).Distinct().Count());
            Measurements.Record($"kubernetes hosting: a hung silo's pod deleted → declared dead within {after.TotalSeconds:0.0} s "
                + "(probes would take minutes here); its job completed with every clip");
        }
        finally
        {
            foreach (var s in silos)
            {
                await s.DisposeAsync();
            }
        }
    }
}
