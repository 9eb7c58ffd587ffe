package dev.clipper.stage.transcribe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.process.ProcessRunner;
import dev.clipper.sample.SampleVideo;
import dev.clipper.transcript.Transcript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TranscriberTest {
  private static final List<String> SENTENCES = List.of(
      "Why do some teams thrive while others fall apart?",
      "Researchers studied hundreds of teams to find the answer.",
      "The best teams were not the ones with the smartest people.");

  private Path dir;
  private SampleVideo.Built speech;
  private final Transcriber transcriber = Transcriber.standard(TranscribeSettings.DEFAULTS);

  @BeforeAll
  void speak(@TempDir Path tmp) {
    dir = tmp;
    speech = SampleVideo.speech(SENTENCES, 0.6, dir.resolve("teams.wav"));
  }

  private Path ffmpeg(String name, String... args) {
    Path out = dir.resolve(name);
    List<String> cmd = new java.util.ArrayList<>(List.of("ffmpeg", "-nostdin", "-v", "error", "-y"));
    cmd.addAll(List.of(args));
    cmd.add(out.toString());
    ProcessRunner.runChecked(cmd, Duration.ofMinutes(1));
    return out;
  }

  @Test
  void silenceIsNoSpeech() {
    Path silence = ffmpeg("silence.wav", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "20");
    ClipperException e = assertThrows(ClipperException.class,
        () -> transcriber.transcribe(TranscribeRequest.of(silence).withWorkDir(dir), p -> {}));
    assertEquals(ErrorCode.NO_SPEECH, e.code());
    assertTrue(e.getMessage().contains("pocketsphinx recognised 0 words in 20.0 s"), e.getMessage());
  }

  @Test
  void aVideoWithoutSoundOrCaptionsIsNoAudio() {
    Path mute = ffmpeg("mute.mp4", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "3", "-c:v",
        "libx264", "-preset", "ultrafast");
    ClipperException e = assertThrows(ClipperException.class,
        () -> transcriber.transcribe(TranscribeRequest.of(mute).withWorkDir(dir), p -> {}));
    assertEquals(ErrorCode.NO_AUDIO, e.code());
  }

  @Test
  void sideCarCaptionsWinOverTheRecogniser() throws Exception {
    Path vtt = dir.resolve("teams.vtt");
    Files.writeString(vtt, "WEBVTT\n\n00:00.000 --> 00:03.000\n" + SENTENCES.get(0) + "\n\n00:03.600 --> 00:07.000\n"
        + SENTENCES.get(1) + "\n");
    Transcript t = transcriber.transcribe(TranscribeRequest.of(speech.file()).withCaptions(vtt).withWorkDir(dir),
        p -> {});
    assertEquals("captions", t.provider());
    assertTrue(t.text().startsWith("Why do some teams thrive while others fall apart?"), t.text());
  }

  @Test
  void captionsWithoutWordsFallThroughToTheRecogniser() throws Exception {
    Path srt = dir.resolve("music.srt");
    Files.writeString(srt, "1\n00:00:00,000 --> 00:00:09,000\n[Music]\n\n2\n00:00:09,000 --> 00:00:09,500\n♪ ♪\n");
    List<Double> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
    Transcript t = transcriber.transcribe(TranscribeRequest.of(speech.file()).withCaptions(srt).withWorkDir(dir),
        progress::add);
    assertEquals("pocketsphinx", t.provider());
    WordErrorRate wer = WordErrorRate.of(speech.text(), t.text());
    assertTrue(wer.rate() < 0.3, wer.toString());
    assertEquals(1.0, progress.get(progress.size() - 1));
    try (var s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("asr-")), "scratch files removed");
    }
  }

  @Test
  void aRecogniserThatCannotStartIsAToolFailureWithItsOwnExplanation() {
    TranscribeSettings d = TranscribeSettings.DEFAULTS;
    TranscribeSettings broken = new TranscribeSettings(d.pocketsphinx(), dir.resolve("no-such-model"),
        d.languageModel(), d.dictionary(), d.chunkSeconds(), d.parallelism(), d.recogniserTimeoutPerSecond(),
        d.extractTimeout(), d.minWords(), d.minSpeechFraction());
    ClipperException e = assertThrows(ClipperException.class, () -> new PocketsphinxProvider(broken)
        .transcribe(TranscribeRequest.of(speech.file()).withWorkDir(dir), p -> {}));
    assertEquals(ErrorCode.TOOL_FAILED, e.code());
    assertTrue(e.isTransient());
    assertTrue(e.getMessage().startsWith("pocketsphinx_continuous failed with exit code"), e.getMessage());
    assertTrue(e.detail() != null && e.detail().contains("no-such-model"), e.detail());
  }

  @Test
  void aFewWordsInALongRecordingAreNotEnoughSpeech() {
    Transcript few = new Transcript(List.of(new dev.clipper.transcript.Word("hello", 1, 1.4, 0.9),
        new dev.clipper.transcript.Word("there", 1.4, 1.8, 0.9), new dev.clipper.transcript.Word("friends", 1.8, 2.3, 0.9),
        new dev.clipper.transcript.Word("and", 2.3, 2.5, 0.9), new dev.clipper.transcript.Word("family", 2.5, 3.0, 0.9)),
        "pocketsphinx");
    String why = transcriber.tooLittleSpeech(few, 600);
    assertTrue(why != null && why.contains("covering only 2.0 s of 600.0 s"), why);
    assertEquals(null, transcriber.tooLittleSpeech(few, 30));
  }
}
