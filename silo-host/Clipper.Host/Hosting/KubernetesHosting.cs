using System.Net;
using Clipper.Core.Errors;
using k8s;
using k8s.Autorest;
using k8s.Exceptions;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.Hosting.Kubernetes;

namespace Clipper.Host.Hosting;

/// <summary>
/// Orleans' Kubernetes hosting for a silo in a pod (Clipper:Kubernetes:Hosting, CLIPPER_KUBERNETES_HOSTING; off by
/// default: Redis membership does not need it). With it on, each silo labels its own pod with the cluster's ids, and the
/// two oldest silos watch the cluster's pods: a silo whose pod is deleted is declared dead at once instead of after
/// missed probes (and, with Clipper:Kubernetes:DeleteDefunctSiloPods, a dead silo's pod is deleted).
/// <para>
/// Orleans' agent aborts the process outside a pod and retries a refused (403) call with no delay, forever. So
/// <see cref="From"/> and <see cref="CheckAsync"/> run before the silo is built: outside a pod, a bad_option saying so;
/// a service account without the Role's verbs, one kubernetes_forbidden naming them; an API that does not answer,
/// service_unreachable. Clipper:Kubernetes:KubeConfig points at a kubeconfig file instead of the pod's service account
/// (for a silo run outside the cluster it joins).
/// </para>
/// </summary>
public sealed class KubernetesHosting
{
    public const string Section = "Clipper:Kubernetes";

    private KubernetesHosting(KubernetesClientConfiguration client, string ns, string pod, bool deleteDefunct)
    {
        Client = client;
        Namespace = ns;
        PodName = pod;
        DeleteDefunctSiloPods = deleteDefunct;
    }

    public KubernetesClientConfiguration Client { get; }

    public string Namespace { get; }

    public string PodName { get; }

    public bool DeleteDefunctSiloPods { get; }

    /// <summary>The verbs on pods the silo's service account needs: the chart's Role grants exactly these.</summary>
    public IReadOnlyList<string> Verbs => DeleteDefunctSiloPods ? ["get", "list", "watch", "patch", "delete"] : ["get", "list", "watch", "patch"];

    /// <summary>
    /// The hosting configured, or null when it is off. <paramref name="variable"/> reads the pod's environment
    /// (POD_NAME and POD_NAMESPACE, which Orleans' agent reads too; the chart sets them from the downward API).
    /// </summary>
    public static KubernetesHosting? From(IConfiguration config, Func<string, string?> variable)
    {
        if (!Flag(config, "Hosting"))
        {
            if (Flag(config, "DeleteDefunctSiloPods"))
            {
                throw new ClipperException(ErrorCode.BadOption,
                    $"{Section}:DeleteDefunctSiloPods needs {Section}:Hosting (CLIPPER_KUBERNETES_HOSTING=true)");
            }

            return null;
        }

        var missing = new[] { KubernetesHostingOptions.PodNameEnvironmentVariable, KubernetesHostingOptions.PodNamespaceEnvironmentVariable }
            .Where(v => string.IsNullOrWhiteSpace(variable(v))).ToList();
        var kubeConfig = config[$"{Section}:KubeConfig"];
        KubernetesClientConfiguration client;
        if (!string.IsNullOrWhiteSpace(kubeConfig))
        {
            if (!File.Exists(kubeConfig))
            {
                throw new ClipperException(ErrorCode.BadOption, $"{Section}:KubeConfig names no file: {kubeConfig}");
            }

            try
            {
                client = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeConfig);
            }
            catch (KubeConfigException e)
            {
                throw new ClipperException(ErrorCode.BadOption, $"{Section}:KubeConfig is not a usable kubeconfig: {e.Message}");
            }
        }
        else if (!KubernetesClientConfiguration.IsInCluster())
        {
            throw new ClipperException(ErrorCode.BadOption,
                "Kubernetes hosting is on (CLIPPER_KUBERNETES_HOSTING) but this process is not in a pod: KUBERNETES_SERVICE_HOST, "
                + "KUBERNETES_SERVICE_PORT or the service account's token and CA under /var/run/secrets/kubernetes.io/serviceaccount "
                + $"are missing (the chart mounts them with kubernetesHosting.enabled). Outside Kubernetes turn it off, or set {Section}:KubeConfig");
        }
        else
        {
            client = KubernetesClientConfiguration.InClusterConfig();
        }

