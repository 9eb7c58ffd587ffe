using System.Globalization;
using Clipper.Core.Clips;

namespace Clipper.Stages.Score;

/// <summary>
/// Rates a candidate window on four explainable criteria, each 0–100, and combines them with the weights in
/// <see cref="ScoreOptions"/>:
/// <list type="bullet">
/// <item><b>hook</b> — does the opening stop the scroll: a question, a promised payoff ("here is the secret"), a
/// bold claim, a number, talking to "you", brevity; minus a start in mid-thought or on filler;</item>
/// <item><b>completeness</b> — can it stand alone: ends on a sentence end, does not open on "and"/"but"/"so" or a
/// pronoun pointing back, lands a conclusion, has a comfortable length;</item>
/// <item><b>density</b> — words per second (about 2.5–3.5 is lively speech) and the share of content words;</item>
/// <item><b>emotion</b> — emotional words, intensifiers and exclamations per hundred words.</item>
/// </list>
/// Every rule that fires leaves a short cause, so the reason line says what drove the score.
/// </summary>
public sealed class HeuristicScorer(ScoreOptions settings)
{
    private static readonly double[,] PacePoints =
    {
        { 0.8, 0 }, { 1.5, 40 }, { 2.2, 85 }, { 2.5, 100 }, { 3.6, 100 }, { 4.5, 70 }, { 5.5, 20 }, { 6.5, 0 },
    };

    public Rating Rate(Window w)
    {
        Part[] parts = [Hook(w), Completeness(w), Density(w), Emotion(w)];
        double weighted = parts.Sum(p => p.Weight * p.Score);
        int composite = Round(weighted / settings.TotalWeight);
        return new Rating(new Scores(parts[0].Score, parts[1].Score, parts[2].Score, parts[3].Score), composite,
            Reason(parts), Titles.Of(w));
    }

    /// <summary>The opening: the first sentence, with the next one when the first is only a few words.</summary>
    internal static List<Clipper.Core.Transcripts.Word> Opening(Window w)
    {
        var output = w.First.Words.ToList();
        if (output.Count < 5 && w.Sentences.Count > 1)
        {
            output.AddRange(w.Sentences[1].Words);
        }

        return output;
    }

    internal Part Hook(Window w)
    {
        var norms = Opening(w).Select(x => Lexicon.Norm(x.Text)).Where(s => s.Length > 0).ToList();
        var good = new List<string>();
        var bad = new List<string>();
        int score = 20;
        var first = norms.Count == 0 ? "" : norms[0];
        // look past one filler or connective for the real opener: "so why do we..." is still a question
        var opener = (Lexicon.Connectives.Contains(first) || Lexicon.Fillers.Contains(first)) && norms.Count > 1
            ? norms[1] : first;
        bool questionMark = w.First.Words.Any(x => x.Text.Contains('?'));
        if (questionMark || Lexicon.QuestionOpeners.Contains(opener))
        {
            score += 35;
            good.Add("opens with a question");
        }

        var padded = " " + string.Join(' ', norms) + " ";
        var curiosity = Lexicon.FirstPhraseIn(padded, Lexicon.Curiosity);
        if (curiosity is not null)
        {
            score += 25;
            good.Add($"teases a payoff ('{curiosity}')");
        }

        var bold = Lexicon.FirstPhraseIn(padded, Lexicon.Bold);
        if (bold is not null)
        {
            score += 15;
            good.Add($"bold claim ('{bold}')");
        }

        var number = norms.FirstOrDefault(Lexicon.IsNumber);
        if (number is not null)
        {
            score += 10;
            good.Add($"a number up front ('{number}')");
        }

        if (norms.Any(Lexicon.You.Contains))
        {
            score += 15;
            good.Add("talks to 'you'");
        }

        if (norms.Count >= 4 && norms.Count <= 14)
        {
            score += 10;
            good.Add("short opening line");
        }
        else if (norms.Count > 25)
        {
            score -= 10;
            bad.Add("long-winded opening");
        }

        if (Lexicon.Connectives.Contains(first))
        {
            score -= 30;
            bad.Add($"opens mid-thought ('{first}')");
        }
        else if (Lexicon.Fillers.Contains(first))
        {
            score -= 15;
            bad.Add($"opens on filler ('{first}')");
        }
        else if (Lexicon.BackReferences.Contains(first))
        {
            score -= 10;
            bad.Add($"opens on '{first}' with nothing to refer to");
        }

        if (good.Count == 0 && bad.Count == 0)
        {
            bad.Add("plain opening");
        }

        return new Part("hook", Clamp(score), settings.HookWeight, good, bad);
    }

