package dev.clipper.transcript;

import java.util.List;

/**
 * A word-level transcript of a whole source. {@code provider} names where it came from
 * ("captions", "pocketsphinx", ...).
 */
public record Transcript(List<Word> words, String provider) {
  public Transcript {
    words = List.copyOf(words);
  }

  /** The words that overlap [start, end), in order. */
  public List<Word> between(double start, double end) {
    return words.stream().filter(w -> w.end() > start && w.start() < end).toList();
  }

  public String text() {
    StringBuilder sb = new StringBuilder();
    for (Word w : words) {
      if (sb.length() > 0) sb.append(' ');
      sb.append(w.word());
    }
    return sb.toString();
  }
}
