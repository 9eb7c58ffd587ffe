using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clipper.Abstractions.Jobs;
using Clipper.Core.Errors;
using Clipper.Core.Storage;
using Clipper.Gateway;
using Clipper.Gateway.Errors;
using Clipper.Host.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Clipper.Host.Cli;

/// <summary>
/// <c>clipper clip INPUT [--out DIR] [--clips N] [--min S] [--max S]</c>: runs an embedded silo, submits the job,
/// shows progress, and writes the clips and reports into DIR. Exit codes: 0 done; 2 the input cannot be clipped
/// (one <c>error: CODE: message</c> line); 1 an internal failure (the log file is named).
/// </summary>
public sealed partial class ClipCommand(TextWriter stdout, TextWriter stderr, string logFile, ILoggerProvider logs)
{
    /// <summary>The outcome, for callers that run clip in-process (demo, bench).</summary>
    public sealed record Outcome(int ExitCode, string JobId, string OutDir, JsonObject? Report, JobView? View);

    public static string NewJobId() =>
        $"job-{DateTime.Now:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}";

    public async Task<Outcome> RunAsync(IConfiguration config, ClipArgs args, CancellationToken cancel)
    {
        var input = Localise(args.Input);
        var jobId = NewJobId();
        var dir = Path.GetFullPath(args.Out ?? Path.Combine("clips", jobId));
        stderr.WriteLine($"clipper: job {jobId} on {args.Input}");
        using var homeLock = HomeLock.Take(SiloHost.Home(config));
        using var host = await SiloHost.StartEmbeddedAsync(config, logs, cancel);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var job = grains.GetGrain<IVideoJobGrain>(jobId);
            await job.Submit(new JobSpec(input, ClipSettings.From(args.Options)));
            // the job pushes each change to the hub, which hands it on: nothing asks the job again and again
            var hub = new JobWatchHub(grains, Microsoft.Extensions.Options.Options.Create(new GatewayOptions()),
                host.Services.GetRequiredService<ILogger<JobWatchHub>>());
            var view = await new ProgressView(stderr, ProgressView.IsTerminal).FollowAsync(hub.WatchAsync(jobId, cancel), cancel)
                ?? throw new ClipperException(ErrorCode.Internal, $"the watch of job {jobId} ended before the job did");
            return await FinishAsync(view, host.Services.GetRequiredService<IBlobStore>(), dir, cancel);
        }
        finally
        {
            // Ctrl-C or the end: stopping the silo kills running stage processes; an unfinished job stays
            // persisted and resumes the next time a silo starts on this home
            await host.StopAsync(CancellationToken.None);
        }
    }

    private async Task<Outcome> FinishAsync(JobView view, IBlobStore blobs, string dir, CancellationToken cancel)
    {
        if (view.Status == JobStatus.Completed)
        {
            var report = await Report.WriteAsync(view, blobs, dir, cancel);
            PrintTable(report, dir);
            return new Outcome(ExitCodes.Done, view.JobId, dir, report, view);
        }

        var e = view.Error ?? new JobError(ErrorCode.Internal.Code(), "the job ended without a result", null);
        stderr.WriteLine($"error: {e.Code}: {e.Message}");
        var exit = ErrorTable.Of(ErrorCodes.FromCode(e.Code)).ExitCode;
        if (exit == ExitCodes.CannotClip)
        {
            return new Outcome(exit, view.JobId, dir, null, view);
        }

        if (!string.IsNullOrWhiteSpace(e.Detail))
        {
            stderr.WriteLine("  " + e.Detail.Trim().Replace("\n", "\n  "));
        }

        stderr.WriteLine($"clipper: internal failure; details in {logFile}");
        return new Outcome(exit, view.JobId, dir, null, view);
    }

    /// <summary>Local paths are made absolute (a silo may run elsewhere later); URLs pass through.</summary>
    private static string Localise(string input)
    {
        if (UrlLike().IsMatch(input))
        {
            return input;
        }

        var p = Path.GetFullPath(input);
        return File.Exists(p) || !input.Contains(':') ? p : input;
    }

    private void PrintTable(JsonObject report, string dir)
    {
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine();
        stdout.WriteLine(string.Create(inv, $"{"rank",-4} {"score",-5} {"start–end",-17} title"));
        var clips = report["clips"]!.AsArray();
        foreach (var c in clips)
        {
            var range = $"{Clock((double)c!["start"]!)}–{Clock((double)c["end"]!)}";
            stdout.WriteLine(string.Create(inv, $"{(int)c["rank"]!,-4} {(int)c["score"]!,-5} {range,-17} {c["title"]}"));
        }

        stdout.WriteLine();
        stdout.WriteLine($"{clips.Count} clips written to {dir} (open report.html)");
    }

    public static string Clock(double seconds)
    {
        var s = (long)Math.Round(seconds);
        return $"{s / 3600}:{s / 60 % 60:00}:{s % 60:00}";
    }

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9+.-]*://")]
    private static partial Regex UrlLike();
}

/// <summary>One CLI run per CLIPPER_HOME at a time: the embedded silo owns that home's reminders.</summary>
public static class HomeLock
{
    public static FileStream Take(string home)
    {
        Directory.CreateDirectory(home);
        var path = Path.Combine(home, "clipper.lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new ClipperException(ErrorCode.Internal,
                $"another clipper is running on {home}; wait for it, or give this run its own CLIPPER_HOME");
        }
    }
}
