using System.Net;
using Clipper.Core.Configuration;
using Clipper.Gateway;
using Clipper.Host.Cli;
using Clipper.Host.Hosting;
using Clipper.TestSupport;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Clipper.Helm.Tests;

/// <summary>Typed assertions on the rendered silos: labels, the host's reading of their environment, secrets, RBAC, security, probes, volumes.</summary>
[Trait("Category", "external")]
public sealed class SiloPodTests
{
    public static TheoryData<string> Cases => ValuesMatrix.Names;

    /// <summary>The Secret the tests pretend exists, with values the ConfigMap must never carry.</summary>
    private static readonly Dictionary<string, string> Secret = new()
    {
        ["redis"] = "redis.media.svc:6379,password=s3cret-redis",
        ["postgres"] = "Host=pg.media.svc;Username=clipper;Password=s3cret-pg;Database=clipper",
        ["blob"] = "DefaultEndpointsProtocol=https;AccountName=clips;AccountKey=s3cret-blob;EndpointSuffix=core.windows.net",
        ["api-keys"] = "s3cret-key-1,s3cret-key-2",
    };

    /// <summary>The variables that carry secrets, by the configuration key each sets.</summary>
    private static readonly string[] SecretVariables =
        ["CLIPPER_REDIS", "CLIPPER_POSTGRES", "CLIPPER_BLOB", "CLIPPER_API_KEYS", "CLIPPER_OPENAI_API_KEY", "CLIPPER_WEBHOOK_SECRET"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task SelectorPodLabelsServicePdbSpreadAndHpaAgree(string name)
    {
        var chart = await ValuesMatrix.RenderAsync(name);
        var selector = chart.Deployment.Spec.Selector.MatchLabels;
        Assert.Equal(["app.kubernetes.io/instance", "app.kubernetes.io/name"], selector.Keys.Order());
        var podLabels = chart.Deployment.Spec.Template.Metadata.Labels;
        // the pod's labels are the selector's, plus the orleans/* labels Kubernetes hosting lists pods by
        Assert.Equal(selector, podLabels.Where(l => !l.Key.StartsWith("orleans/", StringComparison.Ordinal)).ToDictionary());
        Assert.Equal(selector, Assert.Single(chart.All<V1Service>()).Spec.Selector);
        Assert.Equal(selector, chart.Single<V1PodDisruptionBudget>().Spec.Selector.MatchLabels);
        var spread = Assert.Single(chart.Pod.TopologySpreadConstraints);
        Assert.Equal("kubernetes.io/hostname", spread.TopologyKey);
        Assert.Equal(selector, spread.LabelSelector.MatchLabels);
        foreach (var hpa in chart.All<V2HorizontalPodAutoscaler>())
        {
            Assert.Equal(("apps/v1", "Deployment", chart.Deployment.Metadata.Name),
                (hpa.Spec.ScaleTargetRef.ApiVersion, hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name));
        }

        foreach (var monitor in chart.All<ServiceMonitor>())
        {
            Assert.Equal(selector, monitor.Spec.Selector.MatchLabels);
            var endpoint = Assert.Single(monitor.Spec.Endpoints);
            Assert.Equal(("web", "/metrics"), (endpoint.Port, endpoint.Path));
            // /metrics wants an API key: Prometheus sends one from the Secret as a bearer token
            Assert.NotNull(endpoint.Authorization);
            Assert.Equal("Bearer", endpoint.Authorization.Type);
            Assert.Equal((HelmTool.SecretName, "api-keys"), (endpoint.Authorization.Credentials.Name, endpoint.Authorization.Credentials.Key));
            Assert.Contains(chart.Single<V1Service>().Spec.Ports, p => p.Name == endpoint.Port);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task NoServiceOrIngressReachesTheSiloOrOrleansGatewayPort(string name)
    {
        var chart = await ValuesMatrix.RenderAsync(name);
        var service = chart.Single<V1Service>();
        Assert.Equal(["grpc", "web"], service.Spec.Ports.Select(p => p.Name).Order());
        foreach (var port in service.Spec.Ports)
        {
            Assert.DoesNotContain(port.Port, new[] { 11111, 30000 });
            Assert.DoesNotContain(chart.Resolve(port.TargetPort), new[] { 11111, 30000 });
        }

        Assert.Equal((7070, 8080), (chart.ContainerPort("grpc"), chart.ContainerPort("web")));
        foreach (var ingress in chart.All<V1Ingress>())
        {
            var backend = Assert.Single(Assert.Single(ingress.Spec.Rules).Http.Paths).Backend.Service;
            Assert.Equal(service.Metadata.Name, backend.Name);
            Assert.Contains(backend.Port.Name, new[] { "grpc", "web" });
        }
    }

    [Fact]
    public async Task PrometheusCanSendAnApiKeyOfItsOwnFromTheSecret()
    {
        var chart = await HelmTool.RenderAsync(("serviceMonitor.enabled", "true"), ("serviceMonitor.apiKeySecretKey", "metrics-key"));
        var auth = Assert.Single(chart.Single<ServiceMonitor>().Spec.Endpoints).Authorization;
        Assert.NotNull(auth);
        Assert.Equal(("Bearer", HelmTool.SecretName, "metrics-key"), (auth.Type, auth.Credentials.Name, auth.Credentials.Key));
    }

    [Fact]
    public async Task TheGrpcIngressSpeaksHttp2ToThePods()
    {
        var chart = await ValuesMatrix.RenderAsync("Ingress");
        var grpc = Assert.Single(chart.All<V1Ingress>(), i => i.Metadata.Name.EndsWith("-grpc", StringComparison.Ordinal));
        Assert.Equal("GRPC", grpc.Metadata.Annotations["nginx.ingress.kubernetes.io/backend-protocol"]);
        Assert.Equal("clipper-grpc-tls", Assert.Single(grpc.Spec.Tls).SecretName);
        Assert.Equal("kubernetes.io/h2c", Assert.Single(chart.Single<V1Service>().Spec.Ports, p => p.Name == "grpc").AppProtocol);
    }

    [Fact]
    public async Task TheHostReadsTheRenderedEnvironmentAsAClusterSiloAtItsPodIp()
    {
        var chart = await ValuesMatrix.RenderAsync("defaults");
        var env = chart.Environment("clip-clipper-7d9f-abcde", "10.42.0.17", Secret);
        Assert.Equal(("clip-clipper-7d9f-abcde", HelmTool.Namespace, "10.42.0.17"), (env["POD_NAME"], env["POD_NAMESPACE"], env["POD_IP"]));
        var config = HostConfiguration(env);

        var profile = ClusterProfile.From(config);
        Assert.NotNull(profile);
        Assert.Equal(IPAddress.Parse("10.42.0.17"), profile.Address);
        Assert.Equal("clipper", profile.ClusterId);
        Assert.Equal("clipper", profile.ServiceId);
        Assert.Equal((11111, 30000), (profile.SiloPort, profile.GatewayPort));
        Assert.Equal((chart.ContainerPort("silo"), chart.ContainerPort("orleans-gw")), (profile.SiloPort, profile.GatewayPort));
        Assert.Equal("clipper", profile.Container);
        Assert.Equal(Secret["redis"], profile.Redis);
        Assert.Equal(Secret["postgres"], profile.Postgres);
        Assert.Equal(Secret["blob"], profile.Blob);

        var gateway = ValidatedOptions.Read<GatewayOptions>(config, GatewayOptions.Section, (o, c) => o.Check(c));
        Assert.Equal(new IPEndPoint(IPAddress.Any, chart.ContainerPort("grpc")), GatewayOptions.Parse(gateway.Grpc, "grpc"));
        Assert.Equal(new IPEndPoint(IPAddress.Any, chart.ContainerPort("web")), GatewayOptions.Parse(gateway.Web, "web"));
        Assert.Equal(["s3cret-key-1", "s3cret-key-2"], gateway.ApiKeys);

        // the home is the writable work volume (the root file system is read-only)
        var work = Assert.Single(chart.Silo.VolumeMounts, m => m.Name == "work");
        Assert.Equal(work.MountPath, SiloHost.Home(config));
        Assert.Equal("/tmp", Assert.Single(chart.Silo.VolumeMounts, m => m.Name == "tmp").MountPath);
    }

    [Fact]
    public async Task EveryClipperVariableRenderedIsOneTheHostReads()
    {
        var chart = await ValuesMatrix.RenderAsync("defaults");
        var env = chart.Environment("p", "10.0.0.1", Secret);
        var known = EnvironmentAliases.All.Select(a => a.Variable).ToHashSet();
        foreach (var variable in env.Keys.Where(k => k.StartsWith("CLIPPER_", StringComparison.Ordinal)))
        {
            Assert.Contains(variable, known);
        }

        // the cluster profile's every service, its address and both listening addresses are set
        foreach (var needed in new[] { "CLIPPER_REDIS", "CLIPPER_POSTGRES", "CLIPPER_BLOB", "CLIPPER_API_KEYS", "CLIPPER_SILO_ADDRESS", "CLIPPER_GRPC", "CLIPPER_WEB", "CLIPPER_HOME", "CLIPPER_CLUSTER_ID" })
        {
            Assert.Contains(needed, env.Keys);
        }
    }

    [Fact]
    public async Task SecretsComeOnlyFromTheNamedSecretAndNeverFromTheConfigMap()
    {
        var chart = await HelmTool.RenderAsync(("secrets.keys.openAiApiKey", "openai"), ("secrets.keys.webhookSecret", "webhook"),
            ("config.webhookUrl", "https://hooks.example.com/clipper"), ("config.env.Clipper__Job__MaxAttempts", "5"));
        var data = chart.ConfigMap.Data;
        foreach (var variable in SecretVariables)
        {
            Assert.DoesNotContain(variable, data.Keys);
            var entry = Assert.Single(chart.Silo.Env, e => e.Name == variable);
            Assert.Null(entry.Value);
            Assert.Equal(HelmTool.SecretName, entry.ValueFrom.SecretKeyRef.Name);
        }

        // nor any configuration key a secret sets, in its Clipper__ form
        var secretKeys = EnvironmentAliases.All.Where(a => SecretVariables.Contains(a.Variable)).Select(a => a.Key.Replace(":", "__", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, secretKeys.Count);
        foreach (var key in data.Keys)
        {
            Assert.DoesNotContain(secretKeys, s => key.StartsWith(s, StringComparison.OrdinalIgnoreCase));
        }

        Assert.Equal("5", data["Clipper__Job__MaxAttempts"]);
        Assert.Equal("https://hooks.example.com/clipper", data["CLIPPER_WEBHOOK_URL"]);
        // the optional keys are asked of the Secret only when named
        var plain = await ValuesMatrix.RenderAsync("defaults");
        Assert.DoesNotContain(plain.Silo.Env, e => e.Name is "CLIPPER_OPENAI_API_KEY" or "CLIPPER_WEBHOOK_SECRET");
    }

    [Fact]
    public async Task AConfigChangeRollsThePodsThroughTheChecksum()
    {
        static string Checksum(RenderedChart c) => c.Deployment.Spec.Template.Metadata.Annotations["checksum/config"];
        var before = Checksum(await ValuesMatrix.RenderAsync("defaults"));
        Assert.Matches("^[0-9a-f]{64}$", before);
        Assert.Equal(before, Checksum(await ValuesMatrix.RenderAsync("one replica")));
        Assert.NotEqual(before, Checksum(await HelmTool.RenderAsync(("config.env.Clipper__Job__MaxAttempts", "5"))));
        Assert.NotEqual(before, Checksum(await HelmTool.RenderAsync(("cluster.id", "blue"))));
        Assert.NotEqual(before, Checksum(await HelmTool.RenderAsync(("cluster.serviceId", "clipper-2"))));
    }

    [Fact]
    public async Task TheGracePeriodOutlastsTheHostsShutdownTimeout()
    {
        var chart = await ValuesMatrix.RenderAsync("defaults");
        var home = TestMedia.TempDir("clipper-helm-serve");
        await using var app = ServeCommand.Build(SiloHost.LoadConfiguration(new Dictionary<string, string?> { ["Clipper:Home"] = home }), null);
        var shutdown = app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        Assert.True(shutdown > TimeSpan.Zero);
        Assert.True(TimeSpan.FromSeconds(chart.Pod.TerminationGracePeriodSeconds!.Value) > shutdown,
            $"terminationGracePeriodSeconds {chart.Pod.TerminationGracePeriodSeconds} must exceed the host's shutdown timeout {shutdown}");
        // the pre-stop wait (readiness false, still serving) is spent inside the shutdown timeout, with room left for
        // the silo to stop its units and leave the cluster
        var drain = ValidatedOptions.Read<GatewayOptions>(HostConfiguration(chart.Environment("p", "10.0.0.1", Secret)), GatewayOptions.Section,
            (o, c) => o.Check(c)).DrainDelay;
        Assert.Equal(TimeSpan.FromSeconds(5), drain);
        Assert.True(shutdown - drain >= TimeSpan.FromSeconds(20), $"the drain delay {drain} leaves too little of the shutdown timeout {shutdown}");
    }

    [Fact]
    public async Task ARollingUpdateStartsANewSiloBeforeAnOldOneStops()
    {
        var spec = (await ValuesMatrix.RenderAsync("defaults")).Deployment.Spec;
        Assert.Equal("RollingUpdate", spec.Strategy.Type);
        Assert.Equal(("0", "1"), (spec.Strategy.RollingUpdate.MaxUnavailable.Value, spec.Strategy.RollingUpdate.MaxSurge.Value));
        Assert.True(spec.MinReadySeconds > 0);
    }

    [Fact]
    public async Task TheHpaHasAFloorOfTwoScalesOnCpuAndQueuedWorkAndScalesDownOnePodAtATime()
    {
        var hpa = (await ValuesMatrix.RenderAsync("ten replicas with HPA")).Single<V2HorizontalPodAutoscaler>();
        Assert.True(hpa.Spec.MinReplicas >= 2);
        Assert.Equal(["Pods", "Resource"], hpa.Spec.Metrics.Select(m => m.Type).Order());
        Assert.Equal("cpu", Assert.Single(hpa.Spec.Metrics, m => m.Type == "Resource").Resource.Name);
        Assert.Equal("clipper_stage_queued", Assert.Single(hpa.Spec.Metrics, m => m.Type == "Pods").Pods.Metric.Name);
        var down = hpa.Spec.Behavior.ScaleDown;
        Assert.True(down.StabilizationWindowSeconds >= 300);
        var policy = Assert.Single(down.Policies);
        Assert.Equal(("Pods", 1), (policy.Type, policy.Value));
        Assert.True(policy.PeriodSeconds >= 60);
    }

    [Theory]
    [InlineData("Kubernetes hosting", new[] { "get", "list", "watch", "patch" })]
    [InlineData("Kubernetes hosting deleting defunct pods", new[] { "get", "list", "watch", "patch", "delete" })]
    public async Task KubernetesHostingGetsExactlyItsVerbsOnPods(string name, string[] verbs)
    {
        var chart = await ValuesMatrix.RenderAsync(name);
        var rule = Assert.Single(chart.Single<V1Role>().Rules);
        Assert.Equal([""], rule.ApiGroups);
        Assert.Equal(["pods"], rule.Resources);
        Assert.Equal(verbs, rule.Verbs);
        Assert.Null(rule.ResourceNames);
        var account = chart.Single<V1ServiceAccount>();
        var binding = chart.Single<V1RoleBinding>();
        Assert.Equal(("Role", chart.Single<V1Role>().Metadata.Name), (binding.RoleRef.Kind, binding.RoleRef.Name));
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", account.Metadata.Name, HelmTool.Namespace), (subject.Kind, subject.Name, subject.NamespaceProperty));
        Assert.Equal(account.Metadata.Name, chart.Pod.ServiceAccountName);
        Assert.True(chart.Pod.AutomountServiceAccountToken);
        var labels = chart.Deployment.Spec.Template.Metadata.Labels;
        Assert.Equal(("clipper", "clipper"), (labels["orleans/serviceId"], labels["orleans/clusterId"]));
        var env = chart.Environment("p", "10.0.0.1", Secret);
        Assert.Equal(("clipper", "clipper"), (env["ORLEANS_SERVICE_ID"], env["ORLEANS_CLUSTER_ID"]));

        // the silo's own reading of the rendered environment turns hosting on and checks exactly the Role's verbs
        // (outside a pod it needs a kubeconfig: any well-formed one will do, nothing is called here)
        var kubeConfig = Path.Combine(Directory.CreateTempSubdirectory("clipper-kube").FullName, "config");
        await File.WriteAllTextAsync(kubeConfig, """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);
        var config = new ConfigurationBuilder().AddConfiguration(HostConfiguration(env))
            .AddInMemoryCollection([KeyValuePair.Create("Clipper:Kubernetes:KubeConfig", (string?)kubeConfig)]).Build();
        var hosting = KubernetesHosting.From(config, v => env.GetValueOrDefault(v));
        Assert.NotNull(hosting);
        Assert.Equal(verbs, hosting.Verbs);
        Assert.Equal(("p", HelmTool.Namespace), (hosting.PodName, hosting.Namespace));
    }

    [Fact]
    public async Task WithoutKubernetesHostingThePodHasNoTokenAndNoRole()
    {
        var chart = await ValuesMatrix.RenderAsync("defaults");
        Assert.False(chart.Pod.AutomountServiceAccountToken);
        Assert.Null(chart.Pod.ServiceAccountName);
        Assert.Empty(chart.All<V1Role>());
        Assert.DoesNotContain(chart.Deployment.Spec.Template.Metadata.Labels.Keys, k => k.StartsWith("orleans/", StringComparison.Ordinal));
        Assert.Null(KubernetesHosting.From(HostConfiguration(chart.Environment("p", "10.0.0.1", Secret)), _ => null));
    }

    [Fact]
    public async Task TheSiloRunsNonRootOnAReadOnlyRootWithoutEscalationOrCpuLimit()
    {
        var chart = await ValuesMatrix.RenderAsync("defaults");
        var pod = chart.Pod.SecurityContext;
        Assert.True(pod.RunAsNonRoot);
        Assert.NotEqual(0, pod.RunAsUser);
        Assert.Equal("RuntimeDefault", pod.SeccompProfile.Type);
        var c = chart.Silo.SecurityContext;
        Assert.True(c.RunAsNonRoot);
        Assert.True(c.ReadOnlyRootFilesystem);
        Assert.False(c.AllowPrivilegeEscalation);
        Assert.False(c.Privileged);
        Assert.Equal(["ALL"], c.Capabilities.Drop);
        Assert.Null(c.Capabilities.Add);
        var resources = chart.Silo.Resources;
        Assert.Equal(["cpu", "memory"], resources.Requests.Keys.Order());
        Assert.Equal(["memory"], resources.Limits.Keys);
        Assert.True(resources.Limits["memory"].ToDecimal() >= resources.Requests["memory"].ToDecimal());
    }

    [Fact]
    public async Task TheWorkVolumeHoldsTheSourceCacheBudget()
    {
        var chart = await ValuesMatrix.RenderAsync("defaults");
        var work = Assert.Single(chart.Pod.Volumes, v => v.Name == "work").EmptyDir;
        var config = HostConfiguration(chart.Environment("p", "10.0.0.1", Secret));
        var budget = config.GetValue<long>("Clipper:CacheBudgetBytes");
        Assert.Equal(20L << 30, budget);
        Assert.Equal(30L << 30, work.SizeLimit.ToInt64());
        Assert.True(budget < work.SizeLimit.ToInt64());
        Assert.NotNull(Assert.Single(chart.Pod.Volumes, v => v.Name == "tmp").EmptyDir.SizeLimit);
    }

    [Fact]
    public async Task ProbesUseTheSilosHealthPathsOnTheWebPort()
    {
        var chart = await ValuesMatrix.RenderAsync("defaults");
        var silo = chart.Silo;
        // the paths the gateway maps (GatewayHosting.MapClipperGateway): /health/startup asks membership whether this
        // silo is Active, /health/ready asks the cluster, /health/live runs no check at all
        Assert.Equal("/health/startup", silo.StartupProbe.HttpGet.Path);
        Assert.Equal("/health/ready", silo.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/health/live", silo.LivenessProbe.HttpGet.Path);
        foreach (var probe in new[] { silo.StartupProbe, silo.ReadinessProbe, silo.LivenessProbe })
        {
            Assert.Equal(chart.ContainerPort("web"), chart.Resolve(probe.HttpGet.Port));
        }

        // the readiness check's own time-out answers before the probe gives up on it
        Assert.True(TimeSpan.FromSeconds(silo.ReadinessProbe.TimeoutSeconds!.Value) > new GatewayOptions().ReadyTimeout);
        // a silo may take a while to join: the startup probe allows minutes, not seconds
        Assert.True(silo.StartupProbe.PeriodSeconds * silo.StartupProbe.FailureThreshold >= 120);
    }

    /// <summary>The host's configuration from a pod environment, built as SiloHost.LoadConfiguration builds it (variables, then the short aliases).</summary>
    private static IConfiguration HostConfiguration(IReadOnlyDictionary<string, string> env) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(env.Where(e => e.Key.Contains("__", StringComparison.Ordinal))
                .Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)))
            .AddInMemoryCollection(EnvironmentAliases.Read(v => env.GetValueOrDefault(v)))
            .Build();
}
