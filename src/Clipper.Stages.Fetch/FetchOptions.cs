using System.Net;
using Clipper.Core.Errors;

namespace Clipper.Stages.Fetch;

/// <summary>
/// Operator limits for the fetch stage (bound from the "fetch" settings; defaults as the reference
/// configuration). The per-job minimum length travels in <see cref="FetchRequest"/>, because it is the job's
/// shortest clip.
/// </summary>
public sealed class FetchOptions
{
    /// <summary>Largest source accepted: the declared Content-Length, the bytes actually streamed, and local files alike.</summary>
    public long MaxSourceBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Longest source accepted.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromHours(3);

    /// <summary>Time allowed to open a connection (name lookup included).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for the response headers, and the longest pause between body bytes.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Redirects followed before giving up; every hop is checked by <see cref="UrlGuard"/>.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>
    /// Lets URLs reach loopback, private, link-local and other non-public addresses. Cloud metadata endpoints
    /// stay blocked whatever this says.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>Host names that may resolve to non-public addresses (an internal media server) without opening every private address.</summary>
    public IList<string> AllowedHosts { get; set; } = new List<string>();

    /// <summary>Host names that are always refused.</summary>
    public IList<string> BlockedHosts { get; set; } = new List<string>();

    /// <summary>An audio track whose loudest sample stays below this (dBFS) is silent.</summary>
    public double SilenceThresholdDb { get; set; } = -50;

    /// <summary>Largest side-car caption file picked up.</summary>
    public long MaxCaptionBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>
    /// A site's automatic captions (speech recognition) with fewer words per minute of video than this are not taken as
    /// the transcript: sparse auto captions mean music, noise or a recogniser that failed, and the local one runs.
    /// </summary>
    public double MinAutoCaptionWordsPerMinute { get; set; } = 40;

    /// <summary>Time limit of each ffprobe/ffmpeg check.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Resolves a host name to all its addresses; null means the system resolver. The address check and the
    /// connection both use this one answer. Tests set it to serve names without DNS.
    /// </summary>
    public Func<string, CancellationToken, Task<IPAddress[]>>? Resolve { get; set; }

    /// <summary>
    /// The yt-dlp program that reads links to pages (YouTube, Vimeo, Twitch VODs, a page with a video): a path or a
    /// name on PATH (CLIPPER_YTDLP). Empty: links to pages are refused with unsupported_url.
    /// </summary>
    public string YtDlp { get; set; } = "yt-dlp";

    /// <summary>A proxy for yt-dlp's metadata call only (http://, https:// or socks5://); the media bytes never use it.</summary>
    public string? MetadataProxy { get; set; }

    /// <summary>A Netscape cookies file for yt-dlp's metadata call (sites that ask to sign in or to confirm one's age).</summary>
    public string? CookiesFile { get; set; }

    /// <summary>The tallest video stream taken from a site (the audio is taken whole).</summary>
    public int MaxHeight { get; set; } = 1080;

    /// <summary>How long yt-dlp may take to read a page's metadata before the fetch fails (transient).</summary>
    public TimeSpan ResolveTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// For a link to a page whose site keeps video and audio apart: fetch the audio stream first (a few percent of the
    /// bytes) so that recognition starts on it while the video downloads. Off: the video and audio are fetched and merged
    /// first, as for every other input.
    /// </summary>
    public bool AudioFirst { get; set; } = true;

    /// <summary>Throws <see cref="ErrorCode.BadOption"/> naming the first setting that makes no sense.</summary>
    public FetchOptions Validate()
    {
        if (MaxSourceBytes <= 0)
        {
            Bad($"MaxSourceBytes must be positive, got {MaxSourceBytes}");
        }

        RequirePositive(MaxDuration, nameof(MaxDuration));
        RequirePositive(ConnectTimeout, nameof(ConnectTimeout));
        RequirePositive(ReadTimeout, nameof(ReadTimeout));
        RequirePositive(CheckTimeout, nameof(CheckTimeout));
        if (MaxRedirects < 0)
        {
            Bad($"MaxRedirects must not be negative, got {MaxRedirects}");
        }

        if (MaxCaptionBytes < 0)
        {
            Bad($"MaxCaptionBytes must not be negative, got {MaxCaptionBytes}");
        }

        RequirePositive(ResolveTimeout, nameof(ResolveTimeout));
        if (MaxHeight < 144)
        {
            Bad($"MaxHeight must be at least 144, got {MaxHeight}");
        }

        if (!string.IsNullOrWhiteSpace(MetadataProxy)
            && !(Uri.TryCreate(MetadataProxy, UriKind.Absolute, out var proxy) && proxy.Scheme is "http" or "https" or "socks5" or "socks5h"))
        {
            Bad("MetadataProxy must be an http://, https:// or socks5:// URL");
        }

        if (!string.IsNullOrWhiteSpace(CookiesFile) && !File.Exists(CookiesFile))
        {
            Bad($"CookiesFile {CookiesFile} does not exist");
        }

        if (double.IsNaN(MinAutoCaptionWordsPerMinute) || MinAutoCaptionWordsPerMinute < 0)
        {
            Bad($"MinAutoCaptionWordsPerMinute must not be negative, got {MinAutoCaptionWordsPerMinute}");
        }

        if (double.IsNaN(SilenceThresholdDb))
        {
            Bad("SilenceThresholdDb must be a number");
        }

        return this;
    }

    /// <summary>A copy, so a test or a caller can change one setting without touching a shared instance.</summary>
    public FetchOptions Clone()
    {
        var copy = (FetchOptions)MemberwiseClone();
        copy.AllowedHosts = new List<string>(AllowedHosts);
        copy.BlockedHosts = new List<string>(BlockedHosts);
        return copy;
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            Bad($"{name} must be positive, got {value}");
        }
    }

    private static void Bad(string message) => throw new ClipperException(ErrorCode.BadOption, message);
}
