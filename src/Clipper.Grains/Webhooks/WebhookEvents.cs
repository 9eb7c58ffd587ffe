using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Webhooks;

namespace Clipper.Grains.Webhooks;

/// <summary>
/// A job's webhook events as its state says they happened: <c>job.started</c> once submitted, <c>job.stage</c> for
/// each working status entered, <c>clip.ready</c> for each encoded clip, then <c>job.completed</c>, <c>job.failed</c>
/// or <c>job.cancelled</c>. Derived from the state alone, with ids that depend only on the job and what happened, so
/// deriving again (after a save, a crash, a redelivery) gives the same ids and the outbox keeps each event once.
/// </summary>
public static class WebhookEvents
{
    public static readonly JobStatus[] Working =
        [JobStatus.Fetching, JobStatus.Transcribing, JobStatus.Scoring, JobStatus.Tracking, JobStatus.Encoding];

    /// <summary>The events of <paramref name="s"/>; <paramref name="link"/> gives a blob's signed URL, or null when the store signs none.</summary>
    public static IReadOnlyList<WebhookEvent> Of(string jobId, JobState s, Func<string, string?> link, DateTimeOffset now)
    {
        var events = new List<WebhookEvent>();
        if (!s.IsSubmitted || s.Spec is null)
        {
            return events;
        }

        events.Add(Make(jobId, "job.started", "", s.SubmittedAt, Data(jobId, s, JobStatus.Submitted)));
        foreach (var status in Working)
        {
            if (s.StageStartedAt.TryGetValue(status.Key(), out var at))
            {
                var data = Data(jobId, s, status);
                data["stage"] = status.Key();
                events.Add(Make(jobId, "job.stage", status.Key(), at, data));
            }
        }

        foreach (var clip in (s.Clips ?? []).Where(c => s.Encoded.ContainsKey(c.Index)).OrderBy(c => c.Index))
        {
            var data = Data(jobId, s, JobStatus.Encoding);
            data["clip"] = Clip(clip, s.Encoded[clip.Index], link);
            events.Add(Make(jobId, "clip.ready", clip.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), now, data));
        }

        if (s.IsTerminal)
        {
            var data = Data(jobId, s, s.Status);
            var type = s.Status switch
            {
                JobStatus.Completed => "job.completed",
                JobStatus.Failed => "job.failed",
                _ => "job.cancelled",
            };
            if (s.Status == JobStatus.Completed)
            {
                data["clips"] = new JsonArray([.. (s.Clips ?? []).Where(c => s.Encoded.ContainsKey(c.Index)).OrderBy(c => c.Index)
                    .Select(c => (JsonNode)Clip(c, s.Encoded[c.Index], link))]);
            }

            if (s.Error is { } e)
            {
                data["error"] = new JsonObject { ["code"] = e.Code, ["message"] = e.Message };
            }

            events.Add(Make(jobId, type, "", s.FinishedAt ?? now, data));
        }

        return events;
    }

    /// <summary>An event's id: "msg_" and 32 hex digits of a hash of the job, the type and what it is about.</summary>
    public static string Id(string jobId, string type, string about) =>
        "msg_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{jobId}\n{type}\n{about}")).AsSpan(0, 16));

    private static WebhookEvent Make(string jobId, string type, string about, DateTimeOffset at, JsonObject data)
    {
        var body = new JsonObject
        {
            ["type"] = type,
            ["timestamp"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["data"] = data,
        };
        return new WebhookEvent(Id(jobId, type, about), type, body.ToJsonString(), at);
    }

    private static JsonObject Data(string jobId, JobState s, JobStatus status) => new()
    {
        ["job_id"] = jobId,
        ["status"] = status.Key(),
        ["source"] = s.Spec!.Input,
        ["submitted_at"] = s.SubmittedAt.ToUnixTimeMilliseconds(),
    };

    private static JsonObject Clip(ClipPlan c, EncodeResult e, Func<string, string?> link)
    {
        var clip = ClipFiles(c, e, link);
        if (e.Renditions is { Length: > 0 } renditions)
        {
            // the job's other ratios of the clip (--ratio 9:16,1:1)
            clip["renditions"] = new JsonArray([.. renditions.Select(r => (JsonNode)new JsonObject
            {
                ["ratio"] = Clipper.Core.Clips.AspectRatio.NameOf(r.Width, r.Height),
                ["width"] = r.Width,
                ["height"] = r.Height,
                ["video"] = File(r.VideoKey, link),
                ["thumbnail"] = File(r.ThumbnailKey, link),
            })]);
        }

        return clip;
    }

    private static JsonObject ClipFiles(ClipPlan c, EncodeResult e, Func<string, string?> link) => new()
    {
        ["rank"] = c.Index,
        ["start"] = c.Start,
        ["end"] = c.End,
        ["duration"] = e.Duration,
        ["score"] = c.Score,
        ["title"] = c.Title,
        ["reason"] = c.Reason,
        ["video"] = File(e.VideoKey, link),
        ["thumbnail"] = File(e.ThumbnailKey, link),
        ["srt"] = File(e.SrtKey, link),
        ["vtt"] = File(e.VttKey, link),
    };

    private static JsonObject File(string blob, Func<string, string?> link)
    {
        var o = new JsonObject { ["blob"] = blob };
        if (link(blob) is { } url)
        {
            o["url"] = url;
        }

        return o;
    }
}
