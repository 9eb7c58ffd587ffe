using System.Net;
using Clipper.Core.Errors;

namespace Clipper.Gateway;

/// <summary>
/// The gateway's settings ("Clipper:Gateway"; CLIPPER_GRPC, CLIPPER_WEB and CLIPPER_API_KEYS override).
/// </summary>
public sealed class GatewayOptions
{
    public const string Section = "Clipper:Gateway";

    /// <summary>Where gRPC (HTTP/2 without TLS) listens, HOST:PORT.</summary>
    public string Grpc { get; set; } = "127.0.0.1:7070";

    /// <summary>Where the web pages, the dashboard, /metrics and /health listen (HTTP/1.1), HOST:PORT.</summary>
    public string Web { get; set; } = "127.0.0.1:8080";

    /// <summary>
    /// Keys a caller may present in the <c>x-api-key</c> header (or, in a browser, <c>?key=</c> once, kept in a
    /// cookie). With none configured only loopback callers are served.
    /// </summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>The largest upload accepted, in bytes (default 4 GiB).</summary>
    public long MaxUploadBytes { get; set; } = 4L << 30;

    /// <summary>
    /// How often this server renews its subscription to a watched job (changes are pushed by the job; the renewal keeps
    /// the subscription alive and finds a job that moved to another silo). Keep it under Clipper:Job:WatcherExpiry.
    /// </summary>
    public TimeSpan WatchRenewal { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The web address clients are given in artifact URLs; default http://{Web}.</summary>
    public string? PublicWebUrl { get; set; }

    public string WebBase => (PublicWebUrl ?? $"http://{Web}").TrimEnd('/');

    public static IPEndPoint Parse(string hostPort, string what)
    {
        int colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort.AsSpan(colon + 1), out int port) || port is < 0 or > 65535)
        {
            throw new ClipperException(ErrorCode.BadOption, $"{what} must be HOST:PORT, got \"{hostPort}\"");
        }

        var host = hostPort[..colon].Trim('[', ']');
        if (host is "localhost")
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        if (host is "*" or "0.0.0.0")
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        return IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port)
            : throw new ClipperException(ErrorCode.BadOption, $"{what} host must be an IP address, localhost or *, got \"{host}\"");
    }
}