    internal Part Completeness(Window w)
    {
        var good = new List<string>();
        var bad = new List<string>();
        int score = 40;
        var last = w.Last;
        var lastWord = Lexicon.Norm(last.Last.Text);
        if (last.Closed && !Lexicon.DanglingEnds.Contains(lastWord))
        {
            score += 25;
            good.Add("ends on a sentence end");
        }
        else if (!last.Closed)
        {
            score -= 10;
            bad.Add("cut mid-sentence");
        }

        if (Lexicon.DanglingEnds.Contains(lastWord))
        {
            score -= 20;
            bad.Add($"ends on '{lastWord}'");
        }

        var first = Lexicon.Norm(w.First.First.Text);
        if (Lexicon.Connectives.Contains(first))
        {
            score -= 30;
            bad.Add($"opens mid-thought ('{first}')");
        }
        else if (Lexicon.BackReferences.Contains(first))
        {
            score -= 10;
            bad.Add($"opens on '{first}'");
        }

        var lastText = " " + string.Join(' ', last.Words.Select(x => Lexicon.Norm(x.Text))) + " ";
        var conclusion = Lexicon.FirstPhraseIn(lastText, Lexicon.Conclusions);
        if (conclusion is not null)
        {
            score += 10;
            good.Add($"lands a conclusion ('{conclusion}')");
        }

        double d = w.Duration;
        double lengthFit = d < settings.IdealMinSeconds ? d / settings.IdealMinSeconds
            : d > settings.IdealMaxSeconds ? Math.Max(0, 1 - ((d - settings.IdealMaxSeconds) / settings.IdealMaxSeconds))
            : 1;
        score += Round(25 * lengthFit);
        if (lengthFit < 0.7)
        {
            bad.Add(string.Create(CultureInfo.InvariantCulture, $"{(d < settings.IdealMinSeconds ? "short" : "long")} ({d:0} s)"));
        }

        return new Part("completeness", Clamp(score), settings.CompletenessWeight, good, bad);
    }

    internal Part Density(Window w)
    {
        double wps = w.WordsPerSecond;
        var words = w.Words;
        int content = words.Select(x => Lexicon.Norm(x.Text)).Count(s => s.Length > 0 && !Lexicon.Stopwords.Contains(s));
        double ratio = words.Count == 0 ? 0 : (double)content / words.Count;
        double pace = Interpolate(wps, PacePoints);
        double substance = Math.Max(0, Math.Min(1, (ratio - 0.25) / 0.30)) * 100;
        int score = Clamp(Round((0.6 * pace) + (0.4 * substance)));
        var paceText = string.Create(CultureInfo.InvariantCulture, $"{wps:0.0} words/s");
        var contentText = string.Create(CultureInfo.InvariantCulture, $"{100 * ratio:0}% content words");
        var good = new List<string>();
        var bad = new List<string>();
        if (pace >= 70)
        {
            good.Add(paceText);
        }
        else
        {
            bad.Add((wps < 2.5 ? "slow: " : "rushed: ") + paceText);
        }

        if (substance >= 60)
        {
            good.Add(contentText);
        }
        else if (substance < 30)
        {
            bad.Add("few content words");
        }

        return new Part("density", score, settings.DensityWeight, good, bad);
    }

