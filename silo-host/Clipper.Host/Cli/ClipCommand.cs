using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Webhooks;
using Clipper.Core.Errors;
using Clipper.Core.Storage;
using Clipper.Gateway;
using Clipper.Gateway.Errors;
using Clipper.Host.Hosting;
using Clipper.Stages.Fetch.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Clipper.Host.Cli;

/// <summary>
/// <c>clipper clip INPUT [--out DIR] [--clips N] [--min S] [--max S] [--webhook URL --webhook-secret whsec_…]</c>: runs an
/// embedded silo, submits the job, shows progress, writes the clips and reports into DIR, and waits (bounded) for the
/// webhooks' deliveries. Exit codes: 0 done; 2 the input cannot be clipped
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
            var webhooks = await WebhooksAsync(host.Services.GetRequiredService<IOptions<WebhookOptions>>().Value, args, cancel);
            await job.Submit(new JobSpec(input, args.JobSettings, webhooks));
            // the job pushes each change to the hub, which hands it on: nothing asks the job again and again
            var hub = new JobWatchHub(grains, Microsoft.Extensions.Options.Options.Create(new GatewayOptions()),
                host.Services.GetRequiredService<ILogger<JobWatchHub>>());
            var follow = new JobFollow(stdout, stderr, logFile);
            var view = await follow.FollowAsync(jobId, hub.WatchAsync(jobId, cancel), ProgressView.Point.Of, cancel);
            var files = new BlobArtifacts(host.Services.GetRequiredService<IBlobStore>(), view);
            var end = await follow.FinishAsync(JobEnding.Of(view), files, dir, elsewhere: null, cancel);
            await AwaitDeliveriesAsync(grains, jobId, webhooks, args.WebhookWait ?? TimeSpan.FromSeconds(60), cancel);
            return new Outcome(end.ExitCode, jobId, dir, end.Report, view);
        }
        finally
        {
            // Ctrl-C or the end: stopping the silo kills running stage processes; an unfinished job stays
            // persisted and resumes the next time a silo starts on this home
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The endpoints given, checked as the API checks them; none given: the operator's default, if any.</summary>
    private static Task<WebhookList?> WebhooksAsync(WebhookOptions options, ClipArgs args, CancellationToken cancel) =>
        Gateway.JobEndpoints.ForJobAsync(options, (args.Webhooks ?? []).Select(w => (w.Url, (IReadOnlyList<string>)w.Secrets)), cancel);

    /// <summary>
    /// Waits, at most <paramref name="wait"/>, until every event reached its endpoint (or was given up), then says how each
    /// endpoint fared. Whatever is still undelivered stays in the outbox and goes on when a silo next starts on this home.
    /// </summary>
    private async Task AwaitDeliveriesAsync(IGrainFactory grains, string jobId, WebhookList? webhooks, TimeSpan wait, CancellationToken cancel)
    {
        IReadOnlyList<Webhook> endpoints = webhooks?.Endpoints ?? [];
        if (endpoints.Count == 0)
        {
            return;
        }

        var deadline = DateTime.UtcNow + wait;
        WebhookDeliveries?[] seen;
        while (true)
        {
            seen = await Task.WhenAll(endpoints.Select((_, n) => WebhookOutboxes.Of(grains, jobId, n).Deliveries()));
            if (seen.All(d => d is null || d.Settled) || DateTime.UtcNow >= deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancel);
        }

        foreach (var d in seen.OfType<WebhookDeliveries>())
        {
            var last = d.Attempts.Count > 0 ? d.Attempts[^1] : null;
            stderr.WriteLine($"clipper: webhook {d.Url}: {d.Delivered} of {d.Events} event(s) delivered"
                + (d.GaveUp > 0 ? $", {d.GaveUp} given up" : "")
                + (d.Settled ? "" : $"; the rest are retried the next time clipper runs on this home (last answer: {last?.Status}: {last?.Excerpt})"));
        }
    }

    /// <summary>A finished job's files from this silo's blob store, and its transcript beside them.</summary>
    private sealed class BlobArtifacts(IBlobStore blobs, JobView view) : IArtifactSource
    {
        public Task CopyAsync(Delivered file, string target, CancellationToken cancel) => blobs.DownloadAsync(file.Blob, target, cancel);

        public async Task WriteExtrasAsync(string dir, CancellationToken cancel) =>
            await File.WriteAllBytesAsync(Path.Combine(dir, "transcript.json"), await blobs.GetBytesAsync(view.Transcript!.TranscriptKey, cancel), cancel);
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
