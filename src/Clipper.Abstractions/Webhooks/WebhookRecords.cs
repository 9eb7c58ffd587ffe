using Clipper.Abstractions.Jobs;

namespace Clipper.Abstractions.Webhooks;

// Wire and storage records of the webhook outbox. Never reorder or reuse a field.

/// <summary>
/// One event of a job, as it is sent: its stable id (the same on every retry and redelivery, so receivers
/// de-duplicate), its type ("job.started", "job.stage", "clip.ready", "job.completed", "job.failed", "job.cancelled")
/// and its JSON body, fixed when the event was made.
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.WebhookEvent")]
public sealed record WebhookEvent(string Id, string Type, string Body, DateTimeOffset At);

/// <summary>
/// One delivery attempt: the event, when it was made, the HTTP status (0 when no answer came: refused, timed out, blocked),
/// how long it took, and the start of the answer or the reason it failed (at most 200 characters).
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.WebhookAttempt")]
public sealed record WebhookAttempt(string EventId, string Type, DateTimeOffset At, int Status, double Milliseconds, string Excerpt)
{
    public bool Delivered => Status is >= 200 and < 300;
}

/// <summary>What is known of one endpoint's deliveries (its URL, never its secrets).</summary>
[GenerateSerializer, Immutable, Alias("clipper.WebhookDeliveries")]
public sealed record WebhookDeliveries(
    string Url,
    int Events,
    int Delivered,
    int GaveUp,
    string? NextEventId,
    DateTimeOffset? NextAttemptAt,
    IReadOnlyList<WebhookAttempt> Attempts)
{
    /// <summary>Every event made so far was delivered or given up.</summary>
    public bool Settled => Delivered + GaveUp >= Events;
}

/// <summary>The persisted outbox of one job's endpoint.</summary>
[GenerateSerializer, Alias("clipper.WebhookOutboxState")]
public sealed class WebhookOutboxState
{
    [Id(0)] public Webhook? Endpoint { get; set; }
    /// <summary>Every event, in the order the job made them.</summary>
    [Id(1)] public List<WebhookEvent> Events { get; set; } = [];
    /// <summary>The index of the next event to deliver; the ones before it were delivered or given up.</summary>
    [Id(2)] public int Next { get; set; }
    /// <summary>Failed attempts at the next event.</summary>
    [Id(3)] public int Failures { get; set; }
    /// <summary>When the first attempt at the next event failed (it is given up a retry window later).</summary>
    [Id(4)] public DateTimeOffset? FirstFailure { get; set; }
    /// <summary>When the next event may be tried again; null when it is due now.</summary>
    [Id(5)] public DateTimeOffset? RetryAt { get; set; }
    /// <summary>The latest attempts, oldest first, bounded.</summary>
    [Id(6)] public List<WebhookAttempt> Attempts { get; set; } = [];
    [Id(7)] public int Delivered { get; set; }
    [Id(8)] public int GaveUp { get; set; }
}
