package dev.clipper.stage.transcribe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordErrorRateTest {
  @Test
  void caseAndPunctuationDoNotCount() {
    WordErrorRate w = WordErrorRate.of("Here's the secret: nobody tells you!", "here's the secret nobody tells you");
    assertEquals(0, w.errors());
    assertEquals(6, w.referenceWords());
  }

  @Test
  void countsSubstitutionsDeletionsAndInsertions() {
    // ref: the cat sat on the mat / hyp: the bat sat the mat today
    WordErrorRate w = WordErrorRate.of("the cat sat on the mat", "the bat sat the mat today");
    assertEquals(1, w.substitutions());
    assertEquals(1, w.deletions());
    assertEquals(1, w.insertions());
    assertEquals(0.5, w.rate(), 1e-9);
  }

  @Test
  void hyphensSplitAndApostrophesStay() {
    assertEquals(List.of("cold", "hearted", "don't"), WordErrorRate.normalise("Cold-hearted, \"don't\""));
  }
}
