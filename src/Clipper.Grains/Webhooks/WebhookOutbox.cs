using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Webhooks;
using Clipper.Stages.Fetch.Webhooks;

namespace Clipper.Grains.Webhooks;

/// <summary>
/// The outbox's rules, on its state alone (no Orleans, no clock): events kept once by id in the order they came,
/// delivered one at a time in that order; a failed attempt waits <see cref="WebhookOptions.RetryDelay"/>, and an event
/// still failing <see cref="WebhookOptions.RetryFor"/> after its first failure is given up so the next can go.
/// </summary>
public static class WebhookOutbox
{
    /// <summary>Adds the events not held yet; returns how many were added.</summary>
    public static int Append(WebhookOutboxState s, Webhook endpoint, IEnumerable<WebhookEvent> events)
    {
        s.Endpoint ??= endpoint;
        var held = s.Events.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        int added = 0;
        foreach (var e in events)
        {
            if (held.Add(e.Id))
            {
                s.Events.Add(e);
                added++;
            }
        }

        return added;
    }

    public static bool Pending(WebhookOutboxState s) => s.Endpoint is not null && s.Next < s.Events.Count;

    /// <summary>The event to send now; null when none is pending or the next one is backing off.</summary>
    public static WebhookEvent? Due(WebhookOutboxState s, DateTimeOffset now) =>
        Pending(s) && (s.RetryAt is null || s.RetryAt <= now) ? s.Events[s.Next] : null;

    /// <summary>Records an attempt at <paramref name="e"/>; moves on after a 2xx, or backs off (or gives up) after anything else.</summary>
    public static void Record(WebhookOutboxState s, WebhookEvent e, WebhookSendResult result, WebhookOptions options, double random)
    {
        var attempt = new WebhookAttempt(e.Id, e.Type, result.At, result.Status, Math.Round(result.Milliseconds, 1), result.Excerpt);
        s.Attempts.Add(attempt);
        if (s.Attempts.Count > options.AttemptsKept)
        {
            s.Attempts.RemoveRange(0, s.Attempts.Count - options.AttemptsKept);
        }

        if (!Pending(s) || s.Events[s.Next].Id != e.Id)
        {
            return; // redelivery began while this attempt was under way: the cursor is no longer at it
        }

        if (attempt.Delivered)
        {
            s.Delivered++;
            MoveOn(s);
            return;
        }

        s.Failures++;
        s.FirstFailure ??= result.At;
        var retryAt = result.At + options.RetryDelay(s.Failures, random);
        if (retryAt - s.FirstFailure.Value > options.RetryFor)
        {
            s.GaveUp++;
            MoveOn(s);
            return;
        }

        s.RetryAt = retryAt;
    }

    /// <summary>Starts over from the first event (same ids, same bodies); returns how many will be sent.</summary>
    public static int Redeliver(WebhookOutboxState s)
    {
        s.Next = 0;
        s.Delivered = 0;
        s.GaveUp = 0;
        s.Failures = 0;
        s.FirstFailure = null;
        s.RetryAt = null;
        return s.Endpoint is null ? 0 : s.Events.Count;
    }

    public static WebhookDeliveries? View(WebhookOutboxState s) => s.Endpoint is null ? null
        : new WebhookDeliveries(s.Endpoint.Url, s.Events.Count, s.Delivered, s.GaveUp, Pending(s) ? s.Events[s.Next].Id : null,
            Pending(s) ? s.RetryAt : null, [.. s.Attempts]);

    private static void MoveOn(WebhookOutboxState s)
    {
        s.Next++;
        s.Failures = 0;
        s.FirstFailure = null;
        s.RetryAt = null;
    }
}
