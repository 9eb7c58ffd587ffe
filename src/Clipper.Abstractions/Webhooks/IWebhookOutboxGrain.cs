using Clipper.Abstractions.Jobs;
using Orleans.Concurrency;

namespace Clipper.Abstractions.Webhooks;

/// <summary>
/// The durable outbox of one job's callback endpoint, keyed "<c>{jobId}/{n}</c>" (n: the endpoint's place in the
/// job's spec). The job appends its events; the outbox keeps them in its state and delivers them in order, at least
/// once, retrying with backoff, with a reminder while any is undelivered. Appending never waits on the receiver.
/// </summary>
[Alias("clipper.IWebhookOutboxGrain")]
public interface IWebhookOutboxGrain : IGrainWithStringKey
{
    /// <summary>Adds the events whose ids it does not hold yet (in the order given) and returns how many it holds.</summary>
    [AlwaysInterleave, Alias("Append")]
    Task<int> Append(Webhook endpoint, IReadOnlyList<WebhookEvent> events);

    /// <summary>Sends every event again from the first, with the same ids; returns how many will be sent.</summary>
    [AlwaysInterleave, Alias("Redeliver")]
    Task<int> Redeliver();

    /// <summary>The endpoint's deliveries so far; null when nothing was ever appended.</summary>
    [AlwaysInterleave, Alias("Deliveries")]
    Task<WebhookDeliveries?> Deliveries();
}

public static class WebhookOutboxes
{
    /// <summary>The outbox's key for a job's n-th endpoint.</summary>
    public static string Key(string jobId, int n) => $"{jobId}/{n}";

    public static IWebhookOutboxGrain Of(IGrainFactory grains, string jobId, int n) =>
        grains.GetGrain<IWebhookOutboxGrain>(Key(jobId, n));
}
