using k8s;
using k8s.Models;

namespace Clipper.Helm.Tests;

/// <summary>
/// The fields of a Prometheus Operator <c>monitoring.coreos.com/v1</c> ServiceMonitor that the chart renders, as a
/// type, so the strict parse refuses any other field (KubernetesClient carries no model of this resource).
/// </summary>
public sealed class ServiceMonitor : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public ServiceMonitorSpec Spec { get; set; } = new();
}

public sealed class ServiceMonitorSpec
{
    public V1LabelSelector Selector { get; set; } = new();

    public IList<ServiceMonitorEndpoint> Endpoints { get; set; } = [];
}

public sealed class ServiceMonitorEndpoint
{
    public string Port { get; set; } = "";

    public string Path { get; set; } = "";

    public string Interval { get; set; } = "";

    public SafeAuthorization? Authorization { get; set; }
}

/// <summary>The endpoint's <c>authorization</c>: a type (Bearer) and the Secret key holding its credentials.</summary>
public sealed class SafeAuthorization
{
    public string Type { get; set; } = "";

    public V1SecretKeySelector Credentials { get; set; } = new();
}
