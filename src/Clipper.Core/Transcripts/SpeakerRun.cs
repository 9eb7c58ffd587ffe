namespace Clipper.Core.Transcripts;

/// <summary>
/// A stretch of one speaker's words in a clip: [<see cref="Start"/>, <see cref="End"/>) in seconds from the clip's start,
/// and the speaker's label as the captions gave it: a name (<c>&lt;v Ann&gt;</c>, <c>ANN:</c>), or for a caption's
/// <c>&gt;&gt;</c>, which only says that someone new speaks, an unnamed turn numbered in the file (<see cref="Unnamed"/>),
/// which may be the same person as another unnamed turn.
/// </summary>
public sealed record SpeakerRun(double Start, double End, string Label)
{
    /// <summary>Words of one label further apart than this are two runs: the pause between them is nobody's.</summary>
    public const double MaxGap = 1.0;

    private const string UnnamedPrefix = ">>";

    /// <summary>The label of the n-th unnamed turn of a caption file (its n-th <c>&gt;&gt;</c>).</summary>
    public static string Unnamed(int n) => UnnamedPrefix + n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether a label is an unnamed turn's rather than a name.</summary>
    public static bool IsUnnamed(string label) => label.StartsWith(UnnamedPrefix, StringComparison.Ordinal);

    /// <summary>How many distinct speaker labels the words carry.</summary>
    public static int Labels(IEnumerable<Word> words) => words.Select(w => w.Speaker).OfType<string>().Distinct(StringComparer.Ordinal).Count();

    /// <summary>
    /// The runs of labelled words in the clip [<paramref name="start"/>, <paramref name="end"/>) of the source, in seconds from
    /// <paramref name="start"/>, clipped to the clip: consecutive words of one label, split where another label or an
    /// unlabelled word comes between or where they are more than <see cref="MaxGap"/> apart. Empty when no word has a label.
    /// </summary>
    public static IReadOnlyList<SpeakerRun> Within(IEnumerable<Word> words, double start, double end)
    {
        var runs = new List<SpeakerRun>();
        string? open = null;
        foreach (var w in words.Where(w => w.End > start && w.Start < end).OrderBy(w => w.Start))
        {
            double from = Math.Max(w.Start, start) - start, to = Math.Min(w.End, end) - start;
            if (w.Speaker is not { } label)
            {
                open = null;
                continue;
            }

            if (open == label && from - runs[^1].End <= MaxGap)
            {
                runs[^1] = runs[^1] with { End = Math.Max(runs[^1].End, to) };
            }
            else
            {
                runs.Add(new SpeakerRun(from, to, label));
                open = label;
            }
        }

        return runs;
    }
}
