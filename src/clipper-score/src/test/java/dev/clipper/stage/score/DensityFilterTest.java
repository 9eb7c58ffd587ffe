package dev.clipper.stage.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.clip.ClipOptions;
import dev.clipper.clip.ScoredClip;
import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import dev.clipper.transcript.Transcript;
import dev.clipper.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DensityFilterTest {
  private static final String[] TALK = {"Here is the secret nobody tells you about building a small business.",
      "Most people think the hard part is the idea, but the idea is the easy part.",
      "The hard part is showing up every single day when nothing seems to work.",
      "I started my first company with three hundred dollars and a borrowed laptop.",
      "For the first six months, we made almost no money at all.",
      "Then one customer wrote to us and said our product saved her family business."};

  /** A word every 2.5 s: what a recogniser makes of music or a noisy room. */
  private static List<Word> sparse(double from, double to) {
    List<Word> out = new ArrayList<>();
    for (double t = from; t + 0.4 < to; t += 2.5) out.add(new Word("la.", t, t + 0.4, 0.9));
    return out;
  }

  @Test
  void aWindowOfSparseWordsIsDroppedAndADenseOneKept() {
    Window music = Window.of(Sentences.split(sparse(0, 40), ScoreSettings.DEFAULTS, 25).sentences());
    Window speech = HandWords.window(TALK);
    assertTrue(music.wordsPerSecond() < 0.5, "music: " + music.wordsPerSecond());
    assertFalse(ClipSelector.passesDensity(music, ScoreSettings.DEFAULTS));
    assertTrue(ClipSelector.passesDensity(speech, ScoreSettings.DEFAULTS), "speech: " + speech.wordsPerSecond());
  }

  @Test
  void garbledRecognitionFasterThanSpeechIsDropped() {
    Window garbled = Window.of(Sentences.split(HandWords.speak(0, 7, 0.1, TALK), ScoreSettings.DEFAULTS, 25)
        .sentences());
    assertFalse(ClipSelector.passesDensity(garbled, ScoreSettings.DEFAULTS), "rate " + garbled.wordsPerSecond());
  }

  @Test
  void clipsNeverReachIntoTheMusic() {
    List<Word> words = new ArrayList<>(sparse(0, 60));
    List<Word> talk = HandWords.speak(61, 2.8, 0.7, TALK);
    words.addAll(talk);
    double end = talk.get(talk.size() - 1).end() + 1;
    List<ScoredClip> clips = ClipSelector.select(new Transcript(words, "captions"), end, ClipOptions.DEFAULTS,
        ScoreSettings.DEFAULTS);
    assertFalse(clips.isEmpty());
    for (ScoredClip c : clips) assertTrue(c.start() >= 60.5, c.toString());
  }

  @Test
  void onlySparseWordsIsNoSpeech() {
    ClipperException e = assertThrows(ClipperException.class, () -> ClipSelector.select(
        new Transcript(sparse(0, 120), "pocketsphinx"), 120, ClipOptions.DEFAULTS, ScoreSettings.DEFAULTS));
    assertEquals(ErrorCode.NO_SPEECH, e.code());
    assertTrue(e.getMessage().contains("holds clear speech"), e.getMessage());
  }

  @Test
  void noWordsIsNoSpeechAndAShortSourceIsTooShort() {
    assertEquals(ErrorCode.NO_SPEECH, assertThrows(ClipperException.class, () -> ClipSelector.select(
        new Transcript(List.of(), "pocketsphinx"), 60, ClipOptions.DEFAULTS, ScoreSettings.DEFAULTS)).code());
    assertEquals(ErrorCode.SOURCE_TOO_SHORT, assertThrows(ClipperException.class, () -> ClipSelector.select(
        new Transcript(HandWords.speak(0, 3, 0.5, TALK[0]), "captions"), 10, ClipOptions.DEFAULTS,
        ScoreSettings.DEFAULTS)).code());
  }
}
