using Clipper.Core.Errors;

namespace Clipper.Stages.Fetch.Webhooks;

/// <summary>
/// The checks a callback endpoint passes before a job takes it: an absolute http(s) URL and <c>whsec_</c> secrets
/// (<c>bad_option</c> otherwise), and an address the SSRF rule allows (<c>url_blocked</c>): the same
/// <see cref="UrlGuard"/> the fetch stage uses, with <see cref="WebhookOptions.AllowPrivateAddresses"/>. The rule is
/// checked again at every connection (<see cref="WebhookSender"/>). Messages never hold a secret.
/// </summary>
public static class WebhookEndpoints
{
    public const int MaxPerJob = 10;

    public static UrlGuard Guard(WebhookOptions options) =>
        new(new FetchOptions { AllowPrivateAddresses = options.AllowPrivateAddresses });

    /// <summary>Checks one endpoint completely (its form, then its host's addresses).</summary>
    public static async Task CheckAsync(string url, IReadOnlyList<string> secrets, UrlGuard guard, CancellationToken cancel)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw new ClipperException(ErrorCode.BadOption, $"a webhook URL must be an absolute http(s) URL, got \"{url}\"");
        }

        if (secrets.Count == 0)
        {
            throw new ClipperException(ErrorCode.BadOption, $"the webhook {url} needs a secret (whsec_ followed by base64)");
        }

        if (!secrets.All(WebhookSigner.IsSecret))
        {
            throw new ClipperException(ErrorCode.BadOption,
                $"a secret of the webhook {url} is not whsec_ followed by base64 of at least 16 bytes (the value is not shown)");
        }

        try
        {
            await guard.CheckAsync(uri, cancel);
        }
        catch (ClipperException e) when (e.Code == ErrorCode.UrlBlocked)
        {
            throw new ClipperException(ErrorCode.UrlBlocked,
                $"webhook: {e.Message} (for callbacks the setting is Clipper:Webhooks:AllowPrivateAddresses)");
        }
        catch (ClipperException e) when (e.Code is ErrorCode.UnsupportedUrl or ErrorCode.DownloadFailed)
        {
            throw new ClipperException(ErrorCode.BadOption, $"webhook: {e.Message}");
        }
    }
}
