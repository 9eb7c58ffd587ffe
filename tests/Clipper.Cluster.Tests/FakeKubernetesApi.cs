using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Clipper.Cluster.Tests;

/// <summary>
/// The part of a Kubernetes API server that Orleans' Kubernetes hosting (and Clipper's start-up check) calls, on
/// loopback over plain HTTP, in the real wire format (the client library's own models and JSON): pods in one
/// namespace (GET one, merge-PATCH its labels, LIST and WATCH by label selector, DELETE), and
/// SelfSubjectAccessReview answered from <see cref="Allowed"/>, the verbs the service account's Role grants. A verb not
/// granted is a 403 Status, as RBAC answers it. Every request is logged in <see cref="Requests"/>. No kube-apiserver can
/// run here (no image, no container engine); this is the one fake in these tests.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    public const string Token = "fake-service-account-token";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, V1Pod> _pods = new();
    private readonly List<Channel<(string Type, V1Pod Pod)>> _watchers = [];
    private readonly Lock _lock = new();

    private FakeKubernetesApi(WebApplication app, string ns)
    {
        _app = app;
        Namespace = ns;
    }

    public string Namespace { get; }

    public string Url { get; private set; } = "";

    /// <summary>The verbs on pods the service account may use (get, list, watch, patch, delete).</summary>
    public HashSet<string> Allowed { get; } = ["get", "list", "watch", "patch"];

    /// <summary>Every request: method, path and query, the status answered.</summary>
    public ConcurrentQueue<(string Method, string Path, int Status)> Requests { get; } = new();

    /// <summary>Every watch begun (a watch is in <see cref="Requests"/> only once it ends).</summary>
    public ConcurrentQueue<string> Watches { get; } = new();

    /// <summary>What this fake failed on (empty unless it has a bug).</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    public static async Task<FakeKubernetesApi> StartAsync(string ns)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeKubernetesApi(app, ns);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.Url = app.Urls.First().TrimEnd('/');
        return fake;
    }

    /// <summary>Adds a pod as the Deployment's ReplicaSet would, with the chart's selector labels.</summary>
    public void AddPod(string name, string ip) => _pods[name] = new V1Pod
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = Namespace,
            Uid = Guid.NewGuid().ToString(),
            ResourceVersion = "1",
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "clipper", ["app.kubernetes.io/instance"] = "test" },
        },
        Status = new V1PodStatus { Phase = "Running", PodIP = ip },
    };

    public IReadOnlyDictionary<string, string> Labels(string pod) =>
        _pods.TryGetValue(pod, out var p) ? new Dictionary<string, string>(p.Metadata.Labels) : throw new KeyNotFoundException(pod);

    /// <summary>Deletes a pod as `kubectl delete pod` would: gone from lists, a DELETED event to every watch.</summary>
    public void DeletePod(string name)
    {
        if (_pods.TryRemove(name, out var pod))
        {
            Publish("DELETED", pod);
        }
    }

    /// <summary>A kubeconfig for this server (plain HTTP, a bearer token), as `kubectl config view --raw` would write it.</summary>
    public string KubeConfig() => $"""
        apiVersion: v1
        kind: Config
        clusters:
          - name: fake
            cluster:
              server: {Url}
        users:
          - name: clipper
            user:
              token: {Token}
        contexts:
          - name: fake
            context:
              cluster: fake
              user: clipper
              namespace: {Namespace}
        current-context: fake
        """;

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        if (request.Query["watch"] == "true")
        {
            Watches.Enqueue(request.Path + request.QueryString);
        }

        try
        {
            var status = await AnswerAsync(http);
            Requests.Enqueue((request.Method, request.Path + request.QueryString, status));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // a bug of this fake: the test fails on it rather than on the client's view of a 500
            Requests.Enqueue((request.Method, request.Path + request.QueryString, 500));
            Errors.Enqueue(e.ToString());
            throw;
        }
    }

    private async Task<int> AnswerAsync(HttpContext http)
    {
        var request = http.Request;
        if (request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            return await StatusAsync(http, 401, "Unauthorized", "Unauthorized");
        }

        var path = request.Path.Value ?? "";
        if (request.Method == "POST" && path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        {
            var review = KubernetesJson.Deserialize<V1SelfSubjectAccessReview>(await new StreamReader(request.Body).ReadToEndAsync());
            var a = review.Spec.ResourceAttributes;
            review.Status = new V1SubjectAccessReviewStatus
            {
                Allowed = a.Resource == "pods" && a.NamespaceProperty == Namespace && Allowed.Contains(a.Verb),
            };
            return await JsonAsync(http, 201, review);
        }

        var prefix = $"/api/v1/namespaces/{Namespace}/pods";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return await StatusAsync(http, 404, "NotFound", $"the server could not find the requested resource ({path})");
        }

        var name = path.Length > prefix.Length ? path[(prefix.Length + 1)..] : null;
        var verb = (request.Method, name, request.Query["watch"].ToString()) switch
        {
            ("GET", null, "true" or "1") => "watch",
            ("GET", null, _) => "list",
            ("GET", _, _) => "get",
            ("PATCH", not null, _) => "patch",
            ("DELETE", not null, _) => "delete",
            _ => "",
        };
        if (!Allowed.Contains(verb))
        {
            return await StatusAsync(http, 403, "Forbidden",
                $"pods{(name is null ? "" : $" \"{name}\"")} is forbidden: User \"system:serviceaccount:{Namespace}:clipper\" cannot {verb} resource \"pods\" in API group \"\" in the namespace \"{Namespace}\"");
        }

        switch (verb)
        {
            case "get":
                return _pods.TryGetValue(name!, out var pod) ? await JsonAsync(http, 200, pod) : await NotFoundAsync(http, name!);
            case "patch":
                if (!_pods.TryGetValue(name!, out var patched))
                {
                    return await NotFoundAsync(http, name!);
                }

                if (request.ContentType?.StartsWith("application/merge-patch+json", StringComparison.Ordinal) != true)
                {
                    return await StatusAsync(http, 415, "UnsupportedMediaType", $"the body of the request was in an unknown format: {request.ContentType}");
                }

                var body = JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync());
                lock (_lock)
                {
                    foreach (var (k, v) in body?["metadata"]?["labels"]?.AsObject() ?? [])
                    {
                        if (v is null)
                        {
                            patched.Metadata.Labels.Remove(k);
                        }
                        else
                        {
                            patched.Metadata.Labels[k] = v.GetValue<string>();
                        }
                    }

                    patched.Metadata.ResourceVersion = (int.Parse(patched.Metadata.ResourceVersion) + 1).ToString();
                }

                Publish("MODIFIED", patched);
                return await JsonAsync(http, 200, patched);
            case "delete":
                if (!_pods.ContainsKey(name!))
                {
                    return await NotFoundAsync(http, name!);
                }

                var gone = _pods[name!];
                DeletePod(name!);
                return await JsonAsync(http, 200, gone);
            case "list":
                return await JsonAsync(http, 200, new V1PodList
                {
                    ApiVersion = "v1",
                    Kind = "PodList",
                    Metadata = new V1ListMeta { ResourceVersion = "1" },
                    Items = Matching(request.Query["labelSelector"].ToString()).ToList(),
                });
            default:
                await WatchAsync(http, request.Query["labelSelector"].ToString());
                return 200;
        }
    }

    private IEnumerable<V1Pod> Matching(string selector) => _pods.Values.Where(p => Matches(p, selector));

    /// <summary>Equality selectors only (a=b,c=d): what Orleans' agent sends.</summary>
    private static bool Matches(V1Pod pod, string selector) => selector.Split(',', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .All(w => pod.Metadata.Labels.TryGetValue(w[0], out var v) && v == w[1]);

    /// <summary>A watch: the matching pods as ADDED, then every change, one JSON event per line, until the caller goes.</summary>
    private async Task WatchAsync(HttpContext http, string selector)
    {
        var events = Channel.CreateUnbounded<(string Type, V1Pod Pod)>();
        lock (_lock)
        {
            _watchers.Add(events);
        }

        try
        {
            http.Response.StatusCode = 200;
            http.Response.ContentType = "application/json";
            foreach (var pod in Matching(selector))
            {
                await WriteLineAsync(http, Event("ADDED", pod));
            }

            await foreach (var (type, pod) in events.Reader.ReadAllAsync(http.RequestAborted))
            {
                if (Matches(pod, selector))
                {
                    await WriteLineAsync(http, Event(type, pod));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the watcher went away
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(events);
            }
        }
    }

    private static async Task WriteLineAsync(HttpContext http, string line)
    {
        await http.Response.WriteAsync(line + "\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    private void Publish(string type, V1Pod pod)
    {
        lock (_lock)
        {
            foreach (var w in _watchers)
            {
                w.Writer.TryWrite((type, pod));
            }
        }
    }

    private static string Event(string type, V1Pod pod) => $"{{\"type\":\"{type}\",\"object\":{KubernetesJson.Serialize(pod)}}}";

    private static async Task<int> JsonAsync<T>(HttpContext http, int status, T body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(KubernetesJson.Serialize(body));
        return status;
    }

    private Task<int> NotFoundAsync(HttpContext http, string name) => StatusAsync(http, 404, "NotFound", $"pods \"{name}\" not found");

    /// <summary>
    /// A Status object as the API server answers an error (the client library reads V1Status but cannot write one:
    /// its converter only reads, so the fields are written here by their API names).
    /// </summary>
    private static async Task<int> StatusAsync(HttpContext http, int code, string reason, string message)
    {
        http.Response.StatusCode = code;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        }.ToJsonString());
        return code;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            foreach (var w in _watchers)
            {
                w.Writer.TryComplete();
            }
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
