package dev.clipper.stage.fetch;

import dev.clipper.media.MediaInfo;
import java.util.Optional;

/**
 * A fetched, checked source in blob storage.
 *
 * @param blobKey "sources/&lt;sha256&gt;.&lt;ext&gt;"
 * @param sha256 lower-case hex SHA-256 of the bytes
 * @param media what ffprobe said of it
 * @param displayName the file name a person recognises (local name or the URL's last path segment)
 * @param captionsKey "sources/&lt;sha256&gt;.srt" or ".vtt" when side-car captions came with it
 * @param input the input as given
 */
public record FetchedSource(
    String blobKey, String sha256, MediaInfo media, String displayName, Optional<String> captionsKey,
    String input) {}
