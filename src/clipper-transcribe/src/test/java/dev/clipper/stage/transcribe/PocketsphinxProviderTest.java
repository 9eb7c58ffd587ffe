package dev.clipper.stage.transcribe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.sample.Assets;
import dev.clipper.sample.SampleVideo;
import dev.clipper.transcript.Transcript;
import dev.clipper.transcript.Word;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recogniser on real speech: flite reading sentences of the sample talk (known text and sentence times) and
 * LibriVox recordings of a person reading (known text). The speech is built and recognised once per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PocketsphinxProviderTest {
  /** The defaults: 60 s chunks, two at a time, so the 3.5 minutes of speech is cut three times. */
  private static final TranscribeSettings SETTINGS = TranscribeSettings.DEFAULTS;

  private Path dir;
  private SampleVideo.Built talk;
  private Transcript transcript;
  private final List<Double> progress = new CopyOnWriteArrayList<>();
  private double secondsTaken;

  @BeforeAll
  void recogniseTheSampleTalk(@TempDir Path tmp) {
    dir = tmp;
    talk = SampleVideo.speech(SampleVideo.talk(4), 0.6, dir.resolve("talk.wav"));
    long t0 = System.nanoTime();
    transcript = new PocketsphinxProvider(SETTINGS)
        .transcribe(TranscribeRequest.of(talk.file()).withWorkDir(dir.resolve("work")), progress::add).orElseThrow();
    secondsTaken = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "pocketsphinx: %.1f s of speech in %.1f s = %.3f x real time (%d chunks at once)%n",
        talk.durationSeconds(), secondsTaken, secondsTaken / talk.durationSeconds(), SETTINGS.parallelism());
  }

  @Test
  void recognisesFliteReadingTheSampleTalkWithAtMost15PercentWordErrors() {
    WordErrorRate wer = WordErrorRate.of(talk.text(), transcript.text());
    System.out.println("sample talk (flite): " + wer);
    assertEquals("pocketsphinx", transcript.provider());
    assertTrue(wer.rate() <= 0.15, wer.toString());
  }

  @Test
  void everyWordLiesInsideTheSentenceThatWasSpokenThere() {
    List<SampleVideo.Sentence> spans = talk.sentences();
    double worst = 0;
    int[] perSentence = new int[spans.size()];
    for (Word w : transcript.words()) {
      int best = -1;
      double bestOutside = Double.MAX_VALUE;
      for (int i = 0; i < spans.size(); i++) {
        double outside = Math.max(0, spans.get(i).start() - w.start()) + Math.max(0, w.end() - spans.get(i).end());
        if (outside < bestOutside) {
          bestOutside = outside;
          best = i;
        }
      }
      perSentence[best]++;
      worst = Math.max(worst, bestOutside);
      assertTrue(bestOutside <= 0.2, w + " lies " + bestOutside + " s outside sentence " + spans.get(best));
    }
    System.out.printf(Locale.ROOT, "worst word outside its sentence: %.3f s%n", worst);
    for (int i = 0; i < spans.size(); i++) {
      int expected = WordErrorRate.normalise(spans.get(i).text()).size();
      assertTrue(Math.abs(perSentence[i] - expected) <= Math.max(2, expected / 3),
          "sentence " + i + " '" + spans.get(i).text() + "' got " + perSentence[i] + " words");
    }
  }

  @Test
  void wordsComeInOrderWithConfidenceOnTheUnitInterval() {
    List<Word> words = transcript.words();
    for (int i = 0; i < words.size(); i++) {
      Word w = words.get(i);
      assertTrue(w.confidence() >= 0 && w.confidence() <= 1, w.toString());
      assertTrue(!w.word().matches(".*[<>\\[\\]()].*"), "no markers left: " + w);
      if (i > 0) assertTrue(w.start() >= words.get(i - 1).end() - 1e-6, "overlap at " + w);
    }
    double mean = words.stream().mapToDouble(Word::confidence).average().orElse(0);
    System.out.printf(Locale.ROOT, "mean confidence on flite speech: %.2f%n", mean);
    assertTrue(mean > 0.6, "mean confidence " + mean);
  }

  @Test
  void reportsProgressThatGrowsToTheEnd() {
    assertTrue(progress.size() >= 4, "progress reports: " + progress);
    assertEquals(1.0, progress.get(progress.size() - 1), 1e-9);
    for (int i = 1; i < progress.size(); i++) assertTrue(progress.get(i) >= progress.get(i - 1), progress.toString());
  }

  @Test
  void longAudioIsCutOnlyInThePausesBetweenSentences() throws IOException {
    Path raw = dir.resolve("talk.s16");
    dev.clipper.process.ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-i",
        talk.file().toString(), "-f", "s16le", "-acodec", "pcm_s16le", raw.toString()), java.time.Duration.ofMinutes(1));
    List<AudioChunks.Chunk> chunks = AudioChunks.plan(AudioChunks.frameLoudness(raw), Files.size(raw) / 2, 30);

    assertTrue(chunks.size() >= 6, "chunks: " + AudioChunks.describe(chunks));
    List<SampleVideo.Sentence> spans = talk.sentences();
    for (AudioChunks.Chunk c : chunks.subList(1, chunks.size())) {
      double cut = c.startSeconds();
      boolean inPause = false;
      for (int i = 0; i + 1 < spans.size(); i++) {
        inPause |= cut > spans.get(i).end() && cut < spans.get(i + 1).start();
      }
      assertTrue(inPause, "cut at " + cut + " s is inside a sentence");
    }
    for (AudioChunks.Chunk c : chunks) {
      assertTrue(c.seconds() >= 30 * 0.375 - 0.2 && c.seconds() <= 30 * 1.25 + 0.2, "chunk of " + c.seconds() + " s");
    }
  }

  @Test
  void recognisesLibriVoxReadersWithinTheMeasuredBound() throws IOException {
    Path librivox = Assets.librivox();
    List<String> reference = new ArrayList<>();
    List<String> hypothesis = new ArrayList<>();
    PocketsphinxProvider asr = new PocketsphinxProvider(TranscribeSettings.DEFAULTS);
    for (String line : Files.readAllLines(librivox.resolve("transcription"))) {
      // "<s> he was not an ill disposed young man </s> (sense_and_sensibility_01_austen_64kb-0880)"
      String id = line.substring(line.lastIndexOf('(') + 1, line.lastIndexOf(')'));
      String text = line.substring(0, line.lastIndexOf('(')).replace("<s>", "").replace("</s>", "").strip();
      Transcript t = asr.transcribe(TranscribeRequest.of(librivox.resolve(id + ".wav")).withWorkDir(dir), p -> {})
          .orElseThrow();
      System.out.println("  ref: " + text + "\n  hyp: " + t.text());
      reference.add(text);
      hypothesis.add(t.text());
    }
    WordErrorRate wer = WordErrorRate.of(String.join(" ", reference), String.join(" ", hypothesis));
    System.out.println("LibriVox: " + wer);
    assertEquals(5, reference.size());
    assertTrue(wer.rate() <= 0.5, wer.toString());
  }
}
