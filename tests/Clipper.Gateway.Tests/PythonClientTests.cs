using System.Diagnostics;
using Clipper.TestSupport;

namespace Clipper.Gateway.Tests;

/// <summary>
/// A client that is not .NET: tests/python/clipper_client.py under Debian's /usr/bin/python3 (python3-grpcio,
/// python3-grpc-tools) compiles clipper.proto itself, uploads, watches, lists, cancels and meets every status code.
/// </summary>
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
