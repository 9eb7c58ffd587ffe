package dev.clipper.stage.encode;

import dev.clipper.clip.ClipOptions;
import dev.clipper.clip.ScoredClip;
import dev.clipper.crop.CropPath;
import dev.clipper.transcript.Word;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One clip to encode: the source file, the clip window, the words (source times; words outside the clip are
 * ignored, so the whole transcript may be passed), the crop path, the output size, and where the results go:
 * {@code outputDir/stem.mp4}, {@code .srt}, {@code .vtt}, {@code .jpg}.
 */
public record EncodeRequest(Path source, ScoredClip clip, List<Word> words, CropPath crop, int width, int height,
    Path outputDir, String stem) {
  private static final Pattern STEM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  public EncodeRequest {
    if (source == null || clip == null || crop == null || outputDir == null) {
      throw new IllegalArgumentException("source, clip, crop and outputDir are required");
    }
    words = List.copyOf(words);
    if (!(clip.end() > clip.start()) || clip.start() < 0) {
      throw new IllegalArgumentException("bad clip window " + clip.start() + ".." + clip.end());
    }
    if (width < 64 || height < 64 || width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("output size must be even and at least 64, got " + width + "x" + height);
    }
    if (crop.keyframes().isEmpty()) throw new IllegalArgumentException("crop path has no keyframes");
    // the window is scaled to the output size; a different shape would stretch faces (even sizes round a little)
    double cropAspect = (double) crop.width() / crop.height();
    double outAspect = (double) width / height;
    if (Math.abs(cropAspect / outAspect - 1) > 0.03) {
      throw new IllegalArgumentException("crop window " + crop.width() + "x" + crop.height()
          + " does not have the output's shape " + width + "x" + height);
    }
    // the stem becomes a file name: no separators, no dot-files, nothing a shell or filter would mangle
    if (stem == null || !STEM.matcher(stem).matches()) throw new IllegalArgumentException("bad file stem: " + stem);
  }

  public EncodeRequest(Path source, ScoredClip clip, List<Word> words, CropPath crop, ClipOptions options,
      Path outputDir, String stem) {
    this(source, clip, words, crop, options.width(), options.height(), outputDir, stem);
  }

  public double duration() {
    return clip.end() - clip.start();
  }
}
