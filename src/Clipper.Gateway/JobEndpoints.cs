using Clipper.Abstractions.Jobs;
using Clipper.Core.Errors;
using Clipper.Stages.Fetch.Webhooks;

namespace Clipper.Gateway;

/// <summary>The callback endpoints a new job takes, the same for the API and <c>clip</c>.</summary>
public static class JobEndpoints
{
    /// <summary>
    /// The endpoints given, each checked (<c>bad_option</c>, <c>url_blocked</c>: <see cref="WebhookEndpoints.CheckAsync"/>);
    /// none given: the operator's default (<see cref="WebhookOptions.DefaultUrl"/>, checked when the options were bound),
    /// or null when there is none.
    /// </summary>
    public static async Task<WebhookList?> ForJobAsync(WebhookOptions options, IEnumerable<(string Url, IReadOnlyList<string> Secrets)> given,
        CancellationToken cancel)
    {
        var endpoints = given.ToList();
        if (endpoints.Count == 0)
        {
            return options.DefaultUrl.Length == 0 ? null : new WebhookList([new Webhook(options.DefaultUrl, [options.DefaultSecret])]);
        }

        if (endpoints.Count > WebhookEndpoints.MaxPerJob)
        {
            throw new ClipperException(ErrorCode.BadOption, $"at most {WebhookEndpoints.MaxPerJob} webhooks per job, got {endpoints.Count}");
        }

        var guard = WebhookEndpoints.Guard(options);
        foreach (var (url, secrets) in endpoints)
        {
            await WebhookEndpoints.CheckAsync(url, secrets, guard, cancel).ConfigureAwait(false);
        }

        return new WebhookList([.. endpoints.Select(w => new Webhook(w.Url, [.. w.Secrets]))]);
    }
}
