using System.Text.Json;
using Clipper.Core.Errors;
using Clipper.Core.Processes;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Fetch.Platform;

/// <summary>
/// Asks yt-dlp what is behind a link to a page (YouTube, Vimeo, a page with a video, …): the site's facts and the
/// streams to fetch (at most <see cref="FetchOptions.MaxHeight"/> high, a video and an audio stream or one with both).
/// Only this small metadata call goes through <see cref="FetchOptions.MetadataProxy"/> and uses
/// <see cref="FetchOptions.CookiesFile"/>; yt-dlp downloads nothing here, the media bytes are fetched by Clipper's own
/// guarded client. yt-dlp's refusals become stable codes (<see cref="Classify"/>).
/// </summary>
public sealed class YtDlp(FetchOptions options)
{
    /// <summary>
    /// The media behind <paramref name="url"/>, or null when yt-dlp has no extractor for it (then it is fetched as a
    /// plain file). Throws <see cref="ErrorCode.UnsupportedUrl"/> when yt-dlp cannot be run at all.
    /// </summary>
    public async Task<PlatformMedia?> ResolveAsync(Uri url, CancellationToken cancel)
    {
        int h = options.MaxHeight;
        var command = new List<string>
        {
            options.YtDlp, "--dump-single-json", "--no-playlist", "--skip-download", "--no-warnings", "--ignore-config",
            "--no-progress", "-f", $"bv*[height<={h}]+ba/b[height<={h}]/bv*+ba/b",
        };
        if (!string.IsNullOrWhiteSpace(options.MetadataProxy))
        {
            command.AddRange(["--proxy", options.MetadataProxy]);
        }

        if (!string.IsNullOrWhiteSpace(options.CookiesFile))
        {
            command.AddRange(["--cookies", options.CookiesFile]);
        }

        command.AddRange(["--", url.AbsoluteUri]);
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(command, options.ResolveTimeout, cancel).ConfigureAwait(false);
        }
        catch (ClipperException e) when (e.InnerException is System.ComponentModel.Win32Exception)
        {
            throw Missing(url, e);
        }
        catch (ClipperException e) when (e.Code == ErrorCode.ToolFailed)
        {
            // the runner killed it at the time limit (a site that never answers, a proxy that hangs): tried again later
            throw new ClipperException(ErrorCode.DownloadFailed, $"yt-dlp did not read {UrlGuard.Show(url)} within "
                + $"{options.ResolveTimeout.TotalSeconds:0} s and was stopped (Clipper:Fetch:ResolveTimeout)", Redact(e.Detail), e);
        }

        if (result.ExitCode != 0)
        {
            var refusal = Classify(url, Redact(result.StderrTail) ?? "");
            return refusal is null ? null : throw refusal;
        }

        // "direct": the link is itself a media file (yt-dlp's generic extractor looked): fetched as one, by name
        PlatformMedia media;
        try
        {
            media = Read(result.StdoutText, url);
        }
        catch (Exception e) when (e is JsonException or UriFormatException or InvalidOperationException)
        {
            throw new ClipperException(ErrorCode.DownloadFailed, $"yt-dlp's answer for {UrlGuard.Show(url)} could not be read: {e.Message}",
                Redact(result.StderrTail), e);
        }

        if (media.Direct)
        {
            return null;
        }

