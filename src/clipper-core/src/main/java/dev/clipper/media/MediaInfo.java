package dev.clipper.media;

/**
 * What ffprobe says about a media file. Width and height are as displayed (rotation applied);
 * {@code fps} is 0 when there is no video stream.
 */
public record MediaInfo(
    double durationSeconds,
    boolean hasVideo,
    boolean hasAudio,
    int width,
    int height,
    double fps,
    String videoCodec,
    String audioCodec,
    String formatName,
    long sizeBytes) {}
