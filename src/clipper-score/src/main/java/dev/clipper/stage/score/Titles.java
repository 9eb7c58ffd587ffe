package dev.clipper.stage.score;

import dev.clipper.transcript.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A short, hook-like title from a clip's own words: its opening sentence, stripped of a leading "and so" or
 * "um", cut at a clause boundary (or a word boundary, with an ellipsis) to at most {@link #MAX} characters, and
 * title-cased. A question keeps (or, from an unpunctuated transcript, gains) its question mark, which also
 * stands in for the ellipsis when a question is cut short.
 */
final class Titles {
  static final int MAX = 60;
  private static final Set<String> SMALL = Set.of("a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet",
      "at", "by", "in", "of", "on", "to", "up", "as", "per", "via", "vs");
  private static final Set<String> SKIP = Set.of("now", "so", "and", "but", "well", "um", "uh", "okay", "ok", "oh",
      "yeah", "like", "anyway", "also", "then", "because", "plus", "right");

  private Titles() {}

  static String of(Window w) {
    List<String> tokens = new ArrayList<>(w.first().words().stream().map(Word::word).toList());
    if (tokens.size() < 3 && w.sentences().size() > 1) {
      w.sentences().get(1).words().forEach(x -> tokens.add(x.word()));
    }
    while (tokens.size() > 3 && SKIP.contains(Lexicon.norm(tokens.get(0)))) tokens.remove(0);
    String opener = Lexicon.norm(tokens.get(0));
    boolean question = tokens.stream().anyMatch(t -> t.contains("?")) || Lexicon.QUESTION_OPENERS.contains(opener);

    List<String> kept = fit(tokens);
    boolean truncated = kept.size() < tokens.size() && !endsClause(kept.get(kept.size() - 1));
    String title = titleCase(kept).replaceAll("[\\s.,;:!?…\\-–—]+$", "");
    // a cut-short question still reads as a question ("What Is the One Thing I Want Them to Remember Tomorrow?")
    if (question) return title + "?";
    return truncated ? title + "…" : title;
  }

  /** The longest prefix within {@link #MAX} characters, preferring one that ends a clause. */
  private static List<String> fit(List<String> tokens) {
    if (String.join(" ", tokens).replaceAll("[.,;:!…]+$", "").length() <= MAX) return tokens;
    int length = -1;
    int lastFit = 0;
    int lastClause = 0;
    for (int i = 0; i < tokens.size(); i++) {
      length += 1 + tokens.get(i).length();
      if (length > MAX - 1) break; // leave room for the ellipsis
      lastFit = i + 1;
      if (endsClause(tokens.get(i)) && length >= 20) lastClause = i + 1;
    }
    return tokens.subList(0, Math.max(1, lastClause > 0 ? lastClause : lastFit));
  }

  private static boolean endsClause(String token) {
    return token.matches(".*[,;:.?!—–]$");
  }

  static String titleCase(List<String> tokens) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      String n = Lexicon.norm(t);
      boolean edge = i == 0 || i == tokens.size() - 1;
      if (sb.length() > 0) sb.append(' ');
      if (!edge && SMALL.contains(n)) {
        sb.append(t.toLowerCase(java.util.Locale.ROOT));
      } else {
        sb.append(capitalise(t));
      }
    }
    return sb.toString();
  }

  /** Upper-cases the first letter; leaves the rest alone so "iPhone" and "NASA" survive. */
  private static String capitalise(String t) {
    for (int i = 0; i < t.length(); i++) {
      if (Character.isLetter(t.charAt(i))) {
        return t.substring(0, i) + Character.toUpperCase(t.charAt(i)) + t.substring(i + 1);
      }
    }
    return t;
  }
}
