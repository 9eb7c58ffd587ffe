namespace Clipper.Stages.Score;

/// <summary>
/// Remembers what the chosen clips say, so a passage the speaker says twice (a repeated point, the same talk
/// given twice in one video) is clipped once. A candidate repeats the chosen clips when
/// <list type="bullet">
/// <item>at least <see cref="ScoreOptions.MaxRepeatedShare"/> of its word pairs were said by them together, or it
/// says that share of one chosen clip; or</item>
/// <item>its opening (the hook and title line) was said by a chosen clip, or it says a chosen clip's opening —
/// at least <see cref="ScoreOptions.RepeatedOpeningShare"/> of the opening's pairs. Two clips that open alike
/// look like one clip twice even when the rest differs.</item>
/// </list>
/// </summary>
public sealed class RepeatGuard(ScoreOptions settings)
{
    /// <summary>An opening with fewer pairs than this ("Thank you.") is too short to call a repeat.</summary>
    private const int MinOpeningPairs = 3;

    private readonly HashSet<string> said = new(StringComparer.Ordinal);
    private readonly List<(WordPairs All, WordPairs Opening)> chosen = [];

    /// <summary>Whether the window says again what a chosen clip says.</summary>
    public bool Repeats(Window w)
    {
        if (chosen.Count == 0)
        {
            return false;
        }

        var all = WordPairs.Of(w.Words);
        var opening = WordPairs.Of(HeuristicScorer.Opening(w));
        if (all.ContainedIn(said) >= settings.MaxRepeatedShare
            || (opening.Count >= MinOpeningPairs && opening.ContainedIn(said) >= settings.RepeatedOpeningShare))
        {
            return true;
        }

        return chosen.Any(c => c.All.ContainedIn(all) >= settings.MaxRepeatedShare
            || (c.Opening.Count >= MinOpeningPairs && c.Opening.ContainedIn(all) >= settings.RepeatedOpeningShare));
    }

    /// <summary>Records a chosen clip.</summary>
    public void Add(Window w)
    {
        var all = WordPairs.Of(w.Words);
        chosen.Add((all, WordPairs.Of(HeuristicScorer.Opening(w))));
        said.UnionWith(all.Set);
    }
}
