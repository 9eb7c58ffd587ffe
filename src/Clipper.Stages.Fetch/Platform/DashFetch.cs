using Clipper.Core.Errors;

namespace Clipper.Stages.Fetch.Platform;

/// <summary>
/// A stream a site serves as MPEG-DASH segments (yt-dlp's "http_dash_segments"), fetched by Clipper itself, as HLS is:
/// yt-dlp has read the manifest (that small call alone may go through the metadata proxy) and listed the segments,
/// the initialization segment first; each is fetched through the guarded client, the address rule checked at connect
/// time, redirects included, and they are laid end to end. yt-dlp downloads no media byte. Segments given as byte
/// ranges of one file are refused with a stable code.
/// </summary>
internal sealed class DashFetch(HttpDownloader http, FetchOptions options)
{
    public static bool Handles(PlatformStream stream) => stream.Protocol == "http_dash_segments";

    public async Task DownloadAsync(PlatformStream stream, string target, string workDir, Action<double> progress, CancellationToken cancel)
    {
        if (stream.Fragments is not { Count: > 0 } fragments)
        {
            throw new ClipperException(ErrorCode.UnsupportedUrl, $"the DASH stream at {UrlGuard.Show(stream.Url)} lists its segments as byte "
                + "ranges or not at all, which Clipper does not fetch: download the video yourself and give Clipper the file");
        }

        await SegmentJoin.JoinAsync(http, options, fragments, stream.Headers, target, workDir, $"the DASH stream at {UrlGuard.Show(stream.Url)}",
            progress, cancel).ConfigureAwait(false);
    }
}
