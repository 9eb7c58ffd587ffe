package dev.clipper.media;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.json.Json;
import dev.clipper.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Reads container and stream facts with ffprobe, and checks that a file decodes. */
public final class FFprobe {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private FFprobe() {}

  /**
   * Probes a file. A file ffprobe cannot read at all is {@link ErrorCode#NOT_A_VIDEO}: a media
   * file that ffprobe rejects is never a transient failure.
   */
  public static MediaInfo probe(Path file) {
    List<String> cmd = List.of("ffprobe", "-v", "error", "-print_format", "json", "-show_format",
        "-show_streams", file.toString());
    ProcessRunner.Result r = ProcessRunner.run(cmd, TIMEOUT);
    if (r.exitCode() != 0) {
      throw new ClipperException(ErrorCode.NOT_A_VIDEO,
          "the file is not a readable media file (" + firstLine(r.stderrTail()) + ")", r.stderrTail(), null);
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(r.stdout());
    } catch (IOException e) {
      throw new ClipperException(ErrorCode.TOOL_FAILED, "ffprobe printed unreadable JSON", e);
    }
    JsonNode format = root.path("format");
    double duration = format.path("duration").asDouble(0);
    boolean hasVideo = false;
    boolean hasAudio = false;
    int width = 0;
    int height = 0;
    double fps = 0;
    String vcodec = null;
    String acodec = null;
    for (JsonNode s : root.path("streams")) {
      String type = s.path("codec_type").asText();
      boolean attachedPicture = s.path("disposition").path("attached_pic").asInt(0) == 1;
      if ("video".equals(type) && !attachedPicture && !hasVideo) {
        hasVideo = true;
        width = s.path("width").asInt();
        height = s.path("height").asInt();
        vcodec = s.path("codec_name").asText(null);
        fps = parseRate(s.path("avg_frame_rate").asText("0/0"));
        if (fps <= 0) fps = parseRate(s.path("r_frame_rate").asText("0/0"));
        int rotation = rotationOf(s);
        if (Math.abs(rotation) % 180 == 90) {
          int t = width;
          width = height;
          height = t;
        }
        if (duration <= 0) duration = s.path("duration").asDouble(0);
      } else if ("audio".equals(type) && !hasAudio) {
        hasAudio = true;
        acodec = s.path("codec_name").asText(null);
        if (duration <= 0) duration = s.path("duration").asDouble(0);
      }
    }
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      size = format.path("size").asLong(0);
    }
    return new MediaInfo(duration, hasVideo, hasAudio, width, height, fps, vcodec, acodec,
        format.path("format_name").asText(""), size);
  }

  private static int rotationOf(JsonNode stream) {
    JsonNode tag = stream.path("tags").path("rotate");
    if (tag.isTextual()) {
      try {
        return Integer.parseInt(tag.asText().trim());
      } catch (NumberFormatException ignored) {
        return 0;
      }
    }
    for (JsonNode sd : stream.path("side_data_list")) {
      if (sd.has("rotation")) return sd.path("rotation").asInt();
    }
    return 0;
  }

  static double parseRate(String rate) {
    String[] parts = rate.split("/");
    try {
      if (parts.length == 2) {
        double den = Double.parseDouble(parts[1]);
        return den == 0 ? 0 : Double.parseDouble(parts[0]) / den;
      }
      return Double.parseDouble(rate);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String firstLine(String text) {
    if (text == null || text.isBlank()) return "no details";
    return text.strip().split("\n")[0];
  }
}
