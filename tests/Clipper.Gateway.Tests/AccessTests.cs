using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Clipper.Gateway.V1;
using Clipper.TestSupport;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Clipper.Gateway.Tests;

/// <summary>Who is served: API keys when configured, else loopback callers only; probes always.</summary>
[Trait("Category", "cluster")]
public sealed class AccessTests
{
    [Fact]
    public async Task WithKeysConfiguredEveryDoorButHealthWantsOne()
    {
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["Clipper:Gateway:ApiKeys:0"] = "key-one",
            ["Clipper:Gateway:ApiKeys:1"] = "key-two",
        });
        var none = await Assert.ThrowsAsync<RpcException>(async () => await server.Client.GetJobAsync(new GetJobRequest { JobId = "x" }));
        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        Assert.StartsWith("unauthenticated:", none.Status.Detail);
        var wrong = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Client.GetJobAsync(new GetJobRequest { JobId = "x" }, new Metadata { { "x-api-key", "key-three" } }));
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        // a good key gets through to the real answer
        var found = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Client.GetJobAsync(new GetJobRequest { JobId = "x" }, new Metadata { { "x-api-key", "key-two" } }));
        Assert.Equal(StatusCode.NotFound, found.StatusCode);
        var watch = await Assert.ThrowsAsync<RpcException>(async () => await server.Client.WatchJob(new WatchJobRequest { JobId = "x" }).ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Unauthenticated, watch.StatusCode);
        var health = new Health.HealthClient(server.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);

        foreach (var path in new[] { "/jobs", "/api/jobs", "/metrics", "/dashboard/", "/dashboard/DashboardCounters", "/files/jobs/x/clip-01.mp4" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.Web.GetAsync(path)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await server.Web.GetAsync("/health/startup")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Web.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Web.GetAsync("/health/live")).StatusCode);
        var withHeader = new HttpRequestMessage(HttpMethod.Get, "/api/jobs");
        withHeader.Headers.Add("x-api-key", "key-one");
        Assert.Equal(HttpStatusCode.OK, (await server.Web.SendAsync(withHeader)).StatusCode);

        // Prometheus sends its key as a bearer token; a bad one is refused exactly as a bad x-api-key is
        async Task<(HttpStatusCode, string)> Get(string path, string header, string value)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation(header, value);
            using var response = await server.Web.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var (status, metrics) = await Get("/metrics", "Authorization", "Bearer key-two");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("# TYPE clipper_", metrics);
        Assert.Equal(HttpStatusCode.OK, (await Get("/api/jobs", "Authorization", "bearer key-one")).Item1);
        var badKey = await Get("/metrics", "x-api-key", "key-three");
        var badBearer = await Get("/metrics", "Authorization", "Bearer key-three");
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthenticated: the API key is not valid\n"), badKey);
        Assert.Equal(badKey, badBearer);
        // another scheme carries no key
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthenticated: an x-api-key is required\n"), await Get("/metrics", "Authorization", "Basic a2V5LW9uZQ=="));

        // a browser opens a page once with ?key=, and its cookie carries the key after that
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = new Uri(server.WebBase) };
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/jobs?key=key-one")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/jobs?key=bad")).StatusCode);
    }

    [Fact]
    public async Task WithoutKeysOnlyLoopbackCallersAreServed()
    {
        var address = NonLoopbackAddress();
        Assert.True(address is not null, "this machine has no non-loopback IPv4 address to call from");
        int grpc = Ports.Free(), web = Ports.Free();
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["Clipper:Gateway:Grpc"] = $"0.0.0.0:{grpc}",
            ["Clipper:Gateway:Web"] = $"0.0.0.0:{web}",
        });
        // from loopback: served (NotFound is the real answer)
        using var local = GrpcChannel.ForAddress($"http://127.0.0.1:{grpc}");
        var served = await Assert.ThrowsAsync<RpcException>(async () => await new V1.Clipper.ClipperClient(local).GetJobAsync(new GetJobRequest { JobId = "x" }));
        Assert.Equal(StatusCode.NotFound, served.StatusCode);
        // from the machine's network address: refused
        using var remote = GrpcChannel.ForAddress($"http://{address}:{grpc}");
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await new V1.Clipper.ClipperClient(remote).GetJobAsync(new GetJobRequest { JobId = "x" }));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"http://{address}:{web}/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{web}/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://{address}:{web}/health/live")).StatusCode);
    }

    private static IPAddress? NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
