using System.Text.Json;
using Clipper.Core.Errors;
using Clipper.Core.Processes;

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
            throw new ClipperException(ErrorCode.UnsupportedUrl, $"{UrlGuard.Show(url)} is a page, and links to pages need yt-dlp, "
                + $"which could not be run ('{options.YtDlp}'): install a current yt-dlp and set CLIPPER_YTDLP (see the README)", inner: e);
        }

        if (result.ExitCode != 0)
        {
            // the proxy's address may carry credentials: it never reaches an error or a log
            var stderr = string.IsNullOrWhiteSpace(options.MetadataProxy) ? result.StderrTail
                : result.StderrTail.Replace(options.MetadataProxy, "[metadata proxy]", StringComparison.Ordinal);
            var refusal = Classify(url, stderr);
            return refusal is null ? null : throw refusal;
        }

        // "direct": the link is itself a media file (yt-dlp's generic extractor looked): fetched as one, by name
        var media = Read(result.StdoutText, url);
        return media.Direct ? null : media;
    }

    /// <summary>
    /// yt-dlp's ERROR line as a stable code: null for "Unsupported URL" (no extractor: try the link as a file);
    /// removed, private or missing videos are <see cref="ErrorCode.SourceNotFound"/>; sign-in, bot and age gates are a
    /// permanent <see cref="ErrorCode.DownloadFailed"/> naming the cookies setting; anything else a transient one.
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

        if (Has("Video unavailable") || Has("has been removed") || Has("Private video") || Has("does not exist")
            || Has("HTTP Error 404") || Has("HTTP Error 410") || Has("is not available"))
        {
            return new ClipperException(ErrorCode.SourceNotFound, $"the site has no video at {shown}: {Short(line)}");
        }

        if (Has("Sign in") || Has("not a bot") || Has("confirm your age") || Has("age-restricted") || Has("login required")
            || Has("HTTP Error 403"))
        {
            return new ClipperException(ErrorCode.DownloadFailed, $"the site refused {shown} without a signed-in session: {Short(line)}; "
                + "give Clipper a cookies file (Clipper:Fetch:CookiesFile) or download the video yourself")
            { PermanentOverride = true };
        }

        return new ClipperException(ErrorCode.DownloadFailed, $"yt-dlp could not read {shown}: {Short(line)}", detail: stderr);
    }

    /// <summary>The JSON yt-dlp printed, as the media and its chosen streams.</summary>
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

        if (streams.Count == 0)
        {
            throw new ClipperException(ErrorCode.NotAVideo, $"yt-dlp found no video at {UrlGuard.Show(url)}");
        }

        return new PlatformMedia(
            Text(root, "id") ?? "",
            Text(root, "title") ?? Text(root, "id") ?? "video",
            Text(root, "uploader") ?? Text(root, "channel"),
            root.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : null,
            Text(root, "webpage_url") ?? url.AbsoluteUri,
            Text(root, "extractor_key") ?? Text(root, "extractor") ?? "generic",
            streams)
        {
            Direct = root.TryGetProperty("direct", out var direct) && direct.ValueKind == JsonValueKind.True,
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
            Text(f, "ext") ?? "mp4");
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Short(string line)
    {
        var s = line.StartsWith("ERROR:", StringComparison.Ordinal) ? line[6..].Trim() : line;
        return s.Length > 300 ? s[..300] + "…" : s;
    }
}
