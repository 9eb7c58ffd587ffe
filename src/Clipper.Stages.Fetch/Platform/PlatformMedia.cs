namespace Clipper.Stages.Fetch.Platform;

/// <summary>What yt-dlp found behind a link to a page: the site's facts about the video and the streams chosen.</summary>
/// <param name="Id">The site's own id of the video (YouTube's 11 characters, …).</param>
/// <param name="Extractor">yt-dlp's name for the site ("Youtube", "Vimeo", "generic", …).</param>
/// <param name="Streams">One stream holding both, or a video stream and an audio stream to merge.</param>
public sealed record PlatformMedia(
    string Id,
    string Title,
    string? Uploader,
    double? DurationSeconds,
    string PageUrl,
    string Extractor,
    IReadOnlyList<PlatformStream> Streams)
{
    /// <summary>The link is itself the media file (nothing was extracted from a page).</summary>
    public bool Direct { get; init; }

    /// <summary>The site's facts, without the streams (whose addresses are short-lived and signed).</summary>
    public SiteInfo Info => new(Extractor, Id, Title, Uploader, DurationSeconds, PageUrl, Language);

    /// <summary>The video's spoken language as the site says it (yt-dlp's <c>language</c>, ISO 639-1), or null.</summary>
    public string? Language { get; init; }

    /// <summary>The site's subtitles chosen as the transcript (<see cref="SiteSubtitles.Choose"/>), or null.</summary>
    public PlatformSubtitle? Subtitle { get; init; }

    /// <summary>yt-dlp's live_status: "not_live", "was_live", "is_live", "is_upcoming", "post_live", or null when not said.</summary>
    public string? LiveStatus { get; init; }
}

/// <summary>One stream yt-dlp chose: where it is, the headers the site wants, and what it carries.</summary>
/// <param name="Protocol">yt-dlp's protocol: "https" and "http" are plain downloads; "m3u8_native", "http_dash_segments", … are fragments.</param>
public sealed record PlatformStream(Uri Url, IReadOnlyDictionary<string, string> Headers, string Protocol, bool HasVideo, bool HasAudio, string Extension)
{
    /// <summary>Whether Clipper's own guarded client can fetch it in one request.</summary>
    public bool IsPlain => Protocol is "http" or "https";

    /// <summary>
    /// A segmented stream's segments in order (DASH: the initialization segment first), as yt-dlp listed them from the
    /// manifest; null for a plain stream, and for one whose segments are byte ranges of a file (not fetched).
    /// </summary>
    public IReadOnlyList<Uri>? Fragments { get; init; }
}

/// <summary>What a site says of a video: kept with the job and shown in its report.</summary>
/// <param name="Extractor">yt-dlp's name for the site ("Youtube", "Vimeo", "generic", …).</param>
/// <param name="VideoId">The site's own id of the video.</param>
/// <param name="DurationSeconds">The length the site announces (the probed length of the file is the source's).</param>
/// <param name="Language">The spoken language the site gives (ISO 639-1), or null.</param>
public sealed record SiteInfo(string Extractor, string VideoId, string Title, string? Uploader, double? DurationSeconds, string PageUrl,
    string? Language = null);
