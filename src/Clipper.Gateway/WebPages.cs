using System.Text.Json.Nodes;
using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Webhooks;
using Clipper.Abstractions.Work;
using Clipper.Core.Errors;
using Clipper.Core.Storage;
using Clipper.Gateway.Errors;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Clipper.Gateway;

/// <summary>
/// Clipper's own pages on the web port: <c>/jobs</c> (every job, updating live) and <c>/jobs/{id}</c> (stage
/// timeline, units of work with attempts and errors, each clip with its thumbnail, scores and a player), the JSON
/// they read (<c>/api/jobs</c> and <c>/api/jobs/{id}</c>; <c>/api/jobs/events</c> and <c>/api/jobs/{id}/events</c>,
/// the list's and the job's changes as server-sent events) and the clips' files (<c>/files/jobs/…</c>).
/// </summary>
public static class WebPages
{
    private static readonly JsonFormatter Proto = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect("/jobs"));
        app.MapGet("/jobs", () => Page("jobs.html"));
        app.MapGet("/jobs/{id}", (string id) => Page("job.html"));
        app.MapGet("/web/{file}", (string file) => Asset(file));
        app.MapGet("/api/jobs", ListAsync);
        app.MapGet("/api/jobs/events", ListEventsAsync);
        app.MapGet("/api/jobs/{id}", DetailAsync);
        app.MapGet("/api/jobs/{id}/events", EventsAsync);
        app.MapGet("/api/jobs/{id}/webhooks", WebhooksAsync);
        app.MapGet("/api/jobs/{id}/ranking", RankingAsync);
        app.MapGet("/files/{**blob}", FileAsync);
    }

    private static int PageSize(HttpContext http) =>
        int.TryParse(http.Request.Query["pageSize"], out var n) ? Math.Clamp(n, 1, 500) : 100;

    private static async Task<IResult> ListAsync(HttpContext http, IGrainFactory grains, ArtifactLinks links, OperationsFigures figures)
    {
        int size = PageSize(http);
        var (views, _) = await JobMapping.ListAsync(grains, size, null, []);
        var jobs = new JsonArray();
        foreach (var v in views)
        {
            jobs.Add(JsonNode.Parse(Proto.Format(JobMapping.ToJob(v, links))));
        }

        var head = OperationsFigures.ToJson(await figures.ReadAsync(http.RequestAborted));
        return Results.Text(new JsonObject { ["jobs"] = jobs, ["figures"] = head }.ToJsonString(), "application/json");
    }

    private static async Task<IResult> DetailAsync(string id, IGrainFactory grains, ArtifactLinks links)
    {
        var v = await grains.GetGrain<IVideoJobGrain>(id).Get();
        if (v is null)
        {
            return HttpErrors.Result(new ClipperException(ErrorCode.JobNotFound, $"no job {id}"));
        }

        return Results.Text(Detail(v, links).ToJsonString(), "application/json");
    }

    /// <summary>
    /// The job's webhook deliveries, per endpoint (its URL, never its secrets): counts, the next attempt and the latest
    /// attempts (status, latency, the answer's start).
    /// </summary>
    private static async Task<IResult> WebhooksAsync(string id, IGrainFactory grains)
    {
        var v = await grains.GetGrain<IVideoJobGrain>(id).Get();
        if (v is null)
        {
            return HttpErrors.Result(new ClipperException(ErrorCode.JobNotFound, $"no job {id}"));
        }

        var endpoints = new JsonArray();
        for (int n = 0; n < (v.Spec?.Endpoints().Count ?? 0); n++)
        {
            var d = await WebhookOutboxes.Of(grains, id, n).Deliveries();
            endpoints.Add(new JsonObject
            {
                ["url"] = v.Spec!.Endpoints()[n].Url,
                ["events"] = d?.Events ?? 0,
                ["delivered"] = d?.Delivered ?? 0,
                ["gaveUp"] = d?.GaveUp ?? 0,
                ["settled"] = d?.Settled ?? true,
                ["nextEventId"] = d?.NextEventId,
                ["nextAttemptAt"] = d?.NextAttemptAt?.ToUnixTimeMilliseconds(),
                ["attempts"] = new JsonArray([.. (d?.Attempts ?? []).Select(a => (JsonNode)new JsonObject
                {
                    ["eventId"] = a.EventId,
                    ["type"] = a.Type,
                    ["at"] = a.At.ToUnixTimeMilliseconds(),
                    ["status"] = a.Status,
                    ["milliseconds"] = a.Milliseconds,
                    ["excerpt"] = a.Excerpt,
                })]),
            });
        }

        return Results.Text(new JsonObject { ["endpoints"] = endpoints }.ToJsonString(), "application/json");
    }

    /// <summary>
    /// The job's LLM ranking audit (<see cref="BlobLayout.LlmAudit"/>): the outcome, stamp, candidates, verdicts and the
    /// exact request and response, the key taken out when it was stored. 404 job_not_found for a job that is unknown or
    /// was not ranked by an LLM.
    /// </summary>
    private static async Task<IResult> RankingAsync(string id, IGrainFactory grains, IBlobStore blobs, HttpContext http)
    {
        var v = await grains.GetGrain<IVideoJobGrain>(id).Get();
        if (v?.Ranking?.AuditKey is not { } key || !await blobs.ExistsAsync(key, http.RequestAborted))
        {
            return HttpErrors.Result(new ClipperException(ErrorCode.JobNotFound, $"no LLM ranking audit for job {id}"));
        }

        return Results.Bytes(await blobs.GetBytesAsync(key, http.RequestAborted), "application/json");
    }

    /// <summary>
    /// The job's detail as server-sent events: one now, then one for each change the job pushes, ending with the job
    /// (the job page follows this instead of asking again and again).
    /// </summary>
    private static async Task EventsAsync(string id, HttpContext http, IGrainFactory grains, JobWatchHub hub, ArtifactLinks links)
    {
        var cancel = http.RequestAborted;
        if (await grains.GetGrain<IVideoJobGrain>(id).Get() is null)
        {
            await HttpErrors.WriteAsync(http.Response, new ClipperException(ErrorCode.JobNotFound, $"no job {id}"));
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        try
        {
            await foreach (var v in hub.WatchAsync(id, cancel))
            {
                await http.Response.WriteAsync($"data: {Detail(v, links).ToJsonString()}\n\n", cancel);
                await http.Response.Body.FlushAsync(cancel);
            }

            await http.Response.WriteAsync("event: end\ndata: {}\n\n", cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // the page went away
        }
    }

    /// <summary>
    /// The job list as server-sent events: <c>list</c> (the newest jobs, as <c>/api/jobs</c> gives them) once, then
    /// <c>job</c> (one job, as listed) for each change of a listed job and each job added; the list page follows this
    /// instead of asking again and again.
    /// </summary>
    /// <summary>
    /// The list's events ("list" once, then "job" per change) and the head figures ("figures" now and whenever they
    /// change), on one stream: two producers, one writer.
    /// </summary>
    private static async Task ListEventsAsync(HttpContext http, JobListFeed feed, OperationsFigures figures, ArtifactLinks links)
    {
        var cancel = http.RequestAborted;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var events = System.Threading.Channels.Channel.CreateUnbounded<(string Name, string Data)>(new() { SingleReader = true });
        async Task ListAsync()
        {
            await foreach (var e in feed.WatchAsync(PageSize(http), stop.Token))
            {
                events.Writer.TryWrite(e switch
                {
                    JobListFeed.Listed l => ("list", new JsonObject
                    {
                        ["jobs"] = new JsonArray([.. l.Jobs.Select(v => JsonNode.Parse(Proto.Format(JobMapping.ToJob(v, links))))]),
                    }.ToJsonString()),
                    JobListFeed.Changed c => ("job", Proto.Format(JobMapping.ToJob(c.Job, links))),
                    _ => throw new InvalidOperationException($"unknown list event {e}"),
                });
            }
        }

        async Task FiguresAsync()
        {
            await foreach (var f in figures.WatchAsync(stop.Token))
            {
                events.Writer.TryWrite(("figures", OperationsFigures.ToJson(f).ToJsonString()));
            }
        }

        var producers = Task.WhenAll(Produce(ListAsync), Produce(FiguresAsync));
        try
        {
            await foreach (var (name, data) in events.Reader.ReadAllAsync(stop.Token))
            {
                await http.Response.WriteAsync($"event: {name}\ndata: {data}\n\n", stop.Token);
                await http.Response.Body.FlushAsync(stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the page went away
        }
        finally
        {
            await stop.CancelAsync();
            await producers;
        }

        // a producer that fails ends the stream (the browser reconnects and gets the whole list again)
        async Task Produce(Func<Task> run)
        {
            try
            {
                await run();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                events.Writer.TryComplete(e);
            }
        }
    }

    private static JsonObject Detail(JobView v, ArtifactLinks links)
    {
        var timeline = new JsonArray();
        var starts = v.StageStartedAt.OrderBy(kv => kv.Value).ToList();
        for (int i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1].Value : v.FinishedAt ?? DateTimeOffset.UtcNow;
            bool terminal = Enum.TryParse<JobStatus>(starts[i].Key, true, out var st) && st.IsTerminal();
            timeline.Add(new JsonObject
            {
                ["stage"] = starts[i].Key,
                ["startedAt"] = starts[i].Value.ToUnixTimeMilliseconds(),
                ["seconds"] = terminal ? null : Math.Round((end - starts[i].Value).TotalSeconds, 1),
            });
        }

        var units = new JsonArray();
        var errors = v.LastErrors ?? new Dictionary<string, JobError>();
        foreach (var key in v.WorkSeconds.Keys.Union(v.Attempts.Keys).Union(errors.Keys).Union(v.WorkedOn.Keys)
                     .OrderBy(WorkOrder))
        {
            units.Add(new JsonObject
            {
                ["work"] = key,
                ["silo"] = v.WorkedOn.GetValueOrDefault(key),
                ["seconds"] = v.WorkSeconds.TryGetValue(key, out var s) ? Math.Round(s, 1) : null,
                ["failedAttempts"] = v.Attempts.GetValueOrDefault(key),
                ["lastError"] = errors.TryGetValue(key, out var e) ? ErrorJson(e) : null,
            });
        }

        var root = new JsonObject
        {
            ["job"] = JsonNode.Parse(Proto.Format(JobMapping.ToJob(v, links))),
            ["status"] = v.Status.ToString(),
            ["timeline"] = timeline,
            ["units"] = units,
            ["error"] = v.Error is null ? null : ErrorJson(v.Error),
        };
        return root;
    }

    private static JsonObject ErrorJson(JobError e) => new() { ["code"] = e.Code, ["message"] = e.Message, ["detail"] = e.Detail };

    /// <summary>Units in graph order: by stage, then clip.</summary>
    private static (int, int) WorkOrder(string key) =>
        WorkId.TryParse(key, out var id) ? ((int)id.Stage, id.Index) : (int.MaxValue, 0);

    /// <summary>A clip's file. Only job outputs are served; a blob kept as a local file is served with ranges (players seek).</summary>
    private static async Task<IResult> FileAsync(string blob, HttpContext http)
    {
        string key;
        try
        {
            key = BlobKeys.Check(blob);
        }
        catch (Exception)
        {
            return Results.NotFound();
        }

        if (!BlobLayout.IsJobOutput(key) || key.Contains("..", StringComparison.Ordinal))
        {
            return Results.NotFound();
        }

        var blobs = http.RequestServices.GetRequiredService<IBlobStore>();
        var type = Path.GetExtension(key) switch
        {
            ".mp4" => "video/mp4",
            ".jpg" => "image/jpeg",
            ".vtt" => "text/vtt; charset=utf-8",
            ".srt" => "application/x-subrip; charset=utf-8",
            ".json" => "application/json",
            _ => "application/octet-stream",
        };
        if (blobs.TryGetLocalPath(key, out var path))
        {
            return File.Exists(path) ? Results.File(path, type, enableRangeProcessing: true) : Results.NotFound();
        }

        if (!await blobs.ExistsAsync(key, http.RequestAborted))
        {
            return Results.NotFound();
        }

        // captions come from this origin (a <track> from another one needs CORS); the rest from blob storage
        // (ranges included) through a short-lived read-only link
        return Path.GetExtension(key) is ".vtt" or ".srt" or ".json"
            ? Results.Bytes(await blobs.GetBytesAsync(key, http.RequestAborted), type)
            : Results.Redirect(blobs.Url(key, TimeSpan.FromMinutes(15)).ToString());
    }

    private static IResult Page(string name) => Results.Text(Resource(name), "text/html; charset=utf-8");

    private static IResult Asset(string file) => file switch
    {
        "clipper.js" => Results.Text(Resource(file), "text/javascript; charset=utf-8"),
        "clipper.css" => Results.Text(Resource(file), "text/css; charset=utf-8"),
        _ => Results.NotFound(),
    };

    private static readonly Dictionary<string, string> Cache = [];

    private static string Resource(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var text))
            {
                using var stream = typeof(WebPages).Assembly.GetManifestResourceStream("web/" + name)
                    ?? throw new InvalidOperationException($"web/{name} is missing from the build");
                text = new StreamReader(stream).ReadToEnd();
                Cache[name] = text;
            }

            return text;
        }
    }
}
