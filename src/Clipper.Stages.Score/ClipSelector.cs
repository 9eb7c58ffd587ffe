using Clipper.Core.Clips;
using Clipper.Core.Errors;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Score;

/// <summary>
/// Stage 3: picks the clips. Cuts the transcript into sentences, forms every window of whole sentences whose clip
/// lasts between the minimum and maximum clip length, drops windows that fail the <see cref="DensityFilter"/>,
/// rates the rest with the <see cref="HeuristicScorer"/>, and takes the best windows, best first, until
/// <see cref="ClipOptions.MaxClips"/> or until the scores fall below the minimum. A window is passed over when it
/// overlaps a chosen clip in time, when it repeats a chosen clip's words (the speaker said it twice; see
/// <see cref="RepeatGuard"/>), or when it would bear a chosen clip's title.
/// </summary>
public static class ClipSelector
{
    /// <summary>
    /// The clips, ranked (index 1 = best). Throws <see cref="ErrorCode.SourceTooShort"/> when the source is shorter
    /// than the shortest clip, <see cref="ErrorCode.NoSpeech"/> when no window of the allowed length holds clear
    /// speech, <see cref="ErrorCode.BadOption"/> for invalid options. CPU work only, a few milliseconds.
    /// </summary>
    public static IReadOnlyList<ScoredClip> Select(Transcript transcript, double sourceDurationSeconds, ClipOptions options, ScoreOptions settings)
    {
        var ranked = Rank(transcript, sourceDurationSeconds, options, settings);
        return Choose(ranked, options.MaxClips, settings).Select((c, i) => Clip(i + 1, c)).ToList();
    }

    /// <summary>
    /// What the heuristic proposes to an LLM: the transcript's sentences and its best <paramref name="count"/>
    /// candidates, chosen as <see cref="Select"/> chooses (no overlap, no repeat), best first.
    /// </summary>
    public static Proposal Propose(Transcript transcript, double sourceDurationSeconds, ClipOptions options, ScoreOptions settings, int count)
    {
        var (sentences, ranked) = RankWithSentences(transcript, sourceDurationSeconds, options, settings);
        return new Proposal(sentences, Choose(ranked, count, settings), sourceDurationSeconds);
    }

    /// <summary>A heuristic pick as a clip: its rating, offline publish metadata, ranked by the heuristic.</summary>
    internal static ScoredClip Clip(int index, Candidate c) =>
        new(index, Round3(c.Window.Start), Round3(c.Window.End), c.Rating.Score, c.Rating.Scores, c.Rating.Reason, c.Rating.Title,
            Publish.Description(c.Window), Publish.Hashtags(c.Window),
            new ClipRanking("heuristic", c.Rating.Score, null, c.Rating.Score, c.Rating.Reason, null));

    /// <summary>The best windows, best first, until <paramref name="max"/> or the scores fall below the minimum.</summary>
    internal static List<Candidate> Choose(IReadOnlyList<Candidate> ranked, int max, ScoreOptions settings)
    {
        var chosen = new List<Candidate>();
        var repeats = new RepeatGuard(settings);
        var titles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in ranked)
        {
            if (chosen.Count >= max)
            {
                break;
            }

            // below the bar only the very best survives, so a video with speech always yields a clip
            if (c.Rating.Score < settings.MinScore && chosen.Count > 0)
            {
                break;
            }

            if (chosen.Any(o => o.Window.Overlaps(c.Window)) || titles.Contains(c.Rating.Title))
            {
                continue;
            }

            if (repeats.Repeats(c.Window))
            {
                continue;
            }

            chosen.Add(c);
            repeats.Add(c.Window);
            titles.Add(c.Rating.Title);
        }

