using Clipper.Core.Media;

namespace Clipper.Stages.Fetch;

/// <summary>
/// A fetched, checked source in blob storage.
/// </summary>
/// <param name="BlobKey">Where it is stored (<see cref="Clipper.Core.Storage.BlobLayout.Source"/>).</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the bytes.</param>
/// <param name="Media">What ffprobe said of it.</param>
/// <param name="DisplayName">The file name a person recognises (the local name or the URL's last path segment).</param>
/// <param name="CaptionsKey">Side-car captions stored beside it (<see cref="Clipper.Core.Storage.BlobLayout.Captions"/>), if any came with it.</param>
/// <param name="Input">The input as given.</param>
/// <param name="Site">What the site said of the video, when the input was a link to a page read by yt-dlp.</param>
public sealed record FetchedSource(string BlobKey, string Sha256, MediaInfo Media, string DisplayName, string? CaptionsKey, string Input,
    Platform.SiteInfo? Site = null);
