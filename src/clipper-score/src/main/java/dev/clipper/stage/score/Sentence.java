package dev.clipper.stage.score;

import dev.clipper.transcript.Word;
import java.util.List;

/**
 * A sentence of the transcript. {@code closed} is true when it ends where the speaker ended it (terminal
 * punctuation or a sentence-length pause) and false when it was cut only because it ran too long.
 */
public record Sentence(List<Word> words, boolean closed) {
  public Sentence {
    if (words.isEmpty()) throw new IllegalArgumentException("empty sentence");
    words = List.copyOf(words);
  }

  public double start() {
    return words.get(0).start();
  }

  public double end() {
    return words.get(words.size() - 1).end();
  }

  public Word first() {
    return words.get(0);
  }

  public Word last() {
    return words.get(words.size() - 1);
  }

  public String text() {
    return String.join(" ", words.stream().map(Word::word).toList());
  }
}
