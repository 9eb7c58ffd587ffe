package dev.clipper.stage.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.clip.ClipOptions;
import dev.clipper.clip.ScoredClip;
import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.process.ProcessRunner;
import dev.clipper.sample.SampleVideo;
import dev.clipper.stage.transcribe.CaptionFileProvider;
import dev.clipper.stage.transcribe.PocketsphinxProvider;
import dev.clipper.stage.transcribe.TranscribeRequest;
import dev.clipper.stage.transcribe.TranscribeSettings;
import dev.clipper.transcript.Transcript;
import dev.clipper.transcript.Word;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clip selection on real transcripts of about four minutes of the sample talk spoken by flite, whose sentence
 * times are known: pocketsphinx's (no punctuation, sentences found by pauses) and captions' (punctuated).
 * The speech is built and recognised once for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClipSelectorTest {
  /** How far a clip edge may sit from a true sentence boundary: the lead-in/tail plus recogniser timing slack. */
  private static final double TOLERANCE = 0.75;

  private Path dir;
  private SampleVideo.Built talk;
  private Transcript recognised;

  @BeforeAll
  void recogniseFourMinutesOfTheSampleTalk(@TempDir Path tmp) {
    dir = tmp;
    talk = SampleVideo.speech(SampleVideo.talk(4), 0.6, dir.resolve("talk.wav"));
    recognised = new PocketsphinxProvider(TranscribeSettings.DEFAULTS)
        .transcribe(TranscribeRequest.of(talk.file()).withWorkDir(dir), p -> {}).orElseThrow();
  }

  /**
   * @param extraStarts sentence starts inside a spoken line ("Do you want to read more books? Start with one
   *     page a night." is one line of the sample talk but two sentences to a caption reader)
   */
  private void assertWellFormedClips(List<ScoredClip> clips, ClipOptions options, List<Double> extraStarts,
      List<Double> extraEnds) {
    assertTrue(clips.size() >= 3, "only " + clips.size() + " clips");
    assertTrue(clips.size() <= options.maxClips());
    List<Double> starts = new ArrayList<>(extraStarts);
    List<Double> ends = new ArrayList<>(extraEnds);
    talk.sentences().forEach(s -> {
      starts.add(s.start());
      ends.add(s.end());
    });
    for (int i = 0; i < clips.size(); i++) {
      ScoredClip c = clips.get(i);
      System.out.printf(Locale.ROOT, "  #%d %6.2f–%6.2f (%4.1f s) score %d %s%n      \"%s\" — %s%n", c.index(),
          c.start(), c.end(), c.duration(), c.score(), c.scores(), c.title(), c.reason());
      assertEquals(i + 1, c.index());
      if (i > 0) assertTrue(c.score() <= clips.get(i - 1).score(), "ranked by score");
      assertTrue(c.duration() >= options.minSeconds() && c.duration() <= options.maxSeconds(), c.toString());
      double startOff = starts.stream().mapToDouble(s -> Math.abs(s - c.start())).min().orElseThrow();
      double endOff = ends.stream().mapToDouble(e -> Math.abs(e - c.end())).min().orElseThrow();
      assertTrue(startOff <= TOLERANCE, "clip " + c.index() + " starts " + startOff + " s from a sentence start");
      assertTrue(endOff <= TOLERANCE, "clip " + c.index() + " ends " + endOff + " s from a sentence end");
      assertTrue(!c.title().isBlank() && c.title().length() <= 61, c.title());
      assertTrue(!c.reason().isBlank(), "reason");
      for (ScoredClip o : clips.subList(0, i)) {
        assertTrue(c.end() <= o.start() || c.start() >= o.end(), c + " overlaps " + o);
      }
    }
  }

  @Test
  void recognisedSpeechIsClippedOnSentenceBoundariesWithoutOverlap() {
    List<ScoredClip> clips = ClipSelector.select(recognised, talk.durationSeconds(), ClipOptions.DEFAULTS,
        ScoreSettings.DEFAULTS);
    System.out.println("pocketsphinx transcript, " + clips.size() + " clips:");
    assertWellFormedClips(clips, ClipOptions.DEFAULTS, List.of(), List.of());
  }

  @Test
  void pausesInTheRecognisedSpeechFindTheTrueSentences() {
    Sentences.Split split = Sentences.split(recognised.words(), ScoreSettings.DEFAULTS, 25);
    System.out.printf(Locale.ROOT, "adaptive pause threshold %.2f s, %d sentences found, %d spoken%n",
        split.pauseThreshold(), split.sentences().size(), talk.sentences().size());
    assertTrue(!split.byPunctuation());
    assertEquals(talk.sentences().size(), split.sentences().size());
    for (int i = 0; i < split.sentences().size(); i++) {
      assertEquals(talk.sentences().get(i).start(), split.sentences().get(i).start(), 0.5, "sentence " + i);
      assertEquals(talk.sentences().get(i).end(), split.sentences().get(i).end(), 0.5, "sentence " + i);
    }
  }

  @Test
  void captionsOfTheSameTalkAreClippedOnSentenceBoundariesToo() {
    // captions as a person would write them: one cue per sentence, at the true times, with punctuation
    StringBuilder srt = new StringBuilder();
    List<SampleVideo.Sentence> spans = talk.sentences();
    for (int i = 0; i < spans.size(); i++) {
      srt.append(i + 1).append('\n').append(srtTime(spans.get(i).start())).append(" --> ")
          .append(srtTime(spans.get(i).end())).append('\n').append(spans.get(i).text()).append("\n\n");
    }
    Transcript captions = new Transcript(CaptionFileProvider.parseSrt(srt.toString()), "captions");
    List<Double> innerStarts = new ArrayList<>();
    List<Double> innerEnds = new ArrayList<>();
    List<Word> words = captions.words();
    for (int i = 0; i + 1 < words.size(); i++) {
      if (words.get(i).word().matches(".*[.?!]$") && words.get(i + 1).start() - words.get(i).end() < 0.1) {
        innerEnds.add(words.get(i).end());
        innerStarts.add(words.get(i + 1).start());
      }
    }
    List<ScoredClip> clips = ClipSelector.select(captions, talk.durationSeconds(), ClipOptions.DEFAULTS,
        ScoreSettings.DEFAULTS);
    System.out.println("caption transcript, " + clips.size() + " clips:");
    assertWellFormedClips(clips, ClipOptions.DEFAULTS, innerStarts, innerEnds);
  }

  @Test
  void fewerAndShorterClipsWhenAskedFor() {
    ClipOptions options = new ClipOptions(2, 15, 30, 1080, 1920);
    List<ScoredClip> clips = ClipSelector.select(recognised, talk.durationSeconds(), options, ScoreSettings.DEFAULTS);
    assertEquals(2, clips.size());
    for (ScoredClip c : clips) assertTrue(c.duration() >= 15 && c.duration() <= 30, c.toString());
  }

  @Test
  void aHighBarLeavesOnlyTheBestClip() {
    List<ScoredClip> all = ClipSelector.select(recognised, talk.durationSeconds(), ClipOptions.DEFAULTS,
        ScoreSettings.DEFAULTS);
    List<ScoredClip> strict = ClipSelector.select(recognised, talk.durationSeconds(), ClipOptions.DEFAULTS,
        ScoreSettings.DEFAULTS.withMinScore(100));
    assertEquals(1, strict.size());
    assertEquals(all.get(0).score(), strict.get(0).score());
  }

  @Test
  void whatTheRecogniserMakesOfMusicIsNoSpeech() {
    // a warbling two-tone "song": pocketsphinx hears a dozen doubtful words in it, about 0.3 a second
    Path music = dir.resolve("music.wav");
    ProcessRunner.runChecked(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
        "aevalsrc=0.3*sin(2*PI*(220+110*sin(2*PI*0.5*t))*t)+0.2*sin(2*PI*330*t):s=16000:d=60", music.toString()),
        Duration.ofMinutes(1));
    Transcript heard = new PocketsphinxProvider(TranscribeSettings.DEFAULTS)
        .transcribe(TranscribeRequest.of(music).withWorkDir(dir), p -> {}).orElseThrow();
    System.out.println("pocketsphinx on music: " + heard.words().size() + " words: " + heard.text());

    ClipperException e = assertThrows(ClipperException.class,
        () -> ClipSelector.select(heard, 60, ClipOptions.DEFAULTS, ScoreSettings.DEFAULTS));
    assertEquals(ErrorCode.NO_SPEECH, e.code());
  }

  private static String srtTime(double s) {
    long ms = Math.round(s * 1000);
    return String.format(Locale.ROOT, "%02d:%02d:%02d,%03d", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
  }
}
