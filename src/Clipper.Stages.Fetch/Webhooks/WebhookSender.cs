using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Clipper.Core.Errors;

namespace Clipper.Stages.Fetch.Webhooks;

/// <summary>
/// Sends one event to one endpoint, signed (Standard Webhooks headers), through a client whose connections pass the
/// SSRF rule at connect time (<see cref="GuardedConnector"/>, as the fetch stage's), follows no redirect, and gives up
/// after <see cref="WebhookOptions.AttemptTimeout"/>. Every outcome is an attempt to record, never an exception.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public const int ExcerptLength = 200;

    private readonly HttpClient _client;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _clock;

    public WebhookSender(WebhookOptions options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = new GuardedConnector(WebhookEndpoints.Guard(options), options.AttemptTimeout).ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Clipper-Webhooks", "1"));
    }

    /// <summary>POSTs <paramref name="body"/> as event <paramref name="id"/> to <paramref name="url"/>, signed with each secret.</summary>
    public async Task<WebhookSendResult> SendAsync(string url, IReadOnlyList<string> secrets, string id, string body, CancellationToken cancel)
    {
        var at = _clock.GetUtcNow();
        long timestamp = at.ToUnixTimeSeconds();
        var watch = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(_options.AttemptTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("webhook-id", id);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", WebhookSigner.Sign(id, timestamp, body, secrets));
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var excerpt = await ExcerptAsync(response, deadline.Token);
            return new WebhookSendResult(at, (int)response.StatusCode, watch.Elapsed.TotalMilliseconds, excerpt);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return Failed(at, watch, $"no answer within {_options.AttemptTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException x)
        {
            // the connect callback's refusal (url_blocked) or failure arrives wrapped
            var why = x.InnerException is ClipperException c ? $"{c.Code.Code()}: {c.Message}" : x.Message;
            return Failed(at, watch, why);
        }
    }

    public void Dispose() => _client.Dispose();

    private static WebhookSendResult Failed(DateTimeOffset at, Stopwatch watch, string why) =>
        new(at, 0, watch.Elapsed.TotalMilliseconds, Cut(why));

    private static async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancel);
            var buffer = new byte[ExcerptLength * 4];
            int read = 0, n;
            while (read < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(read), cancel)) > 0)
            {
                read += n;
            }

            return Cut(Encoding.UTF8.GetString(buffer, 0, read));
        }
        catch (Exception x) when (x is HttpRequestException or IOException)
        {
            return Cut($"(the answer's body could not be read: {x.Message})");
        }
    }

    private static string Cut(string s)
    {
        s = s.ReplaceLineEndings(" ").Trim();
        return s.Length <= ExcerptLength ? s : s[..(ExcerptLength - 1)] + "…";
    }
}

/// <summary>How one attempt went: when, the HTTP status (0: no answer), how long, and the answer's start or the failure (≤ 200 characters).</summary>
public sealed record WebhookSendResult(DateTimeOffset At, int Status, double Milliseconds, string Excerpt);
