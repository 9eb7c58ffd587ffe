using System.Net;
using Clipper.Core.Configuration;
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

    /// <summary>The largest gRPC message accepted (an upload's data chunk is one message; the CLI sends 1 MiB).</summary>
    public int MaxMessageBytes { get; set; } = 8 << 20;

    /// <summary>How often the /jobs page's head figures (read from this server's metrics) are looked at; sent when they change.</summary>
    public TimeSpan FiguresInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>/health/ready and gRPC health are ready when the job list answers within this.</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a stopping silo keeps serving with /health/ready already false, before its web and gRPC servers stop:
    /// time for a load balancer (Kubernetes endpoints) to stop sending it new calls. Part of the host's shutdown timeout.
    /// None by default (nothing balances a hand-started silo); the chart sets it.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    /// <summary>The web address clients are given in artifact URLs; default http://{Web}.</summary>
    public string? PublicWebUrl { get; set; }

    public string WebBase => (PublicWebUrl ?? $"http://{Web}").TrimEnd('/');

    /// <summary>Records every setting out of range, by its key under <see cref="Section"/>.</summary>
    public void Check(OptionChecks c)
    {
        const string HostPort = "must be HOST:PORT (HOST an IP address, localhost or *)";
        c.Require(TryParse(Grpc) is not null, nameof(Grpc), $"{HostPort}, got \"{Grpc}\"");
        c.Require(TryParse(Web) is not null, nameof(Web), $"{HostPort}, got \"{Web}\"");
        c.Require(ApiKeys.All(k => !string.IsNullOrWhiteSpace(k)), nameof(ApiKeys), "must not hold an empty key");
        c.AtLeast(MaxUploadBytes, 1, nameof(MaxUploadBytes));
        c.AtLeast(MaxMessageBytes, 64 << 10, nameof(MaxMessageBytes));
        c.Positive(WatchRenewal, nameof(WatchRenewal));
        c.Positive(ReadyTimeout, nameof(ReadyTimeout));
        c.Positive(FiguresInterval, nameof(FiguresInterval));
        c.Require(DrainDelay >= TimeSpan.Zero && DrainDelay <= TimeSpan.FromSeconds(20), nameof(DrainDelay),
            $"must be between 00:00:00 and 00:00:20 (it is spent inside the host's 30 s shutdown timeout), got {DrainDelay}");
        c.Require(PublicWebUrl is null || (Uri.TryCreate(PublicWebUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"),
            nameof(PublicWebUrl), $"must be an absolute http(s) URL, got \"{PublicWebUrl}\"");
    }

    public static IPEndPoint Parse(string hostPort, string what) =>
        TryParse(hostPort) ?? throw new ClipperException(ErrorCode.BadOption, $"{what} must be HOST:PORT (HOST an IP address, localhost or *), got \"{hostPort}\"");

    private static IPEndPoint? TryParse(string hostPort)
    {
        int colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort.AsSpan(colon + 1), out int port) || port is < 0 or > 65535)
        {
            return null;
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

        return IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : null;
    }
}
