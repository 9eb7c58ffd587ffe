package dev.clipper.stage.score;

import dev.clipper.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Hand-written speech for unit tests: sentences spoken at a given pace with pauses between them. */
final class HandWords {
  private HandWords() {}

  /** Words of the sentences, each sentence at {@code wordsPerSecond}, {@code pause} seconds between sentences. */
  static List<Word> speak(double start, double wordsPerSecond, double pause, String... sentences) {
    List<Word> out = new ArrayList<>();
    double t = start;
    for (String s : sentences) {
      for (String w : s.split("\\s+")) {
        double d = 1 / wordsPerSecond;
        out.add(new Word(w, t, t + d * 0.9, 0.9));
        t += d;
      }
      t += pause;
    }
    return out;
  }

  /** One window of punctuated sentences spoken at 3 words/s. */
  static Window window(String... sentences) {
    return Window.of(Sentences.split(speak(0, 3, 0.6, sentences), ScoreSettings.DEFAULTS, 25).sentences());
  }

  /** One window of lower-case, unpunctuated sentences (as a recogniser prints them), split by pauses. */
  static Window spoken(String... sentences) {
    String[] plain = new String[sentences.length];
    for (int i = 0; i < sentences.length; i++) plain[i] = sentences[i].toLowerCase(Locale.ROOT).replaceAll("[^a-z' ]", "");
    return Window.of(Sentences.split(speak(0, 3, 0.8, plain), ScoreSettings.DEFAULTS, 25).sentences());
  }
}
