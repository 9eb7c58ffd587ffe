using System.Diagnostics;

namespace Clipper.Helm.Tests;

/// <summary>A command run to its end with its output captured; past its time-out it is killed and the test fails.</summary>
internal static class Command
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n{Error}\n{Output}";
    }

    public static async Task<Result> RunAsync(string file, IReadOnlyList<string> args, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? env = null, bool check = false)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{file} cannot run here ({e.Message}): scripts/setup.sh --tests installs it", e);
        }

        using var owned = process;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} ran past {timeout.TotalSeconds:F0} s:\n{await stderr}\n{await stdout}");
        }

        var result = new Result(process.ExitCode, await stdout, await stderr);
        if (check && result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {result}");
        }

        return result;
    }
}
