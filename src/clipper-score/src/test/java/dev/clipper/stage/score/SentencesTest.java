package dev.clipper.stage.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clipper.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentencesTest {
  @Test
  void punctuatedWordsSplitAtSentenceEndsButNotAtAbbreviations() {
    List<Word> words = HandWords.speak(0, 3, 0.1, "Mr. Dashwood had then leisure to consider.",
        "Was he ill disposed?", "No! He was \"rather selfish.\"", "And that is all...", "the end");
    Sentences.Split split = Sentences.split(words, ScoreSettings.DEFAULTS, 25);

    assertTrue(split.byPunctuation());
    assertEquals(List.of("Mr. Dashwood had then leisure to consider.", "Was he ill disposed?", "No!",
        "He was \"rather selfish.\"", "And that is all... the end"),
        split.sentences().stream().map(Sentence::text).toList());
  }

  @Test
  void unpunctuatedWordsSplitAtPausesLongerThanTheSpeakersOwnBreaths() {
    // in-sentence pauses up to 0.25 s (breaths), sentence pauses 0.7 s: the threshold must land between them
    List<Word> words = new ArrayList<>();
    double t = 0;
    String[][] sentences = {{"why", "do", "some", "teams", "thrive"}, {"researchers", "studied", "hundreds", "of", "teams"},
        {"the", "best", "teams", "were", "not", "the", "smartest"}, {"thank", "people", "for", "bad", "news"}};
    for (String[] s : sentences) {
      for (int i = 0; i < s.length; i++) {
        words.add(new Word(s[i], t, t + 0.3, 0.9));
        t += 0.3 + (i == 2 ? 0.25 : 0.02);
      }
      t += 0.7;
    }
    Sentences.Split split = Sentences.split(words, ScoreSettings.DEFAULTS, 25);

    assertFalse(split.byPunctuation());
    assertTrue(split.pauseThreshold() > 0.27 && split.pauseThreshold() < 0.72, "threshold " + split.pauseThreshold());
    assertEquals(4, split.sentences().size());
    assertEquals("the best teams were not the smartest", split.sentences().get(2).text());
    assertTrue(split.sentences().stream().allMatch(Sentence::closed));
  }

  @Test
  void aSentenceLongerThanAllowedIsCutAtItsLongestPauseAndMarkedOpen() {
    List<Word> words = new ArrayList<>(HandWords.speak(0, 3, 0, "one two three four five six seven eight nine ten"));
    words.addAll(HandWords.speak(3.8, 3, 0, "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen."));
    Sentences.Split split = Sentences.split(words, ScoreSettings.DEFAULTS, 5);

    assertEquals(2, split.sentences().size());
    assertFalse(split.sentences().get(0).closed());
    assertTrue(split.sentences().get(1).closed());
    assertEquals("eleven", split.sentences().get(1).first().word());
  }
}
