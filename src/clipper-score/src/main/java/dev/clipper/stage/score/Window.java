package dev.clipper.stage.score;

import dev.clipper.transcript.Word;
import java.util.List;

/**
 * A candidate clip: consecutive whole sentences, and the clip's bounds in seconds of the source, which are its
 * speech plus a little lead-in and tail.
 */
public record Window(List<Sentence> sentences, double start, double end) {
  public Window {
    if (sentences.isEmpty()) throw new IllegalArgumentException("empty window");
    sentences = List.copyOf(sentences);
    if (end < start) throw new IllegalArgumentException("window ends before it starts");
  }

  /** A window exactly as long as its speech, for sentences taken out of context. */
  public static Window of(List<Sentence> sentences) {
    return new Window(sentences, sentences.get(0).start(), sentences.get(sentences.size() - 1).end());
  }

  public List<Word> words() {
    return sentences.stream().flatMap(s -> s.words().stream()).toList();
  }

  public int wordCount() {
    return sentences.stream().mapToInt(s -> s.words().size()).sum();
  }

  public double duration() {
    return end - start;
  }

  public double wordsPerSecond() {
    return duration() <= 0 ? 0 : wordCount() / duration();
  }

  public double meanConfidence() {
    return words().stream().mapToDouble(Word::confidence).average().orElse(0);
  }

  public Sentence first() {
    return sentences.get(0);
  }

  public Sentence last() {
    return sentences.get(sentences.size() - 1);
  }

  public boolean overlaps(Window other) {
    return start < other.end && other.start < end;
  }

  public String text() {
    return String.join(" ", sentences.stream().map(Sentence::text).toList());
  }
}
