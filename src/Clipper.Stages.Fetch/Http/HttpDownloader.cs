using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using Clipper.Core.Errors;

namespace Clipper.Stages.Fetch;

/// <summary>
/// Streams an http(s) URL to a file: follows redirects itself so that every hop passes <see cref="UrlGuard"/>,
/// enforces the size limit on the declared length and on the bytes actually received, times out a silent
/// server, and hashes as it writes.
/// </summary>
internal sealed class HttpDownloader : IDisposable
{
    private const string UserAgent = "Clipper/0.1";

    private readonly FetchOptions options;
    private readonly UrlGuard guard;
    private readonly HttpClient client;

    /// <summary>False when the caller's handler has no <see cref="SocketsHttpHandler"/> we can guard at connect time.</summary>
    private readonly bool guardedAtConnect;

    public HttpDownloader(FetchOptions options, UrlGuard guard, HttpMessageHandler? handler)
    {
        this.options = options;
        this.guard = guard;
        bool owned = handler is null;
        handler ??= new SocketsHttpHandler();
        var sockets = Innermost(handler);
        if (sockets is not null)
        {
            // Redirects are followed here, not by the handler, so each hop passes the guard; no proxy, because
            // the address check only means something when we connect ourselves.
            sockets.AllowAutoRedirect = false;
            sockets.UseProxy = false;
            sockets.AutomaticDecompression = DecompressionMethods.None;
            sockets.ConnectTimeout = Timeout.InfiniteTimeSpan; // the connector keeps its own
            sockets.ConnectCallback = new GuardedConnector(guard, options.ConnectTimeout).ConnectAsync;
            guardedAtConnect = true;
        }

        client = new HttpClient(handler, disposeHandler: owned) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>A finished download.</summary>
    public sealed record Download(Uri FinalUrl, long Bytes, string Sha256);

    /// <param name="headers">Request headers a site asks for (yt-dlp's <c>http_headers</c>: its User-Agent, Referer, …).</param>
    public async Task<Download> DownloadAsync(Uri url, string target, Action<double> progress, CancellationToken cancel,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var current = url;
        for (int hop = 0; ; hop++)
        {
            using var response = await SendAsync(url, current, hop, headers, cancel).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308)
            {
                var location = response.Headers.Location
                    ?? throw Failed($"the server at {HostPort(current)} redirected without saying where");
                if (hop >= options.MaxRedirects)
                {
                    throw Failed($"the URL {UrlGuard.Show(url)} redirected more than {options.MaxRedirects} times");
                }

                current = location.IsAbsoluteUri ? location : new Uri(current, location);
                continue;
            }

            if (status is 401 or 403 or 404 or 410)
            {
                // The server has answered for good; asking again will not change its mind.
                var what = status is 404 or 410
                    ? $"the server has no video at {UrlGuard.Show(current)} (HTTP {status})"
                    : $"the server at {HostPort(current)} refused access to {UrlGuard.Show(current)} (HTTP {status}); give a link that needs no login";
                throw new ClipperException(ErrorCode.DownloadFailed, what) { PermanentOverride = true };
            }

            if (status != 200)
            {
                throw Failed($"the server at {HostPort(current)} answered HTTP {status} for {UrlGuard.Show(current)}");
            }

            var type = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant();
            if (type is "text/html" or "application/xhtml+xml")
            {
                throw new ClipperException(ErrorCode.NotAVideo, $"the URL {UrlGuard.Show(current)} leads to a web page ({type}), "
                    + "not to a video file: give a direct link to the video");
            }

            long declared = response.Content.Headers.ContentLength ?? -1;
            if (declared > options.MaxSourceBytes)
            {
                throw TooLarge(current, $"declares {declared} bytes");
            }

            return await StreamAsync(current, response, declared, target, progress, cancel).ConfigureAwait(false);
        }
    }

    public void Dispose() => client.Dispose();

