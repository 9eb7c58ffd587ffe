using System.Net;
using System.Net.Sockets;
using Clipper.Gateway.V1;
using Clipper.Host.Cli;
using Clipper.Host.Hosting;
using Clipper.TestSupport;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;

namespace Clipper.Gateway.Tests;

/// <summary>A real server as <c>clipper serve</c> builds it (silo, gateway, pages), on free loopback ports and a home of its own.</summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayServer(WebApplication app, string home, int grpcPort, int webPort)
    {
        _app = app;
        Home = home;
        GrpcAddress = $"127.0.0.1:{grpcPort}";
        WebBase = $"http://127.0.0.1:{webPort}";
        Channel = GrpcChannel.ForAddress($"http://{GrpcAddress}", new GrpcChannelOptions { MaxReceiveMessageSize = 64 << 20 });
        Client = new V1.Clipper.ClipperClient(Channel);
        Web = new HttpClient { BaseAddress = new Uri(WebBase), Timeout = TimeSpan.FromMinutes(2) };
    }

    public string Home { get; }

    /// <summary>
    /// What uploads (of one job, or all) left on disk: uploads waiting for a remote store (Home/uploads) and uploads
    /// in the silo's blob store (Home/blobs/uploads).
    /// </summary>
    public string[] UploadsLeft(string? jobId = null)
    {
        var left = new List<string>();
        foreach (var root in new[] { Path.Combine(Home, "uploads"), Path.Combine(Home, "blobs", "uploads") })
        {
            var dir = jobId is null ? root : Path.Combine(root, jobId);
            if (Directory.Exists(dir) && jobId is not null)
            {
                left.Add(dir); // a job's directory itself is something left
            }

            if (Directory.Exists(dir))
            {
                left.AddRange(Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories));
            }
        }

        return [.. left];
    }

    public string GrpcAddress { get; }

    public string WebBase { get; }

    public GrpcChannel Channel { get; }

    public V1.Clipper.ClipperClient Client { get; }

    public HttpClient Web { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts stopping the server as SIGTERM does (the host's stop); the task ends when it has stopped.</summary>
    public Task StopAsync() => _app.StopAsync();

    public static async Task<GatewayServer> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var home = TestMedia.TempDir("gateway-home");
        int grpc = Ports.Free(), web = Ports.Free();
        var overrides = new Dictionary<string, string?>
        {
            ["Clipper:Home"] = home,
            ["Clipper:Gateway:Grpc"] = $"127.0.0.1:{grpc}",
            ["Clipper:Gateway:Web"] = $"127.0.0.1:{web}",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            overrides[k] = v;
        }

        var app = ServeCommand.Build(SiloHost.LoadConfiguration(overrides), null);
        await app.StartAsync();
        return new GatewayServer(app, home, grpc, web);
    }

    /// <summary>Uploads a file as a new job.</summary>
    public async Task<Job> UploadAsync(string file, ClipOptions? options = null, Metadata? headers = null, int chunk = 256 << 10,
        IEnumerable<Webhook>? webhooks = null, string idempotencyKey = "")
    {
        await using var input = File.OpenRead(file);
        return await UploadClient.UploadAsync(Client, input, Path.GetFileName(file), input.Length, options ?? new ClipOptions(), headers, chunk,
            webhooks: webhooks, idempotencyKey: idempotencyKey);
    }

    /// <summary>Every event of a WatchJob stream, to its end.</summary>
    public async Task<List<JobEvent>> WatchAllAsync(string jobId, TimeSpan timeout)
    {
        using var call = Client.WatchJob(new WatchJobRequest { JobId = jobId }, deadline: DateTime.UtcNow + timeout);
        var events = new List<JobEvent>();
        await foreach (var e in call.ResponseStream.ReadAllAsync())
        {
            events.Add(e);
        }

        return events;
    }

    public async ValueTask DisposeAsync()
    {
        Web.Dispose();
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open: left in /tmp
        }
    }
}

/// <summary>One server for a test class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public GatewayServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await GatewayServer.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
