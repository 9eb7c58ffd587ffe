namespace Clipper.Helm.Tests;

/// <summary>
/// Values the chart refuses. Those its schema (values.schema.json) refuses fail both helm template and
/// helm lint --strict; those only a template can check (a relation between two values) fail helm template, install
/// and upgrade, while helm lint merely logs a template's fail.
/// </summary>
[Trait("Category", "external")]
public sealed class BadValuesTests
{
    public static TheoryData<string, string[], bool, bool, string> Refused => new()
    {
        // what, values, with the Secret's name, refused by the schema, what the error says
        { "a misspelt top-level key", ["replica=3"], true, true, "additional properties 'replica' not allowed" },
        { "a misspelt nested key", ["autoscaling.enable=true"], true, true, "at '/autoscaling': additional properties 'enable' not allowed" },
        { "zero replicas", ["replicaCount=0"], true, true, "at '/replicaCount': minimum: got 0, want 1" },
        { "no Secret name", [], false, true, "at '/secrets/name': minLength: got 0, want 1" },
        { "an autoscaling floor under 2", ["autoscaling.minReplicas=1"], true, true, "at '/autoscaling/minReplicas': minimum: got 1, want 2" },
        { "a CPU limit", ["resources.limits.cpu=2"], true, true, "at '/resources/limits': additional properties 'cpu' not allowed" },
        { "a Service on the silo port", ["service.grpcPort=11111"], true, true, "at '/service/grpcPort'" },
        { "a Service on the Orleans gateway port", ["service.webPort=30000"], true, true, "at '/service/webPort'" },
        { "a grace period not above the 30 s shutdown timeout", ["terminationGracePeriodSeconds=30"], true, true, "at '/terminationGracePeriodSeconds': minimum: got 30, want 31" },
        { "a connection string in the ConfigMap", ["config.env.Clipper__Storage__PostgresConnectionString=Host=db"], true, true, "invalid propertyName 'Clipper__Storage__PostgresConnectionString'" },
        { "an API key in the ConfigMap", ["config.env.Clipper__OpenAI__ApiKey=sk-1"], true, true, "invalid propertyName 'Clipper__OpenAI__ApiKey'" },
        { "Redis in the ConfigMap", ["config.env.Clipper__Cluster__Redis=redis:6379"], true, true, "invalid propertyName 'Clipper__Cluster__Redis'" },
        { "a setting not in the Clipper__ form", ["config.env.MaxAttempts=5"], true, true, "at '/config/env': additional properties 'MaxAttempts' not allowed" },
        { "a service id that is not a name", ["cluster.serviceId=a/b"], true, true, "at '/cluster/serviceId'" },
        { "a drain delay the shutdown timeout cannot hold", ["drainDelaySeconds=21"], true, true, "at '/drainDelaySeconds': maximum: got 21, want 20" },
        { "defunct-pod deletion without Kubernetes hosting", ["kubernetesHosting.deleteDefunctSiloPods=true"], true, true, "at '/kubernetesHosting/deleteDefunctSiloPods': value must be false" },
        { "a Grafana sidecar label that is no label key", ["grafanaDashboard.label=grafana dashboard"], true, true, "at '/grafanaDashboard/label'" },
        { "a misspelt dashboard key", ["grafanaDashboard.enable=true"], true, true, "at '/grafanaDashboard': additional properties 'enable' not allowed" },
        { "a source cache as large as the work volume", ["work.cacheBudgetGi=30"], true, false, "work.cacheBudgetGi (30) must be below work.sizeLimitGi (30)" },
        { "fewer maximum than minimum replicas", ["autoscaling.enabled=true", "autoscaling.minReplicas=4", "autoscaling.maxReplicas=3"], true, false, "autoscaling.maxReplicas (3) must be at least autoscaling.minReplicas (4)" },
        { "gRPC and web on one port", ["ports.grpc=9000", "ports.web=9000"], true, false, "ports.grpc and ports.web must differ" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task AreRefusedWithTheValueNamed(string what, string[] values, bool withSecret, bool bySchema, string message)
    {
        var sets = HelmTool.Sets(values.Select(v => v.Split('=', 2)).Select(p => KeyValuePair.Create(p[0], p[1])), withSecret);
        var template = await HelmTool.TemplateAsync(sets);
        Assert.True(template.ExitCode != 0, $"helm template accepted {what}");
        Assert.Contains(message, template.Error);
        Assert.DoesNotContain("kind: Deployment", template.Output);
        if (bySchema)
        {
            var lint = await HelmTool.LintAsync(sets);
            Assert.True(lint.ExitCode != 0, $"helm lint --strict accepted {what}");
            Assert.Contains(message, lint.Output + lint.Error);
        }
    }

    [Fact]
    public async Task TheSameValuesWithinTheirLimitsAreAccepted()
    {
        // the edges of the refusals above: each passes, so a refusal is the value's, not the render's
        var sets = HelmTool.Sets(new Dictionary<string, string>
        {
            ["terminationGracePeriodSeconds"] = "31",
            ["cluster.serviceId"] = "clipper-blue.2",
            ["drainDelaySeconds"] = "20",
            ["work.cacheBudgetGi"] = "29",
            ["autoscaling.enabled"] = "true",
            ["autoscaling.minReplicas"] = "2",
            ["autoscaling.maxReplicas"] = "2",
            ["config.env.Clipper__Job__MaxAttempts"] = "5",
            ["kubernetesHosting.enabled"] = "true",
            ["kubernetesHosting.deleteDefunctSiloPods"] = "true",
        });
        var template = await HelmTool.TemplateAsync(sets);
        Assert.True(template.ExitCode == 0, template.ToString());
        var lint = await HelmTool.LintAsync(sets);
        Assert.True(lint.ExitCode == 0, lint.ToString());
    }
}
