using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Clipper.Core.Errors;

namespace Clipper.Stages.Fetch.Platform;

/// <summary>
/// A stream a site serves as HLS (yt-dlp's "m3u8_native"/"m3u8"), fetched by Clipper itself so that the address rule
/// holds for every byte: the playlist and each segment through the guarded client (checked at connect time, redirects
/// included), joined into one file in order (MPEG-TS segments, or an fMP4 init segment and its fragments, are one
/// stream when laid end to end). A master playlist's variant is the tallest within <see cref="FetchOptions.MaxHeight"/>.
/// Encrypted, byte-range and unfinished (live) playlists are refused with a stable code.
/// </summary>
internal sealed partial class HlsFetch(HttpDownloader http, FetchOptions options)
{
    public static bool Handles(PlatformStream stream) => stream.Protocol is "m3u8_native" or "m3u8";

    /// <summary>Fetches the stream into <paramref name="target"/>; returns the extension the joined file has ("ts" or "mp4").</summary>
    public async Task<string> DownloadAsync(PlatformStream stream, string target, string workDir, Action<double> progress, CancellationToken cancel)
    {
        var (url, playlist) = await ReadAsync(stream.Url, stream.Headers, workDir, cancel).ConfigureAwait(false);
        if (playlist.Contains("#EXT-X-STREAM-INF", StringComparison.Ordinal))
        {
            (url, playlist) = await ReadAsync(Variant(url, playlist), stream.Headers, workDir, cancel).ConfigureAwait(false);
        }

        if (KeyMethod().Matches(playlist).Any(m => m.Groups[1].Value != "NONE"))
        {
            throw new ClipperException(ErrorCode.UnsupportedUrl, $"the video at {UrlGuard.Show(stream.Url)} is encrypted HLS, which Clipper "
                + "does not fetch: download the video yourself and give Clipper the file");
        }

        if (playlist.Contains("#EXT-X-BYTERANGE", StringComparison.Ordinal))
        {
            throw new ClipperException(ErrorCode.UnsupportedUrl, $"the video at {UrlGuard.Show(stream.Url)} is HLS in byte ranges, which Clipper "
                + "does not fetch: download the video yourself and give Clipper the file");
        }

        if (!playlist.Contains("#EXT-X-ENDLIST", StringComparison.Ordinal))
        {
            throw new ClipperException(ErrorCode.LiveNotSupported, $"the HLS playlist at {UrlGuard.Show(stream.Url)} is still growing "
                + "(a live stream); Clipper clips recordings: submit the link again once the site offers the recording");
        }

        var parts = new List<Uri>();
        var init = InitSegment().Match(playlist);
        if (init.Success)
        {
            parts.Add(new Uri(url, init.Groups[1].Value));
        }

        parts.AddRange(Lines(playlist).Where(l => !l.StartsWith('#')).Select(l => new Uri(url, l)));
        if (parts.Count == 0)
        {
            throw new ClipperException(ErrorCode.NotAVideo, $"the HLS playlist at {UrlGuard.Show(stream.Url)} has no segments");
        }

        await SegmentJoin.JoinAsync(http, options, parts, stream.Headers, target, workDir, $"the HLS stream at {UrlGuard.Show(stream.Url)}",
            progress, cancel).ConfigureAwait(false);
        return init.Success ? "mp4" : "ts";
    }

    /// <summary>The variant to fetch: the tallest within the height limit, else the shortest; without sizes, the highest bandwidth.</summary>
    private Uri Variant(Uri master, string playlist)
    {
        var lines = Lines(playlist).ToList();
        var variants = new List<(int Height, long Bandwidth, string Uri)>();
        for (int i = 0; i + 1 < lines.Count; i++)
        {
            if (!lines[i].StartsWith("#EXT-X-STREAM-INF", StringComparison.Ordinal) || lines[i + 1].StartsWith('#'))
            {
                continue;
            }

            var size = Resolution().Match(lines[i]);
            var bandwidth = Bandwidth().Match(lines[i]);
            variants.Add((size.Success ? int.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
                bandwidth.Success ? long.Parse(bandwidth.Groups[1].Value, CultureInfo.InvariantCulture) : 0, lines[i + 1]));
        }

        if (variants.Count == 0)
        {
            throw new ClipperException(ErrorCode.NotAVideo, $"the HLS playlist at {UrlGuard.Show(master)} names no variant");
        }

        var fitting = variants.Where(v => v.Height <= options.MaxHeight).ToList();
        var chosen = fitting.Count > 0
            ? fitting.OrderByDescending(v => v.Height).ThenByDescending(v => v.Bandwidth).First()
            : variants.OrderBy(v => v.Height).ThenBy(v => v.Bandwidth).First();
        return new Uri(master, chosen.Uri);
    }

    private async Task<(Uri Url, string Text)> ReadAsync(Uri url, IReadOnlyDictionary<string, string> headers, string workDir, CancellationToken cancel)
    {
        var file = Path.Combine(workDir, $"playlist-{Guid.NewGuid():N}.m3u8");
        try
        {
            var got = await http.DownloadAsync(url, file, _ => { }, cancel, headers).ConfigureAwait(false);
            var text = await File.ReadAllTextAsync(file, Encoding.UTF8, cancel).ConfigureAwait(false);
            if (!text.TrimStart('\uFEFF').StartsWith("#EXTM3U", StringComparison.Ordinal))
            {
                throw new ClipperException(ErrorCode.NotAVideo, $"{UrlGuard.Show(url)} is not an HLS playlist");
            }

            // segments are named relative to where the playlist finally came from
            return (got.FinalUrl, text);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);

    [GeneratedRegex(@"#EXT-X-KEY:.*?METHOD=([A-Z0-9-]+)")]
    private static partial Regex KeyMethod();

    [GeneratedRegex("#EXT-X-MAP:.*?URI=\"([^\"]+)\"")]
    private static partial Regex InitSegment();

    [GeneratedRegex(@"RESOLUTION=\d+x(\d+)")]
    private static partial Regex Resolution();

    [GeneratedRegex(@"[:,]BANDWIDTH=(\d+)")]
    private static partial Regex Bandwidth();
}
