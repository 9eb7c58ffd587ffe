using System.Diagnostics;
using Clipper.TestSupport;

namespace Clipper.Helm.Tests;

/// <summary>
/// The helm that scripts/setup.sh --tests installs (v4.1.4, in .tools), run on the repository's chart with values
/// given as <c>--set</c> pairs. Helm's own directories point at a temporary one, so nothing of the user's is read.
/// </summary>
internal static class HelmTool
{
    public const string Release = "clip";
    public const string Namespace = "media";

    /// <summary>The name of the Secret every render names (the chart requires one).</summary>
    public const string SecretName = "clipper-secrets";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<string> HelmHome = new(() => TestMedia.TempDir("clipper-helm-home"));

    public static string ChartDir => Path.Combine(RepoRoot.Dir, "helm", "clipper");

    /// <summary>What one helm run printed and how it ended.</summary>
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n{Error}\n{Output}";
    }

    public static string Executable()
    {
        var bin = Path.Combine(RepoRoot.Dir, ".tools", "kubernetes-v35-2.2.2", "helm");
        return File.Exists(bin) ? bin
            : throw new InvalidOperationException($"helm is not installed ({bin} is missing): run scripts/setup.sh --tests");
    }

    /// <summary>The chart's defaults plus the one required value (the Secret's name) and <paramref name="values"/>.</summary>
    public static IReadOnlyList<string> Sets(IEnumerable<KeyValuePair<string, string>> values, bool withSecret = true)
    {
        var all = new List<KeyValuePair<string, string>>();
        if (withSecret)
        {
            all.Add(new("secrets.name", SecretName));
        }

        all.AddRange(values);
        return all.SelectMany(v => new[] { "--set", $"{v.Key}={v.Value}" }).ToList();
    }

    public static Task<Result> TemplateAsync(IReadOnlyList<string> sets) =>
        RunAsync(["template", Release, ChartDir, "--namespace", Namespace, .. sets]);

    public static Task<Result> LintAsync(IReadOnlyList<string> sets) =>
        RunAsync(["lint", "--strict", ChartDir, "--namespace", Namespace, .. sets]);

    /// <summary>Renders the chart (which must succeed) and parses every object strictly.</summary>
    public static async Task<RenderedChart> RenderAsync(params (string Key, string Value)[] values)
    {
        var result = await TemplateAsync(Sets(values.Select(v => KeyValuePair.Create(v.Key, v.Value))));
        Assert.True(result.ExitCode == 0, $"helm template failed: {result}");
        return RenderedChart.Parse(result.Output);
    }

    public static async Task<Result> RunAsync(IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var dir in new[] { "HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME" })
        {
            info.Environment[dir] = Path.Combine(HelmHome.Value, dir.ToLowerInvariant());
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"helm {string.Join(' ', args)} did not finish within {Timeout.TotalSeconds} s");
        }

        return new Result(process.ExitCode, await output, await error);
    }
}
