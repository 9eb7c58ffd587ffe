using System.Collections.Concurrent;

namespace Clipper.Helm.Tests;

/// <summary>
/// The values the chart is rendered with (besides the required Secret name), each with the objects it must render,
/// rendered once per test run.
/// </summary>
internal static class ValuesMatrix
{
    public sealed record Case((string Key, string Value)[] Values, string[] Objects);

    private static readonly string[] Always =
        ["ConfigMap/clip-clipper", "Service/clip-clipper", "Deployment/clip-clipper", "PodDisruptionBudget/clip-clipper"];

    public static readonly IReadOnlyDictionary<string, Case> Cases = new Dictionary<string, Case>
    {
        ["defaults"] = new([], Always),
        ["one replica"] = new([("replicaCount", "1")], Always),
        ["ten replicas with HPA"] = new(
            [("replicaCount", "10"), ("autoscaling.enabled", "true"), ("autoscaling.maxReplicas", "10"), ("autoscaling.queuedWork.enabled", "true")],
            [.. Always, "HorizontalPodAutoscaler/clip-clipper"]),
        ["Kubernetes hosting"] = new([("kubernetesHosting.enabled", "true")],
            [.. Always, "ServiceAccount/clip-clipper", "Role/clip-clipper", "RoleBinding/clip-clipper"]),
        ["Kubernetes hosting deleting defunct pods"] = new([("kubernetesHosting.enabled", "true"), ("kubernetesHosting.deleteDefunctSiloPods", "true")],
            [.. Always, "ServiceAccount/clip-clipper", "Role/clip-clipper", "RoleBinding/clip-clipper"]),
        ["Ingress"] = new([("ingress.enabled", "true"), ("ingress.grpc.tlsSecretName", "clipper-grpc-tls")],
            [.. Always, "Ingress/clip-clipper-web", "Ingress/clip-clipper-grpc"]),
        ["ServiceMonitor"] = new([("serviceMonitor.enabled", "true"), ("serviceMonitor.labels.release", "prometheus")],
            [.. Always, "ServiceMonitor/clip-clipper"]),
        ["Grafana dashboard"] = new([("grafanaDashboard.enabled", "true")], [.. Always, "ConfigMap/clip-clipper-dashboard"]),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    private static readonly ConcurrentDictionary<string, Lazy<Task<RenderedChart>>> Rendered = new();

    public static Task<RenderedChart> RenderAsync(string name) =>
        Rendered.GetOrAdd(name, n => new(() => HelmTool.RenderAsync(Cases[n].Values))).Value;
}
