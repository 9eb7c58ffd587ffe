using Clipper.Core.Transcripts;

namespace Clipper.Stages.Score;

/// <summary>
/// A fingerprint of what a passage says, robust to recogniser noise: the set of pairs of its content words
/// (stop words left out) that follow each other or have one content word between them.
/// </summary>
/// <remarks>
/// Function words are what a recogniser gets wrong most often ("the" for "a", a dropped "of"), and the skip pairs
/// survive a single substituted or dropped content word, so the same passage recognised twice keeps most of its
/// pairs (two thirds or more with one word in eight wrong), while two different passages of the sample talk
/// share at most a few percent. Comparisons are containment, not Jaccard: a short clip inside a long one is
/// repeated completely.
/// </remarks>
public sealed class WordPairs
{
    private readonly HashSet<string> pairs;

    private WordPairs(HashSet<string> pairs) => this.pairs = pairs;

    public int Count => pairs.Count;

    internal IReadOnlySet<string> Set => pairs;

    public static WordPairs Of(IEnumerable<Word> words) => Of(words.Select(w => w.Text));

    public static WordPairs Of(string text) => Of(text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    public static WordPairs Of(IEnumerable<string> tokens)
    {
        var content = tokens.Select(Lexicon.Norm).Where(n => n.Length > 0 && !Lexicon.Stopwords.Contains(n)).ToList();
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < content.Count; i++)
        {
            set.Add(content[i] + " " + content[i + 1]);
            if (i + 2 < content.Count)
            {
                set.Add(content[i] + " " + content[i + 2]);
            }
        }

        return new WordPairs(set);
    }

    /// <summary>The share of these pairs that <paramref name="other"/> also holds (0 when there are none).</summary>
    public double ContainedIn(WordPairs other) => ContainedIn(other.pairs);

    internal double ContainedIn(IReadOnlySet<string> other) =>
        pairs.Count == 0 ? 0 : (double)pairs.Count(other.Contains) / pairs.Count;

    /// <summary>How much one passage repeats the other: the larger of the two containments, 0..1.</summary>
    public static double Similarity(WordPairs a, WordPairs b) => Math.Max(a.ContainedIn(b), b.ContainedIn(a));

    /// <summary>Similarity of two texts (see <see cref="Similarity(WordPairs, WordPairs)"/>).</summary>
    public static double Similarity(string a, string b) => Similarity(Of(a), Of(b));
}
