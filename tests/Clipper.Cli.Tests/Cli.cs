using System.Diagnostics;

namespace Clipper.Cli.Tests;

/// <summary>Runs the real command-line tool in its own process, as a user would, with its own CLIPPER_HOME.</summary>
public static class Cli
{
    public sealed record Run(int ExitCode, string Stdout, string Stderr, double Seconds);

    public static Task<Run> ClipperAsync(string home, string workDir, TimeSpan timeout, params string[] args) =>
        ClipperAsync(home, workDir, timeout, new Dictionary<string, string>(), args);

    /// <summary>The same with more environment variables (configuration keys as <c>Clipper__Job__MaxAttempts</c>).</summary>
    public static async Task<Run> ClipperAsync(string home, string workDir, TimeSpan timeout, IReadOnlyDictionary<string, string> environment,
        params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workDir,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "clipper.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["CLIPPER_HOME"] = home;
        psi.Environment["CLIPPER_ASSETS"] = Clipper.Core.Samples.Assets.Dir();
        psi.Environment.Remove("TERM");
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"clipper {string.Join(' ', args)} did not finish within {timeout}; stderr:\n{await stderr}");
        }

        return new Run(p.ExitCode, await stdout, await stderr, clock.Elapsed.TotalSeconds);
    }
}