    internal Part Emotion(Window w)
    {
        var words = w.Words;
        var found = new List<string>();
        int hits = 0, intensifiers = 0, exclamations = 0;
        foreach (var x in words)
        {
            var n = Lexicon.Norm(x.Text);
            if (n.Length == 0)
            {
                continue;
            }

            if (Lexicon.InflectionOf(Lexicon.Emotion, n))
            {
                hits++;
                if (!found.Contains(n))
                {
                    found.Add(n);
                }
            }

            if (Lexicon.Intensifiers.Contains(n))
            {
                intensifiers++;
            }

            if (x.Text.EndsWith('!'))
            {
                exclamations++;
            }
        }

        double per100 = 100.0 / Math.Max(1, words.Count);
        int score = Clamp(Round(10 + (8 * hits * per100) + (3 * intensifiers * per100) + (15 * exclamations * per100)));
        var good = new List<string>();
        var bad = new List<string>();
        if (found.Count > 0)
        {
            good.Add(string.Join(", ", found.Take(3).Select(s => $"'{s}'")));
        }

        if (exclamations > 0)
        {
            good.Add($"{exclamations} exclamation{(exclamations == 1 ? "" : "s")}");
        }

        if (found.Count == 0 && exclamations == 0)
        {
            bad.Add("no emotional words");
        }

        return new Part("emotion", score, settings.EmotionWeight, good, bad);
    }

    /// <summary>
    /// Names what drove the score: the strongest criteria (by weighted score) with their causes, then the worst
    /// weakness, e.g. "strong hook: opens with a question, talks to 'you'; dense: 3.1 words/s; weak ending: cut
    /// mid-sentence".
    /// </summary>
    internal static string Reason(IReadOnlyList<Part> parts)
    {
        var output = new List<string>();
        output.AddRange(parts.Where(p => p.Score >= StrongAt(p) && p.Good.Count > 0)
            .OrderBy(p => -p.Weight * p.Score)
            .Take(2)
            .Select(p => StrongLabel(p) + ": " + string.Join(", ", p.Good.Take(2))));
        output.AddRange(parts.Where(p => p.Score < WeakAt(p) && p.Bad.Count > 0)
            .OrderBy(p => -p.Weight * (100 - p.Score))
            .Take(output.Count == 0 ? 2 : 1)
            .Select(p => WeakLabel(p) + ": " + string.Join(", ", p.Bad.Take(2))));
        if (output.Count == 0)
        {
            return "middling on every criterion (" + string.Join(", ", parts.Select(p => $"{p.Criterion} {p.Score}")) + ")";
        }

        return string.Join("; ", output);
    }

    private static int StrongAt(Part p) => p.Criterion == "emotion" ? 45 : 65;

    private static int WeakAt(Part p) => p.Criterion == "emotion" ? 20 : 40;

    private static string StrongLabel(Part p) => p.Criterion switch
    {
        "hook" => "strong hook",
        "completeness" => "complete",
        "density" => "dense",
        _ => "emotional",
    };

    private static string WeakLabel(Part p) => p.Criterion switch
    {
        "hook" => "weak hook",
        "completeness" => "incomplete",
        "density" => "thin",
        _ => "flat",
    };

    /// <summary>Piecewise-linear through the points (x ascending), flat beyond the ends.</summary>
    internal static double Interpolate(double x, double[,] points)
    {
        int n = points.GetLength(0);
        if (x <= points[0, 0])
        {
            return points[0, 1];
        }

        for (int i = 1; i < n; i++)
        {
            if (x <= points[i, 0])
            {
                double t = (x - points[i - 1, 0]) / (points[i, 0] - points[i - 1, 0]);
                return points[i - 1, 1] + (t * (points[i, 1] - points[i - 1, 1]));
            }
        }

        return points[n - 1, 1];
    }

    /// <summary>Half-up rounding, as the scores were tuned with.</summary>
    internal static int Round(double v) => (int)Math.Floor(v + 0.5);

    private static int Clamp(int v) => Math.Max(0, Math.Min(100, v));
}
