package dev.clipper.stage.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.media.MediaInfo;
import dev.clipper.sample.Assets;
import dev.clipper.sample.SampleVideo;
import dev.clipper.storage.FileBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Local files: every way a file can be unusable gets its own code and a message a person understands. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FetcherLocalTest {
  private static final double MIN_SECONDS = 3;
  /** Every refusal must come quickly; the brief allows minutes, we want seconds. */
  private static final long MAX_FAILURE_MILLIS = 10_000;

  private Path media;
  private SampleVideo.Built talk;

  @TempDir Path work;
  @TempDir Path blobRoot;
  private FileBlobStore blobs;

  @BeforeAll
  void buildMedia(@TempDir Path dir) {
    media = dir;
    talk = TestMedia.talkingVideo(dir.resolve("talk.mp4"));
  }

  @BeforeEach
  void newStore() {
    blobs = new FileBlobStore(blobRoot);
  }

  @Test
  void storesALocalVideoUnderItsContentHashWithItsSideCarCaptions() throws IOException {
    Path dir = Files.createDirectories(work.resolve("in"));
    Path video = Files.copy(talk.file(), dir.resolve("talk.mp4"));
    Path srt = Files.writeString(dir.resolve("talk.srt"), "1\n00:00:00,000 --> 00:00:02,000\nClipper fetches\n");
    List<Double> progress = new ArrayList<>();

    FetchedSource source = fetcher(FetchSettings.DEFAULTS).fetch(
        FetchRequest.of(video.toString(), work.resolve("job"), MIN_SECONDS).withProgress(progress::add));

    String sha = TestMedia.sha256(video);
    assertEquals(sha, source.sha256());
    assertEquals("sources/" + sha + ".mp4", source.blobKey());
    assertArrayEquals(Files.readAllBytes(video), blobs.getBytes(source.blobKey()));
    MediaInfo info = source.media();
    assertEquals(640, info.width());
    assertEquals(360, info.height());
    assertTrue(info.hasVideo() && info.hasAudio());
    assertEquals(talk.durationSeconds(), info.durationSeconds(), 0.05);
    assertEquals("talk.mp4", source.displayName());
    assertEquals(video.toString(), source.input());
    assertEquals(Optional.of("sources/" + sha + ".srt"), source.captionsKey());
    assertArrayEquals(Files.readAllBytes(srt), blobs.getBytes(source.captionsKey().orElseThrow()));
    assertEquals(1.0, progress.get(progress.size() - 1));
    for (int i = 1; i < progress.size(); i++) assertTrue(progress.get(i) > progress.get(i - 1), "progress " + progress);
    assertFalse(Files.exists(work.resolve("job")), "a local file needs no work directory");
  }

  @Test
  void findsCaptionsNamedAfterTheWholeFileNameAndAcceptsFileUris() throws IOException {
    Path dir = Files.createDirectories(work.resolve("in"));
    Path video = Files.copy(talk.file(), dir.resolve("my talk.mp4"));
    Files.writeString(dir.resolve("my talk.mp4.vtt"), "WEBVTT\n\n00:00.000 --> 00:02.000\nClipper\n");

    FetchedSource source = fetcher(FetchSettings.DEFAULTS)
        .fetch(FetchRequest.of(video.toUri().toString(), work, MIN_SECONDS));

    assertEquals(Optional.of("sources/" + source.sha256() + ".vtt"), source.captionsKey());
    assertEquals("my talk.mp4", source.displayName());
  }

  @Test
  void ignoresASideCarFileThatHoldsNoCaptions() throws IOException {
    Path dir = Files.createDirectories(work.resolve("in"));
    Path video = Files.copy(talk.file(), dir.resolve("talk.mp4"));
    Files.writeString(dir.resolve("talk.srt"), "just some notes, no timings");

    FetchedSource source = fetcher(FetchSettings.DEFAULTS).fetch(FetchRequest.of(video.toString(), work, MIN_SECONDS));

    assertEquals(Optional.empty(), source.captionsKey());
  }

  @Test
  void doesNotUploadASourceThatIsAlreadyStored() throws IOException {
    Fetcher fetcher = fetcher(FetchSettings.DEFAULTS);
    FetchedSource first = fetcher.fetch(FetchRequest.of(talk.file().toString(), work, MIN_SECONDS));
    Path blob = blobs.pathOf(first.blobKey());
    Object before = Files.readAttributes(blob, BasicFileAttributes.class).fileKey();

    FetchedSource second = fetcher.fetch(FetchRequest.of(talk.file().toString(), work, MIN_SECONDS));

    assertEquals(first.blobKey(), second.blobKey());
    // FileBlobStore.put replaces the file (a new inode), so an unchanged inode means no second upload.
    assertEquals(before, Files.readAttributes(blob, BasicFileAttributes.class).fileKey());
  }

  @Test
  void anEmptyFileIsNotAVideo() throws IOException {
    Path empty = Files.createFile(media.resolve("empty.mp4"));
    assertRefused(empty, ErrorCode.NOT_A_VIDEO, "the file is empty");
  }

  @Test
  void aTextFileNamedMp4IsNotAVideo() throws IOException {
    Path text = Files.writeString(media.resolve("notes.mp4"), "These are my meeting notes, not a video.\n");
    assertRefused(text, ErrorCode.NOT_A_VIDEO, "it holds text, not video");
  }

  @Test
  void anMp4CutInHalfIsTruncated() {
    Path half = TestMedia.cut(talk.file(), 0.5, media.resolve("half.mp4"));
    assertRefused(half, ErrorCode.NOT_A_VIDEO, "the file is truncated or corrupt");
  }

  @Test
  void anMp4MissingItsLastQuarterIsTruncated() {
    Path cut = TestMedia.cut(talk.file(), 0.75, media.resolve("three-quarters.mp4"));
    assertRefused(cut, ErrorCode.NOT_A_VIDEO, "the file is truncated or corrupt");
  }

  @Test
  void anMp4WithItsIndexAtTheEndCutInHalfIsTruncated() {
    Path whole = TestMedia.pattern(media.resolve("slow-start.mp4"), 5, "sine=frequency=440", false);
    Path half = TestMedia.cut(whole, 0.5, media.resolve("slow-start-half.mp4"));
    assertRefused(half, ErrorCode.NOT_A_VIDEO, "the file is truncated or corrupt");
  }

  @Test
  void audioWithACoverPictureIsNotAVideo() {
    Path m4a = TestMedia.audioWithCover(media.resolve("song.m4a"));
    assertRefused(m4a, ErrorCode.NOT_A_VIDEO, "only audio");
  }

  @Test
  void aWavFileIsNotAVideo() {
    Path wav = TestMedia.wav(media.resolve("speech.wav"));
    assertRefused(wav, ErrorCode.NOT_A_VIDEO, "only audio");
  }

  @Test
  void aPhotoIsNotAVideo() throws IOException {
    Path photo = Files.copy(Assets.photo("jesper.jpg"), media.resolve("photo.mp4"));
    assertRefused(photo, ErrorCode.NOT_A_VIDEO, "still image");
  }

  @Test
  void aVideoWithoutAudioHasNoAudio() {
    Path mute = TestMedia.pattern(media.resolve("mute.mp4"), 5, null, true);
    assertRefused(mute, ErrorCode.NO_AUDIO, "no audio track");
  }

  @Test
  void aVideoWithASilentTrackHasNoSpeech() {
    Path silent = TestMedia.pattern(media.resolve("silent.mp4"), 5, "anullsrc=r=48000:cl=mono", true);
    assertRefused(silent, ErrorCode.NO_SPEECH, "the audio track is silent");
  }

  @Test
  void aLongVideoIsCheckedForSilenceInWindowsThatReachItsEnd() {
    // Over ten minutes, silence is measured in windows spread over the whole length, not the whole track.
    Path silent = TestMedia.longVideo(media.resolve("long-silent.mp4"), 700, 700);
    assertRefused(silent, ErrorCode.NO_SPEECH, "the audio track is silent");

    Path lateStart = TestMedia.longVideo(media.resolve("long-late-start.mp4"), 700, 600);
    long start = System.nanoTime();
    FetchedSource source = fetcher(FetchSettings.DEFAULTS).fetch(FetchRequest.of(lateStart.toString(), work, 15));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(700, source.media().durationSeconds(), 0.5);
    assertTrue(millis < 10_000, "took " + millis + " ms");
  }

  @Test
  void aVideoShorterThanTheShortestClipIsTooShort() {
    Path brief = TestMedia.pattern(media.resolve("brief.mp4"), 2, "sine=frequency=440", true);
    ClipperException e = assertRefused(brief, ErrorCode.SOURCE_TOO_SHORT, "shorter than the minimum clip length");
    assertTrue(e.getMessage().contains("2.0 s"), e.getMessage());
  }

  @Test
  void aVideoLongerThanTheLimitIsTooLarge() {
    ClipperException e = assertRefused(talk.file(), FetchSettings.DEFAULTS.withMaxDurationSeconds(4),
        ErrorCode.SOURCE_TOO_LARGE, "the limit is 4.0 s");
    assertTrue(e.getMessage().startsWith("the video is"), e.getMessage());
  }

  @Test
  void aFileOverTheByteLimitIsTooLarge() {
    assertRefused(talk.file(), FetchSettings.DEFAULTS.withMaxSourceBytes(10_000), ErrorCode.SOURCE_TOO_LARGE,
        "the limit is 10000 bytes");
  }

  @Test
  void aMissingFileIsNotFoundAndTheMessageNamesIt() {
    Path missing = media.resolve("no-such-video.mp4");
    assertRefused(missing, ErrorCode.SOURCE_NOT_FOUND, "no such file: " + missing);
  }

  @Test
  void aDirectoryIsNotAVideo() {
    assertRefused(media, ErrorCode.NOT_A_VIDEO, "is a directory");
  }

  private ClipperException assertRefused(Path input, ErrorCode code, String messagePart) {
    return assertRefused(input, FetchSettings.DEFAULTS, code, messagePart);
  }

  private ClipperException assertRefused(Path input, FetchSettings settings, ErrorCode code, String messagePart) {
    Path jobDir = work.resolve("job");
    long start = System.nanoTime();
    ClipperException e = assertThrows(ClipperException.class,
        () -> fetcher(settings).fetch(FetchRequest.of(input.toString(), jobDir, MIN_SECONDS)));
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("%-45s %-17s %5d ms  %s%n", input.getFileName(), e.code().code(), millis, e.getMessage());
    assertEquals(code, e.code(), e.toString());
    assertTrue(e.getMessage().contains(messagePart), "message: " + e.getMessage());
    assertFalse(e.isTransient(), "a bad file is never worth retrying");
    assertTrue(millis < MAX_FAILURE_MILLIS, "took " + millis + " ms");
    assertEquals(List.of(), blobs.list(""), "nothing stored");
    assertTrue(!Files.exists(jobDir) || TestMedia.listTree(jobDir).isEmpty(), "nothing left in the work directory");
    return e;
  }

  private Fetcher fetcher(FetchSettings settings) {
    return new Fetcher(blobs, settings);
  }
}