        return chosen;
    }

    /// <summary>Every window that passes the length and density filters, rated, best first (ties: earlier first).</summary>
    public static IReadOnlyList<Candidate> Rank(Transcript transcript, double sourceDurationSeconds, ClipOptions options, ScoreOptions settings) =>
        RankWithSentences(transcript, sourceDurationSeconds, options, settings).Ranked;

    private static (IReadOnlyList<Sentence> Sentences, IReadOnlyList<Candidate> Ranked) RankWithSentences(Transcript transcript,
        double sourceDurationSeconds, ClipOptions options, ScoreOptions settings)
    {
        options.Validate();
        settings.Validate();
        if (sourceDurationSeconds < options.MinSeconds)
        {
            throw new ClipperException(ErrorCode.SourceTooShort, FormattableString.Invariant(
                $"the source lasts {sourceDurationSeconds:0.0} s, shorter than the shortest clip ({options.MinSeconds:0} s)"));
        }

        if (transcript.Words.Count == 0)
        {
            throw new ClipperException(ErrorCode.NoSpeech, "the transcript holds no words, so there is nothing to clip");
        }

        double maxSentence = Math.Min(settings.MaxSentenceSeconds, options.MaxSeconds - settings.LeadInSeconds - settings.TailSeconds);
        var split = Sentences.Split(transcript.Words, settings, maxSentence);
        var windows = Windows(split.Sentences, sourceDurationSeconds, options, settings, transcript.Language);
        var clear = windows.Where(w => DensityFilter.Passes(w, settings)).ToList();
        if (clear.Count == 0)
        {
            throw NoSpeech(windows, split.Sentences, options, settings);
        }

        var scorer = new HeuristicScorer(settings);
        return (split.Sentences, clear.Select(w => new Candidate(w, scorer.Rate(w)))
            .OrderByDescending(c => c.Rating.Score)
            .ThenBy(c => c.Window.Start)
            .ToList());
    }

    /// <summary>
    /// Every run of consecutive sentences whose clip (speech plus lead-in and tail) lasts [MinSeconds, MaxSeconds].
    /// The lead-in and tail take at most half the pause to the neighbouring word, so neighbouring clips never
    /// share a word.
    /// </summary>
    internal static List<Window> Windows(IReadOnlyList<Sentence> sentences, double sourceDuration, ClipOptions options, ScoreOptions settings,
        string? language = null)
    {
        var output = new List<Window>();
        int n = sentences.Count;
        for (int i = 0; i < n; i++)
        {
            double first = sentences[i].Start;
            for (int j = i; j < n; j++)
            {
                if (sentences[j].End - first > options.MaxSeconds)
                {
                    break;
                }

                var (start, end) = Bounds(sentences, i, j, sourceDuration, settings);
                double d = end - start;
                if (d > options.MaxSeconds)
                {
                    break;
                }

                if (d >= options.MinSeconds)
                {
                    output.Add(new Window(sentences.Skip(i).Take(j - i + 1).ToList(), start, end) { Language = language });
                }
            }
        }

        return output;
    }

    /// <summary>
    /// A clip of sentences i..j: its speech plus the lead-in and tail, each at most half the pause to the neighbouring
    /// word, so neighbouring clips never share a word.
    /// </summary>
    internal static (double Start, double End) Bounds(IReadOnlyList<Sentence> sentences, int i, int j, double sourceDuration, ScoreOptions settings)
    {
        int n = sentences.Count;
        double first = sentences[i].Start;
        double before = i == 0 ? first : (first - sentences[i - 1].End) / 2;
        double start = Math.Max(0, first - Math.Min(settings.LeadInSeconds, Math.Max(0, before)));
        double last = sentences[j].End;
        double after = j + 1 == n ? sourceDuration - last : (sentences[j + 1].Start - last) / 2;
        double end = Math.Min(Math.Max(sourceDuration, last), last + Math.Min(settings.TailSeconds, Math.Max(0, after)));
        return (start, end);
    }

    private static ClipperException NoSpeech(List<Window> windows, IReadOnlyList<Sentence> sentences, ClipOptions options, ScoreOptions settings)
    {
        var range = FormattableString.Invariant($"{options.MinSeconds:0}–{options.MaxSeconds:0} s");
        if (windows.Count == 0)
        {
            double speech = sentences[^1].End - sentences[0].Start;
            return new ClipperException(ErrorCode.NoSpeech, FormattableString.Invariant(
                $"no stretch of speech fits a {range} clip: the speech spans only {speech:0.0} s"));
        }

        var best = windows.MaxBy(w => w.WordsPerSecond)!;
        return new ClipperException(ErrorCode.NoSpeech, FormattableString.Invariant(
            $"no {range} stretch holds clear speech (needs {settings.MinWordsPerSecond:0.0}–{settings.MaxWordsPerSecond:0.0} words/s and mean confidence {settings.MinMeanConfidence:0.00}; the busiest has {best.WordsPerSecond:0.00} words/s, confidence {best.MeanConfidence:0.00}): music, silence or unintelligible audio"));
    }

    internal static double Round3(double v) => Math.Round(v * 1000, MidpointRounding.AwayFromZero) / 1000.0;
}

/// <summary>The heuristic's proposal: the transcript's sentences, its picks (best first) and the source's length.</summary>
public sealed record Proposal(IReadOnlyList<Sentence> Sentences, IReadOnlyList<Candidate> Picks, double SourceDuration);
