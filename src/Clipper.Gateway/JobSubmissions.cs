using System.Security.Cryptography;
using System.Text;
using Clipper.Abstractions.Jobs;
using Clipper.Core.Errors;
using Clipper.Stages.Fetch;
using Clipper.Stages.Fetch.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Clipper.Gateway;

/// <summary>
/// Starting jobs, for every door that starts them (gRPC, MCP): the job id a request gets (its own, one derived from
/// an idempotency key, or a new one), the link's checks before a job is made, and the submit itself. Errors are
/// <see cref="ClipperException"/>s; each door answers them in its own protocol.
/// </summary>
public sealed class JobSubmissions(IGrainFactory grains, Fetcher fetcher, IOptions<WebhookOptions> webhookOptions, ILogger<JobSubmissions> log)
{
    public const int MaxKeyLength = 200;

    /// <summary>
    /// The job id for a request: <paramref name="jobId"/> when given, else the one <paramref name="idempotencyKey"/>
    /// names for this caller (its API key: two callers' equal keys are two jobs), else a new id.
    /// </summary>
    public static string JobIdFor(string? jobId, string? idempotencyKey, string? apiKey)
    {
        bool hasId = !string.IsNullOrEmpty(jobId), hasKey = !string.IsNullOrEmpty(idempotencyKey);
        if (hasId && hasKey)
        {
            throw new ClipperException(ErrorCode.BadOption, "give job_id or idempotency_key, not both");
        }

        if (hasId)
        {
            return JobIds.Check(jobId);
        }

        return hasKey ? FromKey(idempotencyKey!, apiKey) : JobIds.New();
    }

    /// <summary>"idem-" and 40 hex digits of SHA-256 over the caller's API key and the idempotency key.</summary>
    public static string FromKey(string key, string? apiKey)
    {
        if (key.Length > MaxKeyLength || key.Any(c => c is < ' ' or > '~'))
        {
            throw new ClipperException(ErrorCode.BadOption,
                $"idempotency_key must be 1–{MaxKeyLength} printable ASCII characters, got {key.Length} characters");
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"clipper-idempotency\n{apiKey ?? ""}\n{key}"));
        return "idem-" + Convert.ToHexStringLower(hash)[..40];
    }

    /// <summary>Checks the link as a job would (refusing what cannot be clipped before a job exists), then submits.</summary>
    public async Task<JobView> SubmitLinkAsync(string jobId, string url, ClipSettings settings, WebhookList? webhooks, bool byKey,
        CancellationToken cancel)
    {
        if (url.Length == 0)
        {
            throw new ClipperException(ErrorCode.BadOption, "source_url is required (upload a local file with UploadJob)");
        }

        // a repeated request under a key is answered without fetching the page again
        var spec = new JobSpec(url, settings, webhooks);
        if (byKey && await ExistingAsync(jobId, spec) is { } existing)
        {
            return existing;
        }

        await fetcher.CheckUrlAsync(url, cancel);
        return await SubmitAsync(jobId, spec, byKey);
    }

    /// <summary>A job's callback endpoints, each checked (bad_option, url_blocked); none given: the operator's default, if any.</summary>
    public Task<WebhookList?> WebhooksAsync(IEnumerable<(string Url, IReadOnlyList<string> Secrets)> given, CancellationToken cancel) =>
        JobEndpoints.ForJobAsync(webhookOptions.Value, given, cancel);

    public async Task<JobView> SubmitAsync(string jobId, JobSpec spec, bool byKey)
    {
        try
        {
            var view = await grains.GetGrain<IVideoJobGrain>(jobId).Submit(spec);
            log.LogInformation("job {Job} submitted: {Input}", jobId, spec.Input);
            return view;
        }
        catch (ClipperException e) when (byKey && e.Code == ErrorCode.IdempotencyConflict)
        {
            throw Conflict(jobId);
        }
    }

    /// <summary>
    /// The job already made under this id from the same request, null when there is none yet; a job made from
    /// another request is an <see cref="ErrorCode.IdempotencyConflict"/>.
    /// </summary>
    public async Task<JobView?> ExistingAsync(string jobId, JobSpec spec)
    {
        var view = await grains.GetGrain<IVideoJobGrain>(jobId).Get();
        if (view?.Spec is null)
        {
            return null;
        }

        return view.Spec == spec ? view : throw Conflict(jobId);
    }

    private static ClipperException Conflict(string jobId) => new(ErrorCode.IdempotencyConflict,
        $"the idempotency key was used for another request (job {jobId}); use a new key for a new request");
}

/// <summary>Job ids: made here or checked when a caller brings its own.</summary>
public static partial class JobIds
{
    public static string New() => $"job-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    public static string Check(string? id) =>
        !string.IsNullOrEmpty(id) && Pattern().IsMatch(id) ? id
            : throw new ClipperException(ErrorCode.BadOption, $"job_id must be 1–64 letters, digits, '.', '_' or '-', got \"{id}\"");

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex Pattern();
}
