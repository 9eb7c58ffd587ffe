using System.Diagnostics;
using Clipper.TestSupport;

namespace Clipper.Gateway.Tests;

/// <summary>
/// A client that is not .NET: tests/python/clipper_client.py under Debian's /usr/bin/python3 (python3-grpcio,
/// python3-grpc-tools) compiles clipper.proto itself, uploads, watches, lists, cancels and meets every status code.
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "media")]
[Trait("Category", "external")]
public sealed class PythonClientTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ThePythonClientPassesEveryCheck()
    {
        var talk = await TestMedia.ShortTalkAsync();
        await using var server = await GatewayServer.StartAsync();
        var scratch = TestMedia.TempDir("gateway-python");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Script(), "--server", server.GrpcAddress, "--video", talk.File, "--out", scratch })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await p.WaitForExitAsync(timeout.Token);
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        var summary = (await stdout).Split('\n').LastOrDefault(l => l.Contains("passed,", StringComparison.Ordinal)) ?? "no summary";
        Measurements.Record($"python client (grpcio under /usr/bin/python3): {summary.Trim()}");
        Assert.True(p.ExitCode == 0, $"python client exited {p.ExitCode}:\n{await stdout}\n{await stderr}");
        Assert.DoesNotContain((await stdout).Split('\n'), l => l.StartsWith("FAIL ", StringComparison.Ordinal));
        Assert.Contains((await stdout).Split('\n'), l => l.StartsWith("ok   WatchJob ends COMPLETED", StringComparison.Ordinal));
        Directory.Delete(scratch, recursive: true);
    }

    [Fact]
    public async Task AReflectionClientWithoutTheProtoListsDescribesAndCalls()
    {
        await using var server = await GatewayServer.StartAsync();
        var list = await ReflectAsync(server, "list");
        Assert.Equal(0, list.Code);
        Assert.Contains("clipper.v1.Clipper", list.Out.Split('\n'));
        Assert.Contains("grpc.health.v1.Health", list.Out.Split('\n'));
        var describe = await ReflectAsync(server, "describe", "clipper.v1.Clipper");
        Assert.Contains("rpc WatchJob(clipper.v1.WatchJobRequest) returns (stream clipper.v1.JobEvent)", describe.Out);
        Assert.Contains("rpc UploadJob(stream clipper.v1.UploadChunk) returns (clipper.v1.Job)", describe.Out);
        var listed = await ReflectAsync(server, "call", "clipper.v1.Clipper/ListJobs", "{\"pageSize\": 5}");
        Assert.Equal(0, listed.Code);
        Assert.NotNull(System.Text.Json.Nodes.JsonNode.Parse(listed.Out));
        var missing = await ReflectAsync(server, "call", "clipper.v1.Clipper/GetJob", "{\"jobId\": \"no-such-job\"}");
        Assert.Equal(3, missing.Code);
        Assert.StartsWith("ERROR NOT_FOUND: job_not_found:", missing.Out.Trim());
        var health = await ReflectAsync(server, "call", "grpc.health.v1.Health/Check", "{}");
        Assert.Equal("{\"status\":\"SERVING\"}", health.Out.Trim());
    }

    private async Task<(int Code, string Out)> ReflectAsync(GatewayServer server, params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(Path.GetDirectoryName(Script())!, "reflect_client.py"));
        psi.ArgumentList.Add(server.GrpcAddress);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        output.WriteLine($"reflect_client {string.Join(' ', args)} → {p.ExitCode}\n{await stdout}{await stderr}");
        return (p.ExitCode, await stdout);
    }

    public static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "python", "clipper_client.py");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("tests/python/clipper_client.py not found above " + AppContext.BaseDirectory);
    }
}
