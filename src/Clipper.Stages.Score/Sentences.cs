using System.Text.RegularExpressions;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Score;

/// <summary>
/// Cuts a transcript into sentences: by terminal punctuation when the words carry it (captions), otherwise by
/// pauses (the offline recogniser prints none).
/// </summary>
/// <remarks>
/// The pause threshold adapts to the speaker. Pauses between words fall into two groups, the short ones inside
/// sentences and the long ones between them; on a log scale (pause lengths differ by ratios: 0.1 s against
/// 0.2 s is as different as 0.5 s against 1 s) Otsu's method finds the cut that best separates the two groups.
/// Words that touch are not pauses and are left out. On the sample videos the pauses are 0.04–0.25 s inside
/// sentences and 0.8–1.0 s between them, and the cut lands near 0.4 s. When the pauses form one group rather
/// than two, the lower clamp is the threshold. The result is clamped to [MinPauseSeconds, MaxPauseSeconds] so
/// that a speaker who never pauses long is not cut at every breath, and one who pauses long everywhere still
/// gets sentences.
/// </remarks>
public static partial class Sentences
{
    /// <summary>Abbreviations whose full stop does not end a sentence.</summary>
    private static readonly HashSet<string> Abbreviations =
    [
        "mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "e.g", "i.e", "jr", "sr", "inc", "ltd", "co", "no",
        "approx", "dept", "est", "fig", "mt", "u.s", "a.m", "p.m",
    ];

    /// <summary>Gaps shorter than this are words running into each other, not pauses.</summary>
    private const double MinPause = 0.05;

    /// <summary>
    /// Splits words (in time order) into sentences no longer than <paramref name="maxSentenceSeconds"/>; longer
    /// ones are cut at their longest pause and marked not closed. In punctuation mode, a pause of twice the upper
    /// pause clamp also ends a sentence (captions of music or cut-away scenes leave such gaps), marked not closed.
    /// </summary>
    public static SentenceSplit Split(IReadOnlyList<Word> words, ScoreOptions settings, double maxSentenceSeconds)
    {
        if (words.Count == 0)
        {
            return new SentenceSplit([], false, settings.MaxPauseSeconds);
        }

        bool punctuated = UsesPunctuation(words);
        double threshold = punctuated ? 2 * settings.MaxPauseSeconds : PauseThreshold(words, settings);
        var output = new List<Sentence>();
        var current = new List<Word>();
        for (int i = 0; i < words.Count; i++)
        {
            var w = words[i];
            current.Add(w);
            bool last = i + 1 == words.Count;
            bool pause = !last && words[i + 1].Start - w.End >= threshold;
            bool marked = punctuated && IsSentenceEnd(w.Text);
            if (last || pause || marked)
            {
                bool closed = last || marked || !punctuated;
                SplitLong(current, closed, maxSentenceSeconds, output);
                current = [];
            }
        }

        return new SentenceSplit(output, punctuated, threshold);
    }

    /// <summary>Adds the sentence, cut at its longest internal pause (recursively) while it is longer than allowed.</summary>
    private static void SplitLong(List<Word> words, bool closed, double maxSeconds, List<Sentence> output)
    {
        double length = words[^1].End - words[0].Start;
        if (length <= maxSeconds || words.Count < 2)
        {
            output.Add(new Sentence(words, closed));
            return;
        }

        int cut = 1;
        double best = double.NegativeInfinity;
        double middle = (words[0].Start + words[^1].End) / 2;
        for (int i = 1; i < words.Count; i++)
        {
            double gap = words[i].Start - words[i - 1].End;
            // among near-equal pauses, prefer the one nearest the middle so the pieces come out balanced
            double merit = gap - (0.001 * Math.Abs(words[i].Start - middle));
            if (merit > best)
            {
                best = merit;
                cut = i;
            }
        }

        SplitLong(words[..cut], false, maxSeconds, output);
        SplitLong(words[cut..], closed, maxSeconds, output);
    }

    /// <summary>Captions mark sentence ends; recognisers don't. One end per 80 words is far below any punctuated text.</summary>
    internal static bool UsesPunctuation(IReadOnlyList<Word> words)
    {
        int ends = words.Count(w => IsSentenceEnd(w.Text));
        return ends >= Math.Max(1, words.Count / 80);
    }

    /// <summary>"end." "why?" "now!" "said.”" end a sentence; "Mr." "J." and a trailing-off "..." do not.</summary>
    internal static bool IsSentenceEnd(string word)
    {
        var w = TrailingClosers().Replace(word, "");
        if (w.EndsWith("...", StringComparison.Ordinal) || w.EndsWith('…'))
        {
            return false;
        }

        if (w.EndsWith('?') || w.EndsWith('!'))
        {
            return true;
        }

        if (!w.EndsWith('.'))
        {
            return false;
        }

        var stem = LeadingOpeners().Replace(w[..^1].ToLowerInvariant(), "");
        if (Abbreviations.Contains(stem))
        {
            return false;
        }

        return !(stem.Length == 1 && char.IsLetter(stem[0]));
    }

    /// <summary>The adaptive sentence-pause threshold in seconds (Otsu's method on log pauses, clamped).</summary>
    internal static double PauseThreshold(IReadOnlyList<Word> words, ScoreOptions settings)
    {
        // words that touch (recognisers leave 10 ms, captions none) are no pause at all: leave them out, or their
        // spike would be the "short group" and the cut would land between touching and breathing
        var x = new List<double>(words.Count);
        for (int i = 0; i + 1 < words.Count; i++)
        {
            double gap = words[i + 1].Start - words[i].End;
            if (gap >= MinPause)
            {
                x.Add(Math.Log(gap));
            }
        }

        int n = x.Count;
        if (n < 2)
        {
            return settings.MaxPauseSeconds;
        }

        x.Sort();
        double total = x.Sum();
        double left = 0;
        double bestVariance = -1;
        double cut = double.NaN;
        double gapBetweenGroups = 0;
        for (int k = 1; k < n; k++)
        {
            left += x[k - 1];
            if (x[k] == x[k - 1])
            {
                continue;
            }

            double w0 = (double)k / n;
            double mean0 = left / k;
            double mean1 = (total - left) / (n - k);
            double between = w0 * (1 - w0) * (mean0 - mean1) * (mean0 - mean1);
            if (between > bestVariance)
            {
                bestVariance = between;
                cut = (x[k - 1] + x[k]) / 2;
                gapBetweenGroups = mean1 - mean0;
            }
        }

        // one group, not two (the groups' typical pauses differ by less than 2x): every pause is the same kind,
        // and the lower clamp decides (a speaker who only ever pauses between sentences; one who only breathes)
        if (double.IsNaN(cut) || gapBetweenGroups < Math.Log(2))
        {
            return settings.MinPauseSeconds;
        }

        return Math.Max(settings.MinPauseSeconds, Math.Min(settings.MaxPauseSeconds, Math.Exp(cut)));
    }

    [GeneratedRegex("[\"'”’)\\]}»]+$")]
    private static partial Regex TrailingClosers();

    [GeneratedRegex("^[\"'“‘(\\[]+")]
    private static partial Regex LeadingOpeners();
}