        Admit(media, url);
        return media;
    }

    /// <summary>
    /// Whether the configured yt-dlp is there to run (a path to an executable file, or a name found on PATH), without
    /// running it: the gateway asks this before it makes a job of a link to a page.
    /// </summary>
    public bool CanRun()
    {
        var program = options.YtDlp.Trim();
        if (program.Length == 0)
        {
            return false;
        }

        if (program.Contains(Path.DirectorySeparatorChar) || program.Contains(Path.AltDirectorySeparatorChar))
        {
            return IsExecutable(program);
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Any(dir => IsExecutable(Path.Combine(dir, program)));

        static bool IsExecutable(string file) =>
            File.Exists(file) && (OperatingSystem.IsWindows()
                || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
    }

    /// <summary>The refusal of a link to a page when yt-dlp cannot be run.</summary>
    public ClipperException Missing(Uri url, Exception? inner = null) =>
        new(ErrorCode.UnsupportedUrl, $"{UrlGuard.Show(url)} is a page, and links to pages need yt-dlp, which could not be run "
            + $"('{options.YtDlp}'): install a current yt-dlp and set CLIPPER_YTDLP (see the README)", inner: inner);

    /// <summary>
    /// Refuses, before any byte is downloaded, what yt-dlp's answer already shows cannot be clipped: a live stream (or
    /// a live event still to come or just ended), a video longer than <see cref="FetchOptions.MaxDuration"/>, a page
    /// without a video.
    /// </summary>
    public void Admit(PlatformMedia media, Uri url)
    {
        if (media.LiveStatus is "is_live" or "is_upcoming" or "post_live")
        {
            var what = media.LiveStatus switch
            {
                "is_upcoming" => "a live event that has not begun",
                "post_live" => "a live stream that has just ended and is not yet a recording",
                _ => "a live stream",
            };
            throw new ClipperException(ErrorCode.LiveNotSupported, $"{UrlGuard.Show(url)} is {what}; Clipper clips recordings: "
                + "submit the link again once the site offers the recording");
        }

        double max = options.MaxDuration.TotalSeconds;
        if (media.DurationSeconds > max)
        {
            throw new ClipperException(ErrorCode.SourceTooLong, $"the video at {UrlGuard.Show(url)} is "
                + $"{Durations.Clock(media.DurationSeconds.Value)} long; the limit is {Durations.Clock(max)} (Clipper:Fetch:MaxDuration)");
        }

        if (media.Streams.Count == 0)
        {
            throw new ClipperException(ErrorCode.NotAVideo, $"yt-dlp found no video at {UrlGuard.Show(url)}");
        }
    }

    /// <summary>
    /// Text yt-dlp printed with the secrets it was given blanked: the metadata proxy's address and its credentials,
    /// and the values in the cookies file. Null stays null.
    /// </summary>
    public string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var (secret, shown) in Secrets())
        {
            text = text.Replace(secret, shown, StringComparison.Ordinal);
        }

        return text;
    }

    private IEnumerable<(string Secret, string Shown)> Secrets()
    {
        if (!string.IsNullOrWhiteSpace(options.MetadataProxy))
        {
            yield return (options.MetadataProxy, "[metadata proxy]");
            if (Uri.TryCreate(options.MetadataProxy, UriKind.Absolute, out var proxy) && proxy.UserInfo.Length > 0)
            {
                // yt-dlp may print the credentials on their own, escaped or not
                foreach (var part in new[] { proxy.UserInfo, Uri.UnescapeDataString(proxy.UserInfo) }
                    .Concat(proxy.UserInfo.Split(':').Select(Uri.UnescapeDataString)).Where(p => p.Length >= 4).Distinct())
                {
                    yield return (part, "[credentials]");
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(options.CookiesFile) && File.Exists(options.CookiesFile))
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(options.CookiesFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                yield break;
            }

            // Netscape format: domain, flag, path, secure, expiry, name, value (tab-separated); short values give nothing away
            foreach (var value in lines.Select(l => l.Split('\t')).Where(f => f.Length >= 7).Select(f => f[6].Trim())
                .Where(v => v.Length >= 6).Distinct().OrderByDescending(v => v.Length))
            {
                yield return (value, "[cookie]");
            }
        }
    }

    /// <summary>
    /// yt-dlp's ERROR line as a stable code, every one permanent but <see cref="ErrorCode.DownloadFailed"/>: null for
    /// "Unsupported URL" (no extractor: try the link as a file); private, removed, region-blocked or DRM-locked videos
    /// are <see cref="ErrorCode.VideoUnavailable"/>; bot checks, age gates and members-only videos
    /// <see cref="ErrorCode.SignInRequired"/> naming the cookies setting; live streams and live events to come
    /// <see cref="ErrorCode.LiveNotSupported"/>; anything else (the network, a site's hiccup) a transient
    /// <see cref="ErrorCode.DownloadFailed"/>. The texts are yt-dlp's own and YouTube's (relayed by yt-dlp as the reason).
    /// <paramref name="stderr"/> (already redacted) becomes the detail.
    /// </summary>
    public static ClipperException? Classify(Uri url, string stderr)
    {
        // yt-dlp's own advice ("Confirm you are on the latest version") follows the reason: only the reason is read
        var line = stderr.Split('\n').LastOrDefault(l => l.StartsWith("ERROR:", StringComparison.Ordinal))?.Trim() ?? stderr.Trim();
        int advice = line.IndexOf("; please report", StringComparison.Ordinal);
        line = advice > 0 ? line[..advice] : line;
        var shown = UrlGuard.Show(url);
        bool Has(string s) => line.Contains(s, StringComparison.OrdinalIgnoreCase);
        if (Has("Unsupported URL"))
        {
            return null;
        }

        // checked first: YouTube's "Private video. Sign in if you've been granted access" also asks to sign in
        if (Has("Private video") || Has("This video is private") || Has("Video unavailable") || Has("has been removed")
            || Has("account associated with this video has been terminated") || Has("not available from your location")
            || Has("geo restriction") || Has("not made this video available in your country") || Has("DRM protected")
            || Has("This video is not available") || Has("does not exist") || Has("HTTP Error 404") || Has("HTTP Error 410"))
        {
            return new ClipperException(ErrorCode.VideoUnavailable, $"the site does not give the video at {shown}: {Short(line)}", stderr);
        }

        if (Has("Sign in") || Has("not a bot") || Has("confirm your age") || Has("age-restricted") || Has("inappropriate")
            || Has("login required") || Has("Login details are needed") || Has("only available for registered users")
            || Has("members-only") || Has("Join this channel") || Has("--cookies") || Has("captcha")
            || Has("HTTP Error 401") || Has("HTTP Error 403"))
        {
            return new ClipperException(ErrorCode.SignInRequired, $"the site refused {shown} without a signed-in session: {Short(line)}; "
                + "configure a cookies file of a signed-in browser (Clipper:Fetch:CookiesFile) or download the video yourself", stderr);
        }

        if (Has("live event will begin") || Has("Premieres in") || Has("is not currently live") || Has("is_upcoming"))
        {
            return new ClipperException(ErrorCode.LiveNotSupported, $"{shown} is a live stream or a live event: {Short(line)}; "
                + "Clipper clips recordings, submit the link again once the site offers the recording", stderr);
        }

        return new ClipperException(ErrorCode.DownloadFailed, $"yt-dlp could not read {shown}: {Short(line)}", stderr);
    }

    /// <summary>The JSON yt-dlp printed, as the media and its chosen streams (none when it found no video).</summary>
    public static PlatformMedia Read(string json, Uri url)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var streams = new List<PlatformStream>();
        if (root.TryGetProperty("requested_formats", out var formats) && formats.ValueKind == JsonValueKind.Array)
        {
            streams.AddRange(formats.EnumerateArray().Select(Stream));
        }
        else if (Text(root, "url") is not null)
        {
            streams.Add(Stream(root));
        }

        return new PlatformMedia(
            Text(root, "id") ?? "",
            Text(root, "title") ?? Text(root, "id") ?? "video",
            Text(root, "uploader") ?? Text(root, "channel"),
            root.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : null,
            // shown as a link in reports and pages: only a web address, else the link as given
            Text(root, "webpage_url") is { } page && Uri.TryCreate(page, UriKind.Absolute, out var p) && p.Scheme is "http" or "https"
                ? p.AbsoluteUri : url.AbsoluteUri,
            Text(root, "extractor_key") ?? Text(root, "extractor") ?? "generic",
            streams)
        {
            Direct = root.TryGetProperty("direct", out var direct) && direct.ValueKind == JsonValueKind.True,
            // older yt-dlp and some extractors say only "is_live": true
            LiveStatus = Text(root, "live_status")
                ?? (root.TryGetProperty("is_live", out var live) && live.ValueKind == JsonValueKind.True ? "is_live" : null),
            Subtitle = SiteSubtitles.Choose(root),
            Language = Languages.Code(Text(root, "language")),
        };
    }

    private static PlatformStream Stream(JsonElement f)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (f.TryGetProperty("http_headers", out var h) && h.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in h.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                headers[p.Name] = p.Value.GetString()!;
            }
        }

        // yt-dlp says "none" for a stream without video or audio, and leaves both out (null) when it does not know
        var vcodec = Text(f, "vcodec");
        var acodec = Text(f, "acodec");
        return new PlatformStream(
            new Uri(Text(f, "url")!),
            headers,
            Text(f, "protocol") ?? "https",
            vcodec != "none",
            acodec != "none",
            Text(f, "ext") ?? "mp4")
        {
            Fragments = Fragments(f),
        };
    }

    /// <summary>
    /// The segments yt-dlp lists for a segmented format: each its own "url", or a "path" under "fragment_base_url".
    /// Null when there are none, or when any is a byte range of a file ("byte_range"), which is not fetched.
    /// </summary>
    private static List<Uri>? Fragments(JsonElement f)
    {
        if (!f.TryGetProperty("fragments", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        Uri? baseUrl = Text(f, "fragment_base_url") is { } b && Uri.TryCreate(b, UriKind.Absolute, out var u) ? u : null;
        var fragments = new List<Uri>();
        foreach (var fragment in list.EnumerateArray())
        {
            if (fragment.ValueKind != JsonValueKind.Object || fragment.TryGetProperty("byte_range", out _))
            {
                return null;
            }

            if (Text(fragment, "url") is { } url && Uri.TryCreate(url, UriKind.Absolute, out var absolute))
            {
                fragments.Add(absolute);
            }
            else if (Text(fragment, "path") is { } path && baseUrl is not null)
            {
                fragments.Add(new Uri(baseUrl, path));
            }
            else
            {
                return null;
            }
        }

        return fragments.Count > 0 ? fragments : null;
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Short(string line)
    {
        var s = line.StartsWith("ERROR:", StringComparison.Ordinal) ? line[6..].Trim() : line;
        return s.Length > 300 ? s[..300] + "…" : s;
    }
}
