package dev.clipper.stage.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.clip.ClipOptions;
import dev.clipper.clip.ScoredClip;
import dev.clipper.clip.Scores;
import dev.clipper.crop.CropPath;
import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.media.FFprobe;
import dev.clipper.media.MediaInfo;
import dev.clipper.sample.Assets;
import dev.clipper.sample.SampleVideo;
import dev.clipper.transcript.Word;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encodes real clips of a real talking video (a face photo panning, flite speech): a 20 s clip at 360×640
 * with a crop that jumps at known times, once with captions and once without, plus a short clip at the
 * default 1080×1920, and failures of ffmpeg.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClipEncoderTest {
  private static final int W = 360;
  private static final int H = 640;
  private static final double CLIP_START = 3.0;
  private static final double CLIP_END = 23.0;
  private static final int CROP_W = 202;
  private static final int CROP_RIGHT = 640 - CROP_W;
  /** Left edge until 5 s into the clip, right edge until 10 s, then the middle. */
  private static final CropPath MOVING = new CropPath(640, 360, CROP_W, 360, List.of(
      new CropPath.Keyframe(0, 0, 0), new CropPath.Keyframe(5, CROP_RIGHT, 0), new CropPath.Keyframe(10, 219, 0)),
      "face", "test path");

  private Path tmp;
  private SampleVideo.Built source;
  private List<Word> words;
  private ScoredClip clip;
  private EncodedClip captioned;
  private EncodedClip plain;
  private final List<Double> progress = new CopyOnWriteArrayList<>();

  @BeforeAll
  void encodeTheSampleClipWithAndWithoutCaptions(@TempDir Path dir) throws IOException {
    tmp = dir;
    source = SampleVideo.talkingVideo(Assets.photo("jesper.jpg"), SampleVideo.talkSentences().subList(0, 7),
        new SampleVideo.Look(640, 360, 15, 40, 8), tmp.resolve("talk.mp4"));
    assertTrue(source.durationSeconds() > CLIP_END + 1, "sample lasts " + source.durationSeconds());
    words = TalkingWords.of(source);
    clip = new ScoredClip(1, CLIP_START, CLIP_END, 80, new Scores(80, 80, 80, 80), "test", "Test");
    // an awkward directory name proves the filter arguments are escaped
    Path odd = tmp.resolve("out dir, with: 'odd' [chars]; \\ too");
    // a dead attempt's leftovers, which the next attempt must clear
    Files.createDirectories(odd.resolve(".clip-01.work-deadbeef"));
    Files.writeString(odd.resolve(".clip-01.mp4.deadbeef.tmp"), "partial");
    captioned = new ClipEncoder().encode(request(MOVING, W, H, odd, "clip-01"), progress::add);
    plain = new ClipEncoder(EncodeSettings.DEFAULTS.withBurnCaptions(false))
        .encode(request(MOVING, W, H, tmp.resolve("plain"), "clip-01"));
  }

  private EncodeRequest request(CropPath crop, int w, int h, Path dir, String stem) {
    return new EncodeRequest(source.file(), clip, words, crop, w, h, dir, stem);
  }

  @Test
  void theClipIsAnH264AacMp4OfTheRequestedSizeAndDuration() {
    MediaInfo info = FFprobe.probe(captioned.video());
    assertEquals(W, info.width());
    assertEquals(H, info.height());
    assertEquals("h264", info.videoCodec());
    assertEquals("aac", info.audioCodec());
    assertEquals(20.0, info.durationSeconds(), 0.3);
    assertEquals("", Frames.decodeErrors(captioned.video()), "decoding printed errors");
    assertEquals(captioned.video().getParent().resolve("clip-01.mp4"), captioned.video());
  }

  @Test
  void theOutputDirectoryHoldsExactlyTheFourFinalFiles() throws IOException {
    Path dir = captioned.video().getParent();
    try (Stream<Path> s = Files.list(dir)) {
      List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(List.of("clip-01.jpg", "clip-01.mp4", "clip-01.srt", "clip-01.vtt"), names,
          "temporary files, work directories and the dead attempt's leftovers are gone");
    }
  }

  @Test
  void faststartPutsTheIndexBeforeTheMediaData() throws IOException {
    byte[] head = new byte[64 * 1024];
    try (var in = Files.newInputStream(captioned.video())) {
      int n = in.readNBytes(head, 0, head.length);
      String text = new String(head, 0, n, StandardCharsets.ISO_8859_1);
      int moov = text.indexOf("moov");
      int mdat = text.indexOf("mdat");
      assertTrue(moov > 0 && (mdat < 0 || moov < mdat), "moov at " + moov + ", mdat at " + mdat);
    }
  }

  @Test
  void progressRisesToOneOnlyAtTheEnd() {
    assertTrue(progress.size() >= 3, "progress reports: " + progress);
    for (int i = 1; i < progress.size(); i++) assertTrue(progress.get(i) > progress.get(i - 1), progress.toString());
    assertEquals(1.0, progress.get(progress.size() - 1));
    assertTrue(progress.get(progress.size() - 2) < 1.0);
  }

  @Test
  void theCropWindowMovesAtTheKeyframeTimesCountedFromTheClipStart() {
    // just before and after the switch at 5 s; a path read in source time would switch at 2 s
    assertFrameShowsCrop(4.8, 0, CROP_RIGHT);
    assertFrameShowsCrop(5.2, CROP_RIGHT, 0);
    assertFrameShowsCrop(3.0, 0, CROP_RIGHT);
    assertFrameShowsCrop(12.0, 219, 0);
  }

  /** The clip's frame at t is the source frame at start+t cropped at x=expected, not at x=other. */
  private void assertFrameShowsCrop(double t, int expectedX, int otherX) {
    byte[] frame = Frames.gray(plain.video(), t, null);
    byte[] expected = Frames.gray(source.file(), CLIP_START + t, cropScale(expectedX));
    byte[] other = Frames.gray(source.file(), CLIP_START + t, cropScale(otherX));
    double good = Frames.meanAbsDiff(frame, expected, W, 0, H);
    double bad = Frames.meanAbsDiff(frame, other, W, 0, H);
    assertTrue(good < 6 && bad > 3 * good, "at " + t + " s: diff to x=" + expectedX + " is " + good + ", to x="
        + otherX + " is " + bad);
  }

  private static String cropScale(int x) {
    return "crop=" + CROP_W + ":360:" + x + ":0,scale=" + W + ":" + H;
  }

  @Test
  void captionsAreBurnedInAboveTheBottomFifthWithTheSpokenWordHighlighted() {
    int spoken = 0;
    for (Word w : words) {
      double t = w.start() + (w.end() - w.start()) / 2 - CLIP_START;
      if (t < 1 || t > 19 || w.end() - w.start() < 0.25) continue;
      byte[] a = Frames.gray(captioned.video(), t, null);
      byte[] b = Frames.gray(plain.video(), t, null);
      int captionTop = (int) (H * 0.55);
      int bottomFifth = (int) (H * 0.8);
      double band = Frames.meanAbsDiff(a, b, W, captionTop, bottomFifth);
      double above = Frames.meanAbsDiff(a, b, W, 0, captionTop);
      double below = Frames.meanAbsDiff(a, b, W, bottomFifth, H);
      String diffs = " (band " + band + ", above " + above + ", bottom fifth " + below + ")";
      assertTrue(band > 5, "at " + t + " s the caption band hardly differs" + diffs);
      // elsewhere the two encodes differ only by compression noise
      assertTrue(above < 1.5 && band > 5 * above, "at " + t + " s the picture above the captions differs" + diffs);
      assertTrue(below < 1.5 && band > 5 * below, "at " + t + " s captions reach the bottom fifth" + diffs);
      byte[] rgb = Frames.rgb(captioned.video(), t);
      byte[] plainRgb = Frames.rgb(plain.video(), t);
      int highlight = Frames.pixelsNear(rgb, W, captionTop, bottomFifth, 0xFFE135, 40);
      assertTrue(highlight > 60, "at " + t + " s only " + highlight + " highlight-coloured pixels");
      assertTrue(Frames.pixelsNear(plainRgb, W, captionTop, bottomFifth, 0xFFE135, 40) < highlight / 10);
      if (++spoken == 3) break;
    }
    assertEquals(3, spoken);
  }

  @Test
  void srtAndVttAreWrittenFromTheClipsWordsInClipTime() throws IOException {
    Captions expected = Captions.forClip(words, CLIP_START, CLIP_END);
    assertEquals(expected.srt(CaptionSettings.DEFAULTS), Files.readString(captioned.srt()));
    assertEquals(expected.vtt(CaptionSettings.DEFAULTS), Files.readString(captioned.vtt()));
    assertTrue(Files.readString(captioned.srt()).startsWith("1\n00:00:0"));
  }

  @Test
  void theThumbnailIsAJpegFrameOfTheCroppedClip() {
    MediaInfo thumb = FFprobe.probe(captioned.thumbnail());
    assertEquals("mjpeg", thumb.videoCodec());
    assertEquals(W, thumb.width(), "540 wide is capped at the 360 wide output");
    assertEquals(H, thumb.height());
    // taken 30% in (6 s): the crop is at the right edge then, and the thumbnail carries no captions
    byte[] still = Frames.gray(captioned.thumbnail(), 0, null);
    byte[] right = Frames.gray(source.file(), CLIP_START + 6, cropScale(CROP_RIGHT));
    byte[] left = Frames.gray(source.file(), CLIP_START + 6, cropScale(0));
    double good = Frames.meanAbsDiff(still, right, W, 0, H);
    assertTrue(good < 6 && Frames.meanAbsDiff(still, left, W, 0, H) > 3 * good, "thumbnail diff " + good);
  }

  @Test
  void theDefaultOutputIs1080x1920WithA540x960Thumbnail() throws IOException {
    ScoredClip shortClip = new ScoredClip(2, 10.0, 14.0, 70, new Scores(70, 70, 70, 70), "test", "Short");
    EncodedClip full = new ClipEncoder().encode(new EncodeRequest(source.file(), shortClip, words,
        CropPath.centre(640, 360, 1080, 1920, "test"), ClipOptions.DEFAULTS, tmp.resolve("full"), "clip-02"));
    MediaInfo info = FFprobe.probe(full.video());
    assertEquals(1080, info.width());
    assertEquals(1920, info.height());
    assertTrue(info.hasAudio());
    assertEquals(4.0, info.durationSeconds(), 0.3);
    assertEquals("", Frames.decodeErrors(full.video()));
    MediaInfo thumb = FFprobe.probe(full.thumbnail());
    assertEquals(540, thumb.width());
    assertEquals(960, thumb.height());
    for (Path p : full.files()) assertTrue(Files.size(p) > 0, p + " is empty");
  }

  @Test
  void aCorruptSourceFailsAsToolFailedAndLeavesNoFiles() throws IOException {
    Path corrupt = tmp.resolve("corrupt.mp4");
    byte[] junk = new byte[200_000];
    new Random(7).nextBytes(junk);
    Files.write(corrupt, junk);
    Path out = tmp.resolve("corrupt-out");
    ClipperException e = assertThrows(ClipperException.class, () -> new ClipEncoder().encode(
        new EncodeRequest(corrupt, clip, words, MOVING, W, H, out, "clip-03")));
    assertEquals(ErrorCode.TOOL_FAILED, e.code());
    assertTrue(e.getMessage().contains("exit code"), e.getMessage());
    assertNotNull(e.detail());
    assertTrue(e.detail().contains("Invalid data"), e.detail());
    assertEquals(List.of(), listing(out));
  }

  @Test
  void anImpossibleCropFailsAsToolFailedWithFfmpegsComplaint() throws IOException {
    // the right shape but larger than the 640x360 source
    CropPath tooBig = new CropPath(640, 360, 404, 720, List.of(new CropPath.Keyframe(0, 0, 0)), "face", "bad");
    Path out = tmp.resolve("bad-crop-out");
    ClipperException e = assertThrows(ClipperException.class, () -> new ClipEncoder().encode(
        request(tooBig, W, H, out, "clip-04")));
    assertEquals(ErrorCode.TOOL_FAILED, e.code());
    assertTrue(e.detail().toLowerCase().contains("too big"), e.detail());
    assertEquals(List.of(), listing(out));
  }

  @Test
  void aKilledFfmpegLeavesNothingThatLooksFinished() throws Exception {
    Path out = tmp.resolve("killed-out");
    CompletableFuture<Void> started = new CompletableFuture<>();
    CompletableFuture<EncodedClip> run = CompletableFuture.supplyAsync(() -> new ClipEncoder().encode(
        request(MOVING, 1080, 1920, out, "clip-05"), p -> {
          if (p > 0.05) started.complete(null);
        }));
    run.whenComplete((clip, error) -> started.complete(null)); // an early failure must not wait a minute
    started.get(60, TimeUnit.SECONDS);
    List<ProcessHandle> ffmpegs = ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("ffmpeg")).orElse(false)).toList();
    assertEquals(1, ffmpegs.size(), "one ffmpeg running");
    List<String> during = listing(out);
    assertTrue(during.stream().noneMatch(n -> n.equals("clip-05.mp4")), "final name before the end: " + during);
    ffmpegs.get(0).destroyForcibly();

    Exception e = assertThrows(Exception.class, () -> run.get(60, TimeUnit.SECONDS));
    ClipperException ce = (ClipperException) e.getCause();
    assertEquals(ErrorCode.TOOL_FAILED, ce.code());
    assertTrue(ce.getMessage().contains("signal 9"), ce.getMessage());
    assertEquals(List.of(), listing(out));
  }

  private static List<String> listing(Path dir) throws IOException {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      return new ArrayList<>(s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void cropCommandsAreSendcmdLinesInClipTime() {
    assertEquals("5.000 crop x 438, crop y 0;\n10.000 crop x 219, crop y 0;\n",
        ClipEncoder.cropCommands(MOVING, 20).replace(System.lineSeparator(), "\n"));
    assertEquals("", ClipEncoder.cropCommands(MOVING, 5), "keyframes at or after the end are dropped");
    assertFalse(ClipEncoder.cropCommands(new CropPath(640, 360, CROP_W, 360,
        List.of(new CropPath.Keyframe(0, 0, 0), new CropPath.Keyframe(1, 9999, -5)), "face", ""), 20)
        .contains("9999"), "positions are clamped into the source");
  }
}
