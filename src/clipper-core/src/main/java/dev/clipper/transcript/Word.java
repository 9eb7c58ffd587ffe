package dev.clipper.transcript;

/** One recognised word with its time span in seconds of the source and a confidence in [0, 1]. */
public record Word(String word, double start, double end, double confidence) {
  public Word {
    if (word == null || word.isBlank()) throw new IllegalArgumentException("empty word");
    if (end < start) throw new IllegalArgumentException("word ends before it starts: " + word);
  }
}
