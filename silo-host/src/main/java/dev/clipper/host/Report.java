package dev.clipper.host;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clipper.clip.ScoredClip;
import dev.clipper.job.JobState;
import dev.clipper.json.Json;
import dev.clipper.storage.BlobStore;
import dev.clipper.worker.StageResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a finished job into a directory: clip-NN.mp4/.srt/.vtt/.jpg copied out of blob storage,
 * report.json (paths relative to the directory, times in seconds of the source), report.html and
 * transcript.json.
 */
final class Report {
  private Report() {}

  static ObjectNode write(JobState s, BlobStore blobs, Path dir) throws IOException {
    Files.createDirectories(dir);
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("job", s.jobId());
    StageResult.Fetched src = s.source();
    ObjectNode source = root.putObject("source");
    source.put("input", s.spec().input());
    source.put("name", src.displayName());
    source.put("sha256", src.sha256());
    source.put("duration", round(src.duration()));
    source.put("width", src.width());
    source.put("height", src.height());
    source.put("transcript", s.transcript().provider());
    source.put("words", s.transcript().words());
    ArrayNode clips = root.putArray("clips");
    for (ScoredClip c : s.clips()) {
      StageResult.Encoded e = s.encoded().get(c.index());
      StageResult.Tracked t = s.tracked().get(c.index());
      String stem = String.format(Locale.ROOT, "clip-%02d", c.index());
      blobs.download(e.videoKey(), dir.resolve(stem + ".mp4"));
      blobs.download(e.srtKey(), dir.resolve(stem + ".srt"));
      blobs.download(e.vttKey(), dir.resolve(stem + ".vtt"));
      blobs.download(e.thumbnailKey(), dir.resolve(stem + ".jpg"));
      ObjectNode n = clips.addObject();
      n.put("rank", c.index());
      n.put("start", round(c.start()));
      n.put("end", round(c.end()));
      n.put("score", c.score());
      ObjectNode scores = n.putObject("scores");
      scores.put("hook", c.scores().hook());
      scores.put("completeness", c.scores().completeness());
      scores.put("density", c.scores().density());
      scores.put("emotion", c.scores().emotion());
      n.put("reason", c.reason());
      n.put("title", c.title());
      n.put("video", stem + ".mp4");
      n.put("thumbnail", stem + ".jpg");
      ObjectNode captions = n.putObject("captions");
      captions.put("srt", stem + ".srt");
      captions.put("vtt", stem + ".vtt");
      ObjectNode crop = n.putObject("crop");
      crop.put("method", t.method());
      if (t.reason() != null) crop.put("reason", t.reason());
      n.put("encodedOn", s.workedOn().get("encode-" + c.index()));
    }
    ObjectNode timings = root.putObject("stageStartedAt");
    s.stageStartedAt().forEach(timings::put);
    Files.write(dir.resolve("report.json"), Json.MAPPER.writeValueAsBytes(root));
    Files.write(dir.resolve("transcript.json"), blobs.getBytes(s.transcript().transcriptKey()));
    Files.writeString(dir.resolve("report.html"), html(root), StandardCharsets.UTF_8);
    return root;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static String html(ObjectNode report) {
    StringBuilder b = new StringBuilder();
    b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Clipper — ")
        .append(esc(report.path("source").path("name").asText())).append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2rem;background:#111;color:#eee}")
        .append(".clips{display:flex;flex-wrap:wrap;gap:1.5rem}.clip{width:270px;background:#1d1d1d;")
        .append("border-radius:10px;padding:12px}.clip img,.clip video{width:270px;border-radius:6px}")
        .append(".score{font-size:2rem;font-weight:800;color:#ffd400}.subs{font-size:.85rem;color:#bbb}")
        .append("h2{font-size:1.05rem;margin:.4rem 0}a{color:#8cf}</style></head><body>")
        .append("<h1>").append(esc(report.path("source").path("name").asText())).append("</h1><p>Job ")
        .append(esc(report.path("job").asText())).append(" · ").append(report.path("clips").size())
        .append(" clips · source ").append(report.path("source").path("duration").asDouble())
        .append(" s</p><div class=\"clips\">");
    for (var c : report.path("clips")) {
      var s = c.path("scores");
      b.append("<div class=\"clip\"><video controls preload=\"none\" poster=\"")
          .append(esc(c.path("thumbnail").asText())).append("\" src=\"").append(esc(c.path("video").asText()))
          .append("\"></video><div class=\"score\">").append(c.path("score").asInt()).append("</div><h2>#")
          .append(c.path("rank").asInt()).append(" ").append(esc(c.path("title").asText())).append("</h2><p>")
          .append(esc(c.path("reason").asText())).append("</p><p class=\"subs\">hook ")
          .append(s.path("hook").asInt()).append(" · completeness ").append(s.path("completeness").asInt())
          .append(" · density ").append(s.path("density").asInt()).append(" · emotion ")
          .append(s.path("emotion").asInt()).append("<br>").append(c.path("start").asDouble()).append("–")
          .append(c.path("end").asDouble()).append(" s · crop ").append(esc(c.path("crop").path("method").asText()))
          .append("</p><p><a href=\"").append(esc(c.path("captions").path("srt").asText()))
          .append("\">SRT</a> · <a href=\"").append(esc(c.path("captions").path("vtt").asText()))
          .append("\">VTT</a></p></div>");
    }
    return b.append("</div></body></html>\n").toString();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
