using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Clipper.Stages.Transcribe;

/// <summary>
/// Word error rate of a hypothesis against a reference: (substitutions + deletions + insertions) / reference
/// words, after both are normalised (case, accents, punctuation, hyphens), so "Here's the secret." matches
/// "here's the secret". Used by the tests and the benchmark to measure recognisers.
/// </summary>
public static partial class WordErrorRate
{
    /// <summary>The rate, 0 = perfect (see <see cref="WordErrors.Rate"/>).</summary>
    public static double Compute(string reference, string hypothesis) => Measure(reference, hypothesis).Rate;

    /// <summary>The rate with its breakdown into substitutions, deletions and insertions.</summary>
    public static WordErrors Measure(string reference, string hypothesis) =>
        Measure(Normalise(reference), Normalise(hypothesis));

    /// <summary>Levenshtein alignment over words; ties prefer substitutions, as sclite does.</summary>
    public static WordErrors Measure(IReadOnlyList<string> reference, IReadOnlyList<string> hypothesis)
    {
        int n = reference.Count;
        int m = hypothesis.Count;
        // cost[i, j] = edits to turn ref[0..i) into hyp[0..j); op remembers the step for the breakdown
        var cost = new int[n + 1, m + 1];
        var op = new byte[n + 1, m + 1];
        for (int i = 1; i <= n; i++)
        {
            cost[i, 0] = i;
            op[i, 0] = (byte)'D';
        }

        for (int j = 1; j <= m; j++)
        {
            cost[0, j] = j;
            op[0, j] = (byte)'I';
        }

        for (int i = 1; i <= n; i++)
        {
            for (int j = 1; j <= m; j++)
            {
                bool same = reference[i - 1] == hypothesis[j - 1];
                int best = cost[i - 1, j - 1] + (same ? 0 : 1);
                byte how = (byte)(same ? '=' : 'S');
                if (cost[i - 1, j] + 1 < best)
                {
                    best = cost[i - 1, j] + 1;
                    how = (byte)'D';
                }

                if (cost[i, j - 1] + 1 < best)
                {
                    best = cost[i, j - 1] + 1;
                    how = (byte)'I';
                }

                cost[i, j] = best;
                op[i, j] = how;
            }
        }

        int s = 0, d = 0, ins = 0;
        for (int i = n, j = m; i > 0 || j > 0;)
        {
            switch ((char)op[i, j])
            {
                case 'S':
                    s++;
                    i--;
                    j--;
                    break;
                case '=':
                    i--;
                    j--;
                    break;
                case 'D':
                    d++;
                    i--;
                    break;
                default:
                    ins++;
                    j--;
                    break;
            }
        }

        return new WordErrors(s, d, ins, n);
    }

    /// <summary>Lower case, accents folded, hyphens and slashes split, punctuation dropped except apostrophes inside words.</summary>
    public static IReadOnlyList<string> Normalise(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark
                or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            int folded = Accented.IndexOf(char.ToLowerInvariant(c));
            sb.Append(folded >= 0 ? Plain[folded] : c);
        }

        var t = Dashes().Replace(sb.ToString().ToLowerInvariant().Replace('’', '\''), " ");
        var output = new List<string>();
        foreach (var raw in t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var w = NotWordChar().Replace(raw, "").Trim('\'');
            if (w.Length > 0)
            {
                output.Add(w);
            }
        }

        return output;
    }

    // the build runs with invariant globalisation, where string.Normalize cannot decompose "é", so the accented
    // Latin letters are folded by table (combining marks are dropped above)
    private const string Accented = "àáâãäåāăąçćčďèéêëēėęěìíîïīįłñńňòóôõöøōőŕřśšşťùúûüūůűųýÿźżž";
    private const string Plain = "aaaaaaaaacccdeeeeeeeeiiiiiilnnnoooooooorrssstuuuuuuuuyyzzz";

    [GeneratedRegex("[-–—/]")]
    private static partial Regex Dashes();

    [GeneratedRegex(@"[^\p{L}\p{N}']")]
    private static partial Regex NotWordChar();
}