        if (missing.Count > 0)
        {
            throw new ClipperException(ErrorCode.BadOption,
                $"Kubernetes hosting needs {string.Join(" and ", missing)} (the chart sets them from the downward API: metadata.name, metadata.namespace)");
        }

        return new KubernetesHosting(client, variable(KubernetesHostingOptions.PodNamespaceEnvironmentVariable)!.Trim(),
            variable(KubernetesHostingOptions.PodNameEnvironmentVariable)!.Trim(), Flag(config, "DeleteDefunctSiloPods"));
    }

    private static bool Flag(IConfiguration config, string key)
    {
        var value = config[$"{Section}:{key}"];
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        return bool.TryParse(value.Trim(), out var on) ? on
            : throw new ClipperException(ErrorCode.BadOption, $"{Section}:{key} must be true or false, got \"{value}\"");
    }

    /// <summary>
    /// Before the silo starts: reads this silo's own pod and asks the API (SelfSubjectAccessReview) whether the
    /// service account may do each of <see cref="Verbs"/> on pods in the namespace, each call within
    /// <paramref name="timeout"/>. Throws kubernetes_forbidden naming what is refused, service_unreachable when the
    /// API does not answer, bad_option when the pod does not exist.
    /// </summary>
    public async Task CheckAsync(TimeSpan timeout, CancellationToken cancel)
    {
        using var api = new Kubernetes(Client);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        var step = "get";
        try
        {
            try
            {
                await api.CoreV1.ReadNamespacedPodAsync(PodName, Namespace, cancellationToken: deadline.Token);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new ClipperException(ErrorCode.BadOption,
                    $"the Kubernetes API has no pod {PodName} in namespace {Namespace} (POD_NAME and POD_NAMESPACE come from the downward API)");
            }

            step = "create selfsubjectaccessreviews for";
            var refused = new List<string>();
            foreach (var verb in Verbs)
            {
                var review = await api.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new V1SelfSubjectAccessReview
                {
                    Spec = new V1SelfSubjectAccessReviewSpec
                    {
                        ResourceAttributes = new V1ResourceAttributes { NamespaceProperty = Namespace, Verb = verb, Resource = "pods" },
                    },
                }, cancellationToken: deadline.Token);
                if (review.Status?.Allowed != true)
                {
                    refused.Add(verb);
                }
            }

            if (refused.Count > 0)
            {
                throw Forbidden(string.Join(", ", refused));
            }
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            throw Forbidden(step);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new ClipperException(ErrorCode.KubernetesForbidden,
                $"the Kubernetes API at {Client.Host} did not accept the service account's token (401)");
        }
        catch (HttpOperationException e)
        {
            throw new ClipperException(ErrorCode.ServiceUnreachable,
                $"the Kubernetes API at {Client.Host} answered {(int)e.Response.StatusCode} {e.Response.ReasonPhrase} to {step} pods");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            throw new ClipperException(ErrorCode.ServiceUnreachable,
                $"the Kubernetes API at {Client.Host} does not answer ({(e is OperationCanceledException ? $"nothing within {timeout.TotalSeconds:0.#} s" : e.Message)})");
        }
    }

    private ClipperException Forbidden(string verbs) => new(ErrorCode.KubernetesForbidden,
        $"the pod's service account may not {verbs} pods in namespace {Namespace}; Kubernetes hosting needs {string.Join(", ", Verbs)} "
        + "(the chart's Role grants exactly these with kubernetesHosting.enabled)");

    /// <summary>Orleans' Kubernetes hosting on <paramref name="silo"/>, with this client configuration.</summary>
    public void Apply(ISiloBuilder silo) => silo.UseKubernetesHosting(o => o.Configure(k =>
    {
        k.GetClientConfiguration = () => Client;
        k.DeleteDefunctSiloPods = DeleteDefunctSiloPods;
    }));

    public override string ToString() =>
        $"Kubernetes hosting: pod {PodName} in namespace {Namespace}, API {Client.Host}{(DeleteDefunctSiloPods ? ", deleting defunct silos' pods" : "")}";
}
