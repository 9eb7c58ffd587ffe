package dev.clipper.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clipper.json.Json;
import dev.clipper.media.FFprobe;
import dev.clipper.media.MediaInfo;
import dev.clipper.process.ProcessRunner;
import dev.clipper.sample.Assets;
import dev.clipper.sample.SampleVideo;
import dev.clipper.stage.track.BlazeFace;
import dev.clipper.stage.transcribe.WordErrorRate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance run: the real CLI on a four-minute talking video with one moving face, default options
 * (1080×1920, 15–90 s), checked against the truth the video was built from.
 */
class CliEndToEndTest {
  @TempDir Path home;
  @TempDir Path cwd;

  @Test
  void clipsAFourMinuteTalkAsSpecified() throws Exception {
    SampleVideo.Built talk = Media.fourMinuteTalk();
    Path out = cwd.resolve("out");

    Cli.Run run = Cli.clipper(home, cwd, 1200, "clip", talk.file().toString(), "--out", out.toString());

    assertEquals(0, run.exitCode(), () -> "stderr:\n" + run.stderr());
    assertTrue(run.stdout().contains("rank"), "prints the table of clips:\n" + run.stdout());
    JsonNode report = Json.MAPPER.readTree(out.resolve("report.json").toFile());
    JsonNode clips = report.path("clips");
    assertTrue(clips.size() >= 3, "clips: " + clips.size());
    assertTrue(report.path("job").asText().startsWith("job-"));
    assertTrue(Files.readString(out.resolve("report.html")).contains(clips.get(0).path("title").asText()
        .replace("&", "&amp;")));

    List<Double> faceFractions = new ArrayList<>();
    List<Double> offsets = new ArrayList<>();
    try (BlazeFace faces = new BlazeFace(Assets.faceModel(), 2, 0.6)) {
      for (JsonNode c : clips) {
        double start = c.path("start").asDouble();
        double end = c.path("end").asDouble();
        assertTrue(end - start >= 15 && end - start <= 90, "length " + (end - start));
        assertNearBoundary(talk, start, true);
        assertNearBoundary(talk, end, false);
        int score = c.path("score").asInt();
        assertTrue(score >= 0 && score <= 100);
        for (String k : List.of("hook", "completeness", "density", "emotion")) {
          int v = c.path("scores").path(k).asInt(-1);
          assertTrue(v >= 0 && v <= 100, k + " = " + v);
        }
        assertTrue(c.path("reason").asText().length() > 10);
        assertTrue(!c.path("title").asText().isBlank());
        for (String f : List.of(c.path("video").asText(), c.path("thumbnail").asText(),
            c.path("captions").path("srt").asText(), c.path("captions").path("vtt").asText())) {
          assertTrue(Files.size(out.resolve(f)) > 0, f);
        }

        Path video = out.resolve(c.path("video").asText());
        MediaInfo info = FFprobe.probe(video);
        assertEquals(1080, info.width());
        assertEquals(1920, info.height());
        assertTrue(info.hasAudio());
        assertEquals(end - start, info.durationSeconds(), 0.5);
        ProcessRunner.Result decode = ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-i",
            video.toString(), "-f", "null", "-"), Duration.ofMinutes(3));
        assertEquals("", decode.stderrTail().strip(), "decoding " + video.getFileName());
        assertTrue(Files.readString(out.resolve(c.path("captions").path("srt").asText())).contains("-->"));

        measureFace(faces, video, faceFractions, offsets);
      }
    }
    double inFrame = faceFractions.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double medianOffset = offsets.stream().sorted().toList().get(offsets.size() / 2);
    JsonNode words = Json.MAPPER.readTree(out.resolve("transcript.json").toFile()).path("words");
    StringBuilder hyp = new StringBuilder();
    for (JsonNode w : words) hyp.append(w.path("word").asText()).append(' ');
    WordErrorRate wer = WordErrorRate.of(talk.text(), hyp.toString());
    System.out.printf(Locale.ROOT, "acceptance: %d clips; face in frame %.1f%%; median face offset %.1f%% of"
        + " width; WER %.1f%%; CLI %.0f s%n", clips.size(), 100 * inFrame, 100 * medianOffset, 100 * wer.rate(),
        run.seconds());
    assertTrue(inFrame >= 0.8, "face in frame in " + inFrame + " of the sampled frames");
    assertTrue(medianOffset <= 0.15, "median face offset " + medianOffset);
    assertTrue(wer.rate() <= 0.15, "word error rate " + wer);
    JsonNode first = words.get(0);
    assertTrue(first.has("start") && first.has("end") && first.has("confidence"));
  }

  /** A clip boundary lies within 0.75 s of a true sentence start (or end). */
  private static void assertNearBoundary(SampleVideo.Built talk, double t, boolean start) {
    double best = talk.sentences().stream()
        .mapToDouble(s -> Math.abs((start ? s.start() : s.end()) - t)).min().orElse(99);
    assertTrue(best <= 0.75, (start ? "start " : "end ") + t + " is " + best + " s from a sentence boundary");
  }

  /** Samples the clip at 1 fps: the share of frames with a face, and each face's offset from the centre. */
  private static void measureFace(BlazeFace faces, Path video, List<Double> fractions, List<Double> offsets)
      throws Exception {
    Path frames = Files.createTempDirectory("frames");
    try {
      ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-i", video.toString(), "-vf",
          "fps=1,scale=540:960", frames.resolve("f%03d.png").toString()), Duration.ofMinutes(3));
      int total = 0;
      int seen = 0;
      try (Stream<Path> s = Files.list(frames)) {
        for (Path f : s.sorted().toList()) {
          total++;
          var found = faces.detect(f);
          if (found.isEmpty()) continue;
          BlazeFace.Face face = found.get(0);
          if (face.centreX() < 0 || face.centreX() > 540) continue;
          seen++;
          offsets.add(Math.abs(face.centreX() - 270) / 540);
        }
      }
      fractions.add(total == 0 ? 0 : (double) seen / total);
    } finally {
      try (Stream<Path> s = Files.list(frames)) {
        for (Path f : s.toList()) Files.deleteIfExists(f);
      }
      Files.deleteIfExists(frames);
    }
  }
}
