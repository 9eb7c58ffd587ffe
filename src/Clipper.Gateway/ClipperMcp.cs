using System.ComponentModel;
using System.Text.Json;
using Clipper.Abstractions.Jobs;
using Clipper.Core.Errors;
using Clipper.Gateway.V1;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using JobState = Clipper.Gateway.V1.JobState;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Gateway;

/// <summary>
/// The Model Context Protocol tools on the web port (<c>/mcp</c>, streamable HTTP): an assistant submits a link,
/// lists, gets, cancels and waits for jobs. Results are the gRPC API's <c>Job</c> as JSON (the same field names as
/// its JSON mapping), so a tool result and an API answer read alike. Errors are tool errors whose text starts with
/// Clipper's stable code ("url_blocked: …"); the web port's access rule (API key or loopback) guards the endpoint.
/// </summary>
[McpServerToolType]
public sealed class ClipperMcp(IGrainFactory grains, JobSubmissions submissions, JobWatchHub hub, ArtifactLinks links,
    Microsoft.AspNetCore.Http.IHttpContextAccessor http, ILogger<ClipperMcp> log)
{
    public const string Path = "/mcp";

    /// <summary>The longest a wait_for_job call waits before it answers with the job as it is.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(30);

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(false));

    [McpServerTool(Name = "submit_link", Destructive = false, OpenWorld = true)]
    [Description("Starts a clipping job on a video link: a page yt-dlp knows (YouTube, Vimeo, …) or a direct http(s) media URL. " +
        "Returns the job (job_id, state). Follow it with wait_for_job.")]
    public async Task<CallToolResult> SubmitLink(
        [Description("The video's http(s) URL")] string url,
        [Description("How many clips at most (1–50; default 10)")] int? maxClips = null,
        [Description("Shortest clip in seconds (default 15)")] double? minSeconds = null,
        [Description("Longest clip in seconds (default 90)")] double? maxSeconds = null,
        [Description("Output width in pixels (default 1080)")] int? width = null,
        [Description("Output height in pixels (default 1920)")] int? height = null,
        [Description("Optional: the same key and request give the same job, so a retried call does not start a second job")] string? idempotencyKey = null,
        [Description("Speech-to-text engine: pocketsphinx, whisper or openai (default: the server's)")] string? asr = null,
        [Description("Ranking: heuristic or llm (default: the server's)")] string? rank = null,
        [Description("Spoken language, ISO 639-1 such as en or de (default: detected, else English)")] string? language = null,
        [Description("Caption preset: bold, karaoke, pop or lower-third (default: the server's)")] string? captions = null,
        [Description("Aspect ratio: 9:16 (1080x1920, default), 1:1 (1080x1080), 4:5 (1080x1350) or 16:9 (1920x1080); sets the size. A comma-separated list (\"9:16,1:1\", up to 4) adds the others as extra renditions of every clip, tracked once")] string? ratio = null,
        [Description("Layout: auto (default, per shot: split where two faces talk together, screen where a screen share shows a small face, else single; fit for a clip with no face), single, fit (the whole frame over a blurred copy), split (two faces, each in its half: stacked in 9:16, side by side in 4:5, 1:1 and 16:9) or screen (the whole frame above the speaker's face)")] string? layout = null,
        [Description("Optional: draw the clip's title over its first seconds (the hook title), 0.5–10 seconds; off when unset")] double? hookSeconds = null,
        CancellationToken cancel = default) => await Answer(async () =>
    {
        var d = global::Clipper.Core.Clips.ClipOptions.Defaults;
        var sizes = global::Clipper.Core.Clips.AspectRatio.Sizes(ratio, width, height);
        var (w, h) = sizes[0];
        var options = new global::Clipper.Core.Clips.ClipOptions(maxClips ?? d.MaxClips, minSeconds ?? d.MinSeconds,
            maxSeconds ?? d.MaxSeconds, w, h);
        options.Validate();
        var jobId = JobSubmissions.JobIdFor(null, idempotencyKey, ApiKey);
        // the operator's default endpoint, if any, hears of it as of a job submitted over gRPC
        var webhooks = await submissions.WebhooksAsync([], cancel);
        var view = await submissions.SubmitLinkAsync(jobId, url.Trim(), JobChoices.Check(ClipSettings.From(options).WithSizes(sizes).WithChoices(asr, rank, language, captions, layout) with { HookTitle = hookSeconds }), webhooks,
            byKey: !string.IsNullOrEmpty(idempotencyKey), cancel);
        log.LogInformation("job {Job} submitted over MCP", view.JobId);
        return JobMapping.ToJob(view, links);
    });

    [McpServerTool(Name = "get_job", ReadOnly = true, Idempotent = true)]
    [Description("The job now: state, stage, percent, and each clip's scores, title, reason and download links once encoded.")]
    public async Task<CallToolResult> GetJob([Description("The job's id")] string jobId) => await Answer(async () =>
        JobMapping.ToJob(await grains.GetGrain<IVideoJobGrain>(JobIds.Check(jobId)).Get() ?? throw NotFound(jobId), links));

    [McpServerTool(Name = "list_jobs", ReadOnly = true, Idempotent = true)]
    [Description("Jobs, newest first.")]
    public async Task<CallToolResult> ListJobs(
        [Description("Only jobs in this state: submitted, running, completed, failed or cancelled; empty for all")] string? state = null,
        [Description("At most this many jobs (1–500; default 20)")] int? pageSize = null) => await Answer(async () =>
    {
        int size = pageSize ?? 20;
        if (size is < 1 or > 500)
        {
            throw new ClipperException(ErrorCode.BadOption, $"page_size must be 1..500, got {size}");
        }

        var (views, _) = await JobMapping.ListAsync(grains, size, null, JobMapping.StatusesOf(StateNamed(state)));
        var response = new ListJobsResponse();
        response.Jobs.AddRange(views.Select(v => JobMapping.ToJob(v, links)));
        return response;
    });

    [McpServerTool(Name = "cancel_job", Destructive = true, Idempotent = true)]
    [Description("Cancels a job; a finished job is answered as it is.")]
    public async Task<CallToolResult> CancelJob([Description("The job's id")] string jobId) => await Answer(async () =>
        JobMapping.ToJob(await grains.GetGrain<IVideoJobGrain>(JobIds.Check(jobId)).Cancel() ?? throw NotFound(jobId), links));

    [McpServerTool(Name = "wait_for_job", ReadOnly = true, Idempotent = true)]
    [Description("Waits until the job has finished (completed, failed or cancelled), sending progress notifications " +
        "(percent of 100, with the stage) while it runs, and returns the job with its clips. After timeout_seconds it " +
        "returns the job as it is then; call again to wait more.")]
    public async Task<CallToolResult> WaitForJob(
        RequestContext<CallToolRequestParams> request,
        [Description("The job's id")] string jobId,
        [Description("How long to wait at most, in seconds (1–1800; default 600)")] int? timeoutSeconds = null,
        CancellationToken cancel = default) => await Answer(async () =>
    {
        int seconds = timeoutSeconds ?? 600;
        if (seconds < 1 || seconds > MaxWait.TotalSeconds)
        {
            throw new ClipperException(ErrorCode.BadOption, $"timeout_seconds must be 1..{MaxWait.TotalSeconds}, got {seconds}");
        }

        var id = JobIds.Check(jobId);
        var progress = request.Params?.ProgressToken;
        JobView? last = null;
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        window.CancelAfter(TimeSpan.FromSeconds(seconds));
        try
        {
            await foreach (var view in hub.WatchAsync(id, window.Token))
            {
                // awaited one by one, so they arrive in order (IProgress.Report sends without waiting)
                if (progress is { } token && (last is null || JobWatchHub.Changed(last, view)))
                {
                    await request.Server.NotifyProgressAsync(token, new ProgressNotificationValue
                    {
                        Progress = (float)view.Percent,
                        Total = 100,
                        Message = $"{view.Status.Key()} {view.Percent:0.#}%",
                    }, cancellationToken: window.Token);
                }

                last = view;
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            // the window closed first: answer with the job as it is
        }

        var now = await grains.GetGrain<IVideoJobGrain>(id).Get() ?? throw NotFound(id);
        return JobMapping.ToJob(now, links);
    });

    /// <summary>The caller's API key (idempotency keys are per API key); null for an open loopback server.</summary>
    private string? ApiKey => http.HttpContext?.Request.Headers[Access.Header].FirstOrDefault();

    private static JobState StateNamed(string? state) => (state ?? "").Trim().ToLowerInvariant() switch
    {
        "" => JobState.Unspecified,
        "submitted" => JobState.Submitted,
        "running" => JobState.Running,
        "completed" => JobState.Completed,
        "failed" => JobState.Failed,
        "cancelled" => JobState.Cancelled,
        _ => throw new ClipperException(ErrorCode.BadOption,
            $"state must be submitted, running, completed, failed or cancelled, got \"{state}\""),
    };

    private static ClipperException NotFound(string jobId) => new(ErrorCode.JobNotFound, $"no job {jobId}");

    /// <summary>The message as the tool's JSON result; a Clipper error as a tool error starting with its code.</summary>
    private async Task<CallToolResult> Answer(Func<Task<IMessage>> call)
    {
        try
        {
            var json = Json.Format(await call());
            return new CallToolResult
            {
                Content = [new TextContentBlock { Text = json }],
                StructuredContent = JsonDocument.Parse(json).RootElement.Clone(),
            };
        }
        catch (ClipperException e)
        {
            return Error($"{e.Code.Code()}: {e.Message}");
        }
        catch (Exception e) when (e is TimeoutException || e is OrleansException)
        {
            return Error($"{ErrorCode.ServiceUnreachable.Code()}: the cluster did not answer in time ({e.Message})");
        }
    }

    private static CallToolResult Error(string text) => new() { IsError = true, Content = [new TextContentBlock { Text = text }] };
}
