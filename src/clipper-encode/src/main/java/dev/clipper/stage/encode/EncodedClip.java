package dev.clipper.stage.encode;

import dev.clipper.media.MediaInfo;
import java.nio.file.Path;
import java.util.List;

/**
 * The committed outputs of one clip (all final names, all complete) and what ffprobe found in the video.
 * {@code encodeSeconds} is the wall time of the ffmpeg pass.
 */
public record EncodedClip(Path video, Path srt, Path vtt, Path thumbnail, MediaInfo media, double encodeSeconds) {
  public List<Path> files() {
    return List.of(video, srt, vtt, thumbnail);
  }
}
