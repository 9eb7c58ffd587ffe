using k8s;
using k8s.Models;

namespace Clipper.Helm.Tests;

/// <summary>
/// The objects <c>helm template</c> rendered, parsed with KubernetesClient's strict YAML reader (an unknown field or a
/// wrong type is an error), with the few lookups the tests need.
/// </summary>
public sealed class RenderedChart
{
    private static readonly Dictionary<string, Type> CustomResources = new()
    {
        ["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(ServiceMonitor),
    };

    private RenderedChart(IReadOnlyList<object> objects) => Objects = objects;

    public IReadOnlyList<object> Objects { get; }

    public static RenderedChart Parse(string yaml) => new(KubernetesYaml.LoadAllFromString(yaml, CustomResources, strict: true));

    /// <summary>Each object as Kind/name, in render order.</summary>
    public IReadOnlyList<string> Names => Objects.Cast<IKubernetesObject<V1ObjectMeta>>().Select(o => $"{o.Kind}/{o.Metadata.Name}").ToList();

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public T Single<T>() => Assert.Single(All<T>());

    public V1Deployment Deployment => Single<V1Deployment>();

    public V1PodSpec Pod => Deployment.Spec.Template.Spec;

    public V1Container Silo => Assert.Single(Pod.Containers);

    /// <summary>The silo's settings (the release's ConfigMap; the Grafana dashboard's is another).</summary>
    public V1ConfigMap ConfigMap => Assert.Single(All<V1ConfigMap>(), c => c.Metadata.Name == $"{HelmTool.Release}-clipper");

    /// <summary>A container port's number by its name (what a Service's or a probe's named port points at).</summary>
    public int ContainerPort(string name) => Assert.Single(Silo.Ports, p => p.Name == name).ContainerPort;

    /// <summary>The number a port reference (a number or a container port's name) stands for.</summary>
    public int Resolve(IntOrString port) => int.TryParse(port.Value, out var n) ? n : ContainerPort(port.Value);

    /// <summary>
    /// The silo's environment as Kubernetes would give it to the pod: the ConfigMap's entries (envFrom), then the
    /// container's own variables over them, with the downward-API fields and the Secret's keys filled in.
    /// </summary>
    public Dictionary<string, string> Environment(string podName, string podIp, IReadOnlyDictionary<string, string> secret)
    {
        var env = new Dictionary<string, string>();
        foreach (var from in Silo.EnvFrom ?? [])
        {
            Assert.Equal(ConfigMap.Metadata.Name, from.ConfigMapRef.Name);
            foreach (var (k, v) in ConfigMap.Data)
            {
                env[k] = v;
            }
        }

        foreach (var e in Silo.Env ?? [])
        {
            if (e.ValueFrom is null)
            {
                env[e.Name] = e.Value;
            }
            else if (e.ValueFrom.FieldRef is { } field)
            {
                env[e.Name] = field.FieldPath switch
                {
                    "metadata.name" => podName,
                    "metadata.namespace" => HelmTool.Namespace,
                    "status.podIP" => podIp,
                    _ => throw new InvalidOperationException($"{e.Name}: a field the test does not fill: {field.FieldPath}"),
                };
            }
            else if (e.ValueFrom.SecretKeyRef is { } key)
            {
                Assert.Equal(HelmTool.SecretName, key.Name);
                if (secret.TryGetValue(key.Key, out var value))
                {
                    env[e.Name] = value;
                }
                else
                {
                    Assert.True(key.Optional == true, $"{e.Name} needs key {key.Key} of the Secret, which this test's Secret lacks");
                }
            }
            else
            {
                throw new InvalidOperationException($"{e.Name}: a value source the test does not fill");
            }
        }

        return env;
    }
}
