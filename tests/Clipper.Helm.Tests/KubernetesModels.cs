using System.Diagnostics;
using Clipper.TestSupport;

namespace Clipper.Helm.Tests;

/// <summary>
/// The npm package kubernetes-models (installed by scripts/setup.sh --tests into .tools/kubernetes-models) run by
/// node on rendered YAML through kubernetes-models.mjs beside the tests: one verdict per object.
/// </summary>
internal static class KubernetesModels
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public sealed record Result(int ExitCode, IReadOnlyList<string> Lines, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n{string.Join('\n', Lines)}\n{Error}";
    }

    public static string Modules()
    {
        var dir = Path.Combine(RepoRoot.Dir, ".tools", "kubernetes-models", "node_modules");
        return File.Exists(Path.Combine(dir, "kubernetes-models", "package.json")) ? dir
            : throw new InvalidOperationException($"kubernetes-models is not installed ({dir} lacks it): run scripts/setup.sh --tests");
    }

    public static async Task<Result> CheckAsync(string yaml)
    {
        var script = Path.Combine(RepoRoot.Dir, "tests", "Clipper.Helm.Tests", "kubernetes-models.mjs");
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(Modules());
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start node");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(yaml);
        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node kubernetes-models.mjs did not finish within {Timeout.TotalSeconds} s");
        }

        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new Result(process.ExitCode, lines, await error);
    }
}
