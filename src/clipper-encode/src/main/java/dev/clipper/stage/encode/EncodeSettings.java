package dev.clipper.stage.encode;

import java.time.Duration;
import java.util.Set;

/**
 * Every tunable of the encode stage. {@code preset}/{@code crf} go to libx264 ({@code x264Threads} 0 lets it
 * choose); {@code audioBitrateKbps} to AAC. {@code burnCaptions} false leaves the picture clean (SRT and VTT
 * are still written). The thumbnail is {@code thumbnailWidth} wide (height follows the output aspect, never
 * larger than the output), taken {@code thumbnailAt} of the way into the clip, JPEG quality
 * {@code jpegQuality} (ffmpeg's 2 = best .. 31). The encoded file must last the clip's duration within
 * {@code durationTolerance} seconds; ffmpeg is killed after {@code timeout}.
 */
public record EncodeSettings(
    String preset,
    int crf,
    int x264Threads,
    int audioBitrateKbps,
    boolean burnCaptions,
    CaptionSettings captions,
    int thumbnailWidth,
    double thumbnailAt,
    int jpegQuality,
    double durationTolerance,
    Duration timeout) {

  // before DEFAULTS: the constructor of DEFAULTS reads it
  private static final Set<String> PRESETS = Set.of("ultrafast", "superfast", "veryfast", "faster", "fast",
      "medium", "slow", "slower", "veryslow", "placebo");

  public static final EncodeSettings DEFAULTS = new EncodeSettings("veryfast", 21, 0, 128, true,
      CaptionSettings.DEFAULTS, 540, 0.3, 3, 0.3, Duration.ofMinutes(15));

  public EncodeSettings {
    if (!PRESETS.contains(preset)) throw new IllegalArgumentException("unknown x264 preset: " + preset);
    if (crf < 0 || crf > 51) throw new IllegalArgumentException("crf must be 0..51, got " + crf);
    if (x264Threads < 0) throw new IllegalArgumentException("x264Threads must be >= 0");
    if (audioBitrateKbps < 16 || audioBitrateKbps > 512) {
      throw new IllegalArgumentException("audioBitrateKbps out of range: " + audioBitrateKbps);
    }
    if (captions == null) throw new IllegalArgumentException("captions settings missing");
    if (thumbnailWidth < 16) throw new IllegalArgumentException("thumbnailWidth too small: " + thumbnailWidth);
    if (thumbnailAt < 0 || thumbnailAt > 1) throw new IllegalArgumentException("thumbnailAt must be 0..1");
    if (jpegQuality < 2 || jpegQuality > 31) throw new IllegalArgumentException("jpegQuality must be 2..31");
    if (durationTolerance <= 0) throw new IllegalArgumentException("durationTolerance must be positive");
    if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("bad timeout");
  }

  public EncodeSettings withPreset(String newPreset) {
    return new EncodeSettings(newPreset, crf, x264Threads, audioBitrateKbps, burnCaptions, captions,
        thumbnailWidth, thumbnailAt, jpegQuality, durationTolerance, timeout);
  }

  public EncodeSettings withBurnCaptions(boolean burn) {
    return new EncodeSettings(preset, crf, x264Threads, audioBitrateKbps, burn, captions, thumbnailWidth,
        thumbnailAt, jpegQuality, durationTolerance, timeout);
  }

  public EncodeSettings withCaptions(CaptionSettings newCaptions) {
    return new EncodeSettings(preset, crf, x264Threads, audioBitrateKbps, burnCaptions, newCaptions,
        thumbnailWidth, thumbnailAt, jpegQuality, durationTolerance, timeout);
  }

  public EncodeSettings withTimeout(Duration newTimeout) {
    return new EncodeSettings(preset, crf, x264Threads, audioBitrateKbps, burnCaptions, captions, thumbnailWidth,
        thumbnailAt, jpegQuality, durationTolerance, newTimeout);
  }
}
