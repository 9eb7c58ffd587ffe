using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Webhooks;
using Clipper.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Clipper.Grains.Webhooks;

/// <summary>
/// The job's side of its webhooks: after each save it hands the events its state now implies to each endpoint's
/// outbox, which keeps them durably and returns at once (delivery is the outbox's). Events an outbox did not take
/// (its silo was away) are handed over again at the next save or activation; the ids make that harmless.
/// </summary>
public sealed class JobWebhooks(IGrainFactory grains, IBlobStore blobs, TimeSpan linkExpiry, TimeProvider clock, ILogger log)
{
    private readonly HashSet<string> _told = new(StringComparer.Ordinal);

    public async Task TellAsync(string jobId, JobState s)
    {
        var endpoints = s.Spec?.Endpoints() ?? [];
        if (endpoints.Count == 0)
        {
            return;
        }

        var events = WebhookEvents.Of(jobId, s, Link, clock.GetUtcNow()).Where(e => !_told.Contains(e.Id)).ToList();
        if (events.Count == 0)
        {
            return;
        }

        try
        {
            await Task.WhenAll(endpoints.Select((endpoint, n) => WebhookOutboxes.Of(grains, jobId, n).Append(endpoint, events)));
            _told.UnionWith(events.Select(e => e.Id));
        }
        catch (Exception e)
        {
            log.LogWarning(e, "job {Job}: {Count} webhook event(s) not yet in the outbox; handed over again at the next save", jobId, events.Count);
        }
    }

    /// <summary>A signed URL where the store signs (Azure: SAS); null for a store that only has local files.</summary>
    private string? Link(string blob)
    {
        try
        {
            var url = blobs.Url(blob, linkExpiry);
            return url.Scheme is "http" or "https" ? url.AbsoluteUri : null;
        }
        catch (Exception)
        {
            return null;
        }
    }
}
