package dev.clipper.stage.transcribe;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Word error rate of a hypothesis against a reference: (substitutions + deletions + insertions) / reference
 * words, after both are normalised (case, punctuation, hyphens), so "Here's the secret." matches
 * "here's the secret". Used by the tests and the benchmark to measure recognisers.
 */
public record WordErrorRate(int substitutions, int deletions, int insertions, int referenceWords) {

  public int errors() {
    return substitutions + deletions + insertions;
  }

  /** The rate, 0 = perfect; it can exceed 1 when the hypothesis is full of insertions. */
  public double rate() {
    return referenceWords == 0 ? (insertions == 0 ? 0 : 1) : (double) errors() / referenceWords;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "WER %.1f%% (%d sub, %d del, %d ins / %d words)", 100 * rate(),
        substitutions, deletions, insertions, referenceWords);
  }

  public static WordErrorRate of(String reference, String hypothesis) {
    return of(normalise(reference), normalise(hypothesis));
  }

  /** Levenshtein alignment over words; ties prefer substitutions, as sclite does. */
  public static WordErrorRate of(List<String> ref, List<String> hyp) {
    int n = ref.size();
    int m = hyp.size();
    // cost[i][j] = edits to turn ref[0..i) into hyp[0..j); op remembers the step for the breakdown
    int[][] cost = new int[n + 1][m + 1];
    byte[][] op = new byte[n + 1][m + 1];
    for (int i = 1; i <= n; i++) {
      cost[i][0] = i;
      op[i][0] = 'D';
    }
    for (int j = 1; j <= m; j++) {
      cost[0][j] = j;
      op[0][j] = 'I';
    }
    for (int i = 1; i <= n; i++) {
      for (int j = 1; j <= m; j++) {
        boolean same = ref.get(i - 1).equals(hyp.get(j - 1));
        int best = cost[i - 1][j - 1] + (same ? 0 : 1);
        byte how = (byte) (same ? '=' : 'S');
        if (cost[i - 1][j] + 1 < best) {
          best = cost[i - 1][j] + 1;
          how = 'D';
        }
        if (cost[i][j - 1] + 1 < best) {
          best = cost[i][j - 1] + 1;
          how = 'I';
        }
        cost[i][j] = best;
        op[i][j] = how;
      }
    }
    int s = 0;
    int d = 0;
    int ins = 0;
    for (int i = n, j = m; i > 0 || j > 0; ) {
      switch (op[i][j]) {
        case 'S' -> { s++; i--; j--; }
        case '=' -> { i--; j--; }
        case 'D' -> { d++; i--; }
        default -> { ins++; j--; }
      }
    }
    return new WordErrorRate(s, d, ins, n);
  }

  /** Lower case, accents folded, hyphens split, punctuation dropped except apostrophes inside words. */
  public static List<String> normalise(String text) {
    String t = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}", "")
        .toLowerCase(Locale.ROOT).replace('’', '\'').replaceAll("[-–—/]", " ");
    List<String> out = new ArrayList<>();
    for (String raw : t.split("\\s+")) {
      String w = raw.replaceAll("[^\\p{L}\\p{N}']", "").replaceAll("^'+|'+$", "");
      if (!w.isEmpty()) out.add(w);
    }
    return out;
  }
}