    private async Task<HttpResponseMessage> SendAsync(Uri first, Uri url, int hop, IReadOnlyDictionary<string, string>? headers,
        CancellationToken cancel)
    {
        try
        {
            guard.CheckUrl(url);
            if (!guardedAtConnect)
            {
                // Without a connection callback of ours this is the best we can do: the handler resolves again.
                await guard.CheckAsync(url, cancel).ConfigureAwait(false);
            }
        }
        catch (ClipperException e) when (hop > 0)
        {
            throw Redirected(first, e);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("video/*"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*", 0.8));
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            // the bytes are taken as they come (no decompression), and Accept stays ours
            if (!name.Equals("Accept-Encoding", StringComparison.OrdinalIgnoreCase) && !name.Equals("Accept", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (request.Headers.UserAgent.Count == 0)
        {
            request.Headers.UserAgent.ParseAdd(UserAgent);
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        // The connector has its own connect limit; after it, the server has the read timeout to answer.
        deadline.CancelAfter(options.ConnectTimeout + options.ReadTimeout);
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (cancel.IsCancellationRequested)
        {
            throw new ClipperException(ErrorCode.Cancelled, $"the download of {UrlGuard.Show(first)} was cancelled", inner: e);
        }
        catch (Exception e) when (Find<ClipperException>(e) is { } inner)
        {
            // The connector refused or failed; say which hop it was.
            throw hop > 0 && inner.Code is ErrorCode.UrlBlocked or ErrorCode.UnsupportedUrl ? Redirected(first, inner) : inner;
        }
        catch (OperationCanceledException e)
        {
            throw Failed($"{HostPort(url)} did not answer within {Durations.Show(options.ReadTimeout)}", e);
        }
        catch (HttpRequestException e) when (Find<SocketException>(e) is { } socket && e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw Failed($"could not connect to {HostPort(url)} ({socket.Message})", e);
        }
        catch (HttpRequestException e)
        {
            throw Failed($"the request to {HostPort(url)} failed: {Reason(e)}", e);
        }
    }

    private async Task<Download> StreamAsync(Uri url, HttpResponseMessage response, long declared, string target,
        Action<double> progress, CancellationToken cancel)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long total = 0;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        Stream body;
        FileStream output;
        try
        {
            body = await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
            output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClipperException(ErrorCode.StorageFailed, $"cannot write the download to {target}: {e.Message}", inner: e);
        }

        await using (body.ConfigureAwait(false))
        await using (output.ConfigureAwait(false))
        {
            while (true)
            {
                int n;
                idle.CancelAfter(options.ReadTimeout);
                try
                {
                    n = await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (cancel.IsCancellationRequested)
                {
                    throw new ClipperException(ErrorCode.Cancelled, $"the download of {UrlGuard.Show(url)} was cancelled", inner: e);
                }
                catch (OperationCanceledException e)
                {
                    throw Failed($"{HostPort(url)} sent nothing for {Durations.Show(options.ReadTimeout)} after {total} bytes", e);
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    throw Failed($"the download from {HostPort(url)} broke off after {total} bytes: {Reason(e)}", e);
                }

                if (n == 0)
                {
                    break;
                }

                total += n;
                if (total > options.MaxSourceBytes)
                {
                    throw TooLarge(url, $"sent more than {options.MaxSourceBytes} bytes");
                }

                try
                {
                    await output.WriteAsync(buffer.AsMemory(0, n), cancel).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new ClipperException(ErrorCode.StorageFailed, $"cannot write the download to {target}: {e.Message}", inner: e);
                }

                sha.AppendData(buffer, 0, n);
                if (declared > 0)
                {
                    progress((double)total / declared);
                }
            }
        }

        if (declared >= 0 && total != declared)
        {
            throw Failed($"the connection to {HostPort(url)} closed after {total} of {declared} bytes");
        }

        progress(1.0);
        return new Download(url, total, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private static SocketsHttpHandler? Innermost(HttpMessageHandler handler)
    {
        while (handler is DelegatingHandler { InnerHandler: { } inner })
        {
            handler = inner;
        }

        return handler as SocketsHttpHandler;
    }

    private static T? Find<T>(Exception e)
        where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static ClipperException Redirected(Uri first, ClipperException e) =>
        new(e.Code, $"{UrlGuard.Show(first)} redirected to a URL that cannot be fetched; {e.Message}", e.Detail, e);

    private ClipperException TooLarge(Uri url, string what) =>
        new(ErrorCode.SourceTooLarge, $"the download from {UrlGuard.Show(url)} {what}; the limit is {options.MaxSourceBytes} bytes");

    private static ClipperException Failed(string message, Exception? inner = null) =>
        new(ErrorCode.DownloadFailed, message, inner: inner);

    private static string HostPort(Uri url) => url.IsDefaultPort ? url.IdnHost : $"{url.IdnHost}:{url.Port}";

    private static string Reason(Exception e)
    {
        var innermost = e;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return string.IsNullOrWhiteSpace(innermost.Message) ? innermost.GetType().Name : innermost.Message;
    }
}
