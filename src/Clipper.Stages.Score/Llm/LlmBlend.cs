using Clipper.Core.Clips;

namespace Clipper.Stages.Score.Llm;

/// <summary>
/// Joins the heuristic's proposal and the LLM's verdicts into the clips: blended score =
/// (HeuristicWeight × heuristic + LlmWeight × LLM) / (HeuristicWeight + LlmWeight), best first (ties: the better
/// heuristic, then the earlier). A candidate the model left out counts as an LLM score of 0. A trim to given sentence
/// edges is taken when the trimmed clip still lasts the minimum length. Without verdicts (a failure) the heuristic's
/// order stands.
/// </summary>
public static class LlmBlend
{
    /// <summary>The proposal's picks as the model sees them: ids c1, c2, … and their sentence indices.</summary>
    public static IReadOnlyList<LlmCandidate> Candidates(Proposal p)
    {
        var index = new Dictionary<Sentence, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < p.Sentences.Count; i++)
        {
            index[p.Sentences[i]] = i;
        }

        return p.Picks.Select((c, i) => new LlmCandidate($"c{i + 1}", c.Window, index[c.Window.First], index[c.Window.Last], c.Rating)).ToList();
    }

    public static IReadOnlyList<ScoredClip> Apply(Proposal p, IReadOnlyList<LlmCandidate> candidates, LlmOutcome outcome,
        ClipOptions options, ScoreOptions settings)
    {
        if (!outcome.Used)
        {
            return p.Picks.Take(options.MaxClips).Select((c, i) => ClipSelector.Clip(i + 1, c)).ToList();
        }

        var verdicts = outcome.Verdicts.ToDictionary(v => v.Id, StringComparer.Ordinal);
        double total = settings.HeuristicWeight + settings.LlmWeight;
        var blended = candidates.Select(c =>
        {
            var v = verdicts.GetValueOrDefault(c.Id);
            int llm = v?.Score ?? 0;
            int blend = HeuristicScorer.Round(((settings.HeuristicWeight * c.Heuristic.Score) + (settings.LlmWeight * llm)) / total);
            return (Candidate: c, Verdict: v, Blend: blend);
        })
            .OrderByDescending(x => x.Blend)
            .ThenByDescending(x => x.Candidate.Heuristic.Score)
            .ThenBy(x => x.Candidate.Window.Start)
            .Take(options.MaxClips)
            .ToList();
        return blended.Select((x, i) => Clip(i + 1, x.Candidate, x.Verdict, x.Blend, p, options, settings)).ToList();
    }

    private static ScoredClip Clip(int index, LlmCandidate c, LlmVerdict? v, int blend, Proposal p, ClipOptions options, ScoreOptions settings)
    {
        var h = c.Heuristic;
        if (v is null)
        {
            return new ScoredClip(index, ClipSelector.Round3(c.Window.Start), ClipSelector.Round3(c.Window.End), blend, h.Scores,
                h.Reason, h.Title, Publish.Description(c.Window), Publish.Hashtags(c.Window),
                new ClipRanking("heuristic", h.Score, 0, blend, h.Reason, null));
        }

        var (start, end) = (c.Window.Start, c.Window.End);
        if (v.FirstSentence != c.FirstSentence || v.LastSentence != c.LastSentence)
        {
            var (s, e) = ClipSelector.Bounds(p.Sentences, v.FirstSentence, v.LastSentence, p.SourceDuration, settings);
            if (e - s >= options.MinSeconds)
            {
                (start, end) = (s, e);
            }
        }

        return new ScoredClip(index, ClipSelector.Round3(start), ClipSelector.Round3(end), blend, h.Scores, v.Reason, v.Title,
            v.Description, v.Hashtags, new ClipRanking("llm", h.Score, v.Score, blend, h.Reason,
                new LlmScores(v.Hook, v.Payoff, v.Clarity, v.Shareability)));
    }
}
