package dev.clipper.stage.track;

import java.time.Duration;

/**
 * Every number the tracker uses. Sizes called "fraction of the window" are relative to the crop window's width
 * (horizontal movement) or height (vertical movement).
 *
 * @param sampleFps frames analysed per second of clip
 * @param analysisWidth frames are scaled down to this width (never up) before detection; BlazeFace itself sees
 *     256 pixels, so more than about twice that buys nothing
 * @param detectorThreads ONNX Runtime intra-op threads per detection
 * @param minFaceScore detections scoring below this are ignored (real faces score 0.82–0.95, animals up to ~0.77)
 * @param minFaceFraction if fewer than this fraction of the sampled frames show a face, the clip gets a centre
 *     crop
 * @param maxGapSeconds a face track survives this long without a detection (blinks, turned heads, missed frames)
 * @param minSubjectSeconds a face must be seen at least this long to become the subject of a stretch the main
 *     subject does not cover
 * @param sceneCutThreshold colour-histogram distance (0 same, 1 disjoint) between consecutive samples that counts
 *     as a cut; at a cut the window jumps instead of panning, and subject and smoothing start afresh
 * @param deadZone the subject may drift this far (fraction of the window) from the window's centre before the
 *     window follows
 * @param maxSpeed fastest window movement, in window widths (or heights) per second
 * @param smoothingSeconds standard deviation of the Gaussian that rounds off starts and stops of the movement
 * @param steadyMaxSpread when the subject's positions within a shot span at most this (fraction of the window,
 *     5th to 95th percentile), the window stands still for the whole shot
 * @param faceVerticalPosition where the face's centre should sit in the window, as a fraction of its height from
 *     the top (only matters when the window is shorter than the frame)
 * @param keyframeRate how often, per second, the window position is written while it moves; a still window
 *     writes nothing
 * @param decodeTimeoutFactor ffmpeg may take this many times the clip's duration to decode it ...
 * @param minDecodeTimeout ... but at least this long
 */
public record TrackSettings(
    double sampleFps,
    int analysisWidth,
    int detectorThreads,
    double minFaceScore,
    double minFaceFraction,
    double maxGapSeconds,
    double minSubjectSeconds,
    double sceneCutThreshold,
    double deadZone,
    double maxSpeed,
    double smoothingSeconds,
    double steadyMaxSpread,
    double faceVerticalPosition,
    double keyframeRate,
    double decodeTimeoutFactor,
    Duration minDecodeTimeout) {

  public static final TrackSettings DEFAULTS = new TrackSettings(
      5.0, // sampleFps
      640, // analysisWidth
      2, // detectorThreads
      0.7, // minFaceScore
      0.2, // minFaceFraction
      1.0, // maxGapSeconds
      1.0, // minSubjectSeconds
      0.25, // sceneCutThreshold
      0.08, // deadZone
      0.8, // maxSpeed
      0.3, // smoothingSeconds
      0.15, // steadyMaxSpread
      0.4, // faceVerticalPosition
      30.0, // keyframeRate
      4.0, // decodeTimeoutFactor
      Duration.ofSeconds(60)); // minDecodeTimeout

  public TrackSettings {
    positive("sampleFps", sampleFps);
    positive("analysisWidth", analysisWidth);
    positive("detectorThreads", detectorThreads);
    fraction("minFaceScore", minFaceScore);
    fraction("minFaceFraction", minFaceFraction);
    notNegative("maxGapSeconds", maxGapSeconds);
    notNegative("minSubjectSeconds", minSubjectSeconds);
    fraction("sceneCutThreshold", sceneCutThreshold);
    if (deadZone < 0 || deadZone >= 0.5) throw new IllegalArgumentException("deadZone must be in [0, 0.5)");
    positive("maxSpeed", maxSpeed);
    notNegative("smoothingSeconds", smoothingSeconds);
    notNegative("steadyMaxSpread", steadyMaxSpread);
    fraction("faceVerticalPosition", faceVerticalPosition);
    positive("keyframeRate", keyframeRate);
    positive("decodeTimeoutFactor", decodeTimeoutFactor);
    if (minDecodeTimeout == null || minDecodeTimeout.isNegative() || minDecodeTimeout.isZero()) {
      throw new IllegalArgumentException("minDecodeTimeout must be positive");
    }
  }

  private static void positive(String name, double v) {
    if (!(v > 0)) throw new IllegalArgumentException(name + " must be positive, was " + v);
  }

  private static void notNegative(String name, double v) {
    if (!(v >= 0)) throw new IllegalArgumentException(name + " must not be negative, was " + v);
  }

  private static void fraction(String name, double v) {
    if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException(name + " must be between 0 and 1, was " + v);
  }
}
