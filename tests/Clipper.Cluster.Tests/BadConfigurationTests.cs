using System.Diagnostics;
using Clipper.TestSupport;

namespace Clipper.Cluster.Tests;

/// <summary>Real services for the configuration tests (one set per class).</summary>
public sealed class ServicesFixture : IAsyncLifetime
{
    public ClusterServices Services { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Services = await ClusterServices.StartAsync("config");

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();
}

[Trait("Category", "cluster")]
[Trait("Category", "external")]
public sealed class BadConfigurationTests(ServicesFixture fixture, ITestOutputHelper output) : IClassFixture<ServicesFixture>
{
    /// <summary>
    /// A refused start must not wait on retries: it ends well inside this. Not a speed figure: a start on this machine
    /// took up to 33 s at load 50 (the build's JIT and Orleans' start on starved cores), so the bound is twice that,
    /// and a start still running at <see cref="Kill"/> is killed and fails on its exit code.
    /// </summary>
    internal static readonly TimeSpan Limit = TimeSpan.FromSeconds(70);

    private static readonly TimeSpan Kill = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData("CLIPPER_POSTGRES", "needs CLIPPER_POSTGRES (PostgreSQL for job state and reminders)")]
    [InlineData("CLIPPER_BLOB", "needs CLIPPER_BLOB (Azure Storage for sources and clips)")]
    public async Task AHalfConfiguredClusterIsRefusedInOneLine(string missing, string expected)
    {
        var env = fixture.Services.Environment("half");
        env.Remove(missing);
        var (code, took, stdout, stderr) = await ServeAsync(env);
        Assert.Equal(2, code);
        Assert.True(took < Limit, $"took {took}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: bad_option: CLIPPER_REDIS is set", line);
        Assert.Contains(expected, line);
        AssertNoSecrets(stdout + stderr);
    }

    [Fact]
    public async Task ClusterSettingsWithoutRedisAreRefused()
    {
        var env = fixture.Services.Environment("half");
        env.Remove("CLIPPER_REDIS");
        var (code, _, _, stderr) = await ServeAsync(env);
        Assert.Equal(2, code);
        Assert.StartsWith("error: bad_option: CLIPPER_BLOB, ", stderr);
        Assert.Contains("CLIPPER_CLUSTER_ID", stderr);
        Assert.Contains("belong to the cluster profile, which needs CLIPPER_REDIS", stderr);
    }

    [Theory]
    [InlineData("CLIPPER_REDIS", "Redis at 127.0.0.1:{0} does not answer")]
    [InlineData("CLIPPER_POSTGRES", "PostgreSQL at 127.0.0.1:{0}/")]
    [InlineData("CLIPPER_BLOB", "blob storage at 127.0.0.1:{0} is unreachable")]
    public async Task AnUnreachableServiceStopsTheStartWithAClearMessageWithin30Seconds(string which, string expected)
    {
        var env = fixture.Services.Environment("unreachable");
        int closed = Ports.Free();
        env[which] = which switch
        {
            "CLIPPER_REDIS" => $"127.0.0.1:{closed}",
            "CLIPPER_POSTGRES" => $"Host=127.0.0.1;Port={closed};Username=clipper_test;Password=clipper_test;Database=x",
            _ => fixture.Services.Azurite.ConnectionString.Replace($":{fixture.Services.Azurite.Port}/", $":{closed}/"),
        };
        var (code, took, stdout, stderr) = await ServeAsync(env);
        output.WriteLine($"{which} unreachable: exit {code} after {took.TotalSeconds:0.0} s: {stderr.Trim()}");
        Assert.Equal(1, code);
        Assert.True(took < Limit, $"took {took}");
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: service_unreachable: cannot start the cluster profile: ", line);
        Assert.Contains(string.Format(expected, closed), line);
        // only the one that is down is named
        Assert.Equal(1, new[] { "Redis at", "PostgreSQL at", "blob storage" }.Count(s => line.Contains(s, StringComparison.Ordinal)));
        AssertNoSecrets(stdout + stderr);
        Measurements.Record($"cluster bad configuration: {which} unreachable → exit {code} after {took.TotalSeconds:0.0} s");
    }

    /// <summary>No password, account key or SAS signature in what serve prints.</summary>
    internal static void AssertNoSecrets(string text)
    {
        Assert.DoesNotContain(AzuriteServer.AccountKey, text);
        Assert.DoesNotContain("Password=", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("sig=", text);
    }

    internal static async Task<(int? Code, TimeSpan Took, string Stdout, string Stderr)> ServeAsync(Dictionary<string, string> env)
    {
        var home = TestMedia.TempDir("clipper-config");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { SiloProcess.Dll, "serve", "--grpc", $"127.0.0.1:{Ports.Free()}", "--web", $"127.0.0.1:{Ports.Free()}",
            "--silo-port", Ports.Free().ToString(), "--gateway-port", Ports.Free().ToString() })
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        psi.Environment["CLIPPER_HOME"] = home;
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Kill);
        try
        {
            await p.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            return (null, clock.Elapsed, await stdout, await stderr);
        }

        var took = clock.Elapsed;
        var log = Path.Combine(home, "logs", "clipper.log");
        var logged = File.Exists(log) ? await File.ReadAllTextAsync(log) : "";
        AssertNoSecrets(logged);
        return (p.ExitCode, took, await stdout, await stderr);
    }
}
