using Clipper.Core.Media;

namespace Clipper.Stages.Fetch;

/// <summary>
/// A fetched, checked source in blob storage.
/// </summary>
/// <param name="BlobKey">"sources/&lt;sha256&gt;.&lt;ext&gt;".</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the bytes.</param>
/// <param name="Media">What ffprobe said of it.</param>
/// <param name="DisplayName">The file name a person recognises (the local name or the URL's last path segment).</param>
/// <param name="CaptionsKey">"sources/&lt;sha256&gt;.srt" or ".vtt" when side-car captions came with it.</param>
/// <param name="Input">The input as given.</param>
public sealed record FetchedSource(string BlobKey, string Sha256, MediaInfo Media, string DisplayName, string? CaptionsKey, string Input);
