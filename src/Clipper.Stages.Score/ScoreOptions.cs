using Clipper.Core.Errors;

namespace Clipper.Stages.Score;

/// <summary>Tunables of the score stage, bound from configuration (defaults as the Java reference.conf).</summary>
public sealed class ScoreOptions
{
    /// <summary>Weight of the hook sub-score in the composite.</summary>
    public double HookWeight { get; set; } = 0.35;

    public double CompletenessWeight { get; set; } = 0.25;

    public double DensityWeight { get; set; } = 0.20;

    public double EmotionWeight { get; set; } = 0.20;

    /// <summary>
    /// Windows whose composite is below this are not worth a clip (the best one is kept anyway, so a video with
    /// speech always yields a clip).
    /// </summary>
    public int MinScore { get; set; } = 40;

    /// <summary>Density filter: slower than this is music, silence or long pauses.</summary>
    public double MinWordsPerSecond { get; set; } = 1.0;

    /// <summary>Density filter: faster than this is garbled recognition, not speech.</summary>
    public double MaxWordsPerSecond { get; set; } = 5.0;

    /// <summary>Density filter: a window whose words the recogniser doubts this much is noise.</summary>
    public double MinMeanConfidence { get; set; } = 0.3;

    /// <summary>Lower clamp of the adaptive sentence-pause threshold (transcripts without punctuation).</summary>
    public double MinPauseSeconds { get; set; } = 0.35;

    /// <summary>Upper clamp of the adaptive sentence-pause threshold.</summary>
    public double MaxPauseSeconds { get; set; } = 1.2;

    /// <summary>A "sentence" longer than this is split at its longest pause.</summary>
    public double MaxSentenceSeconds { get; set; } = 25;

    /// <summary>A clip starts this long before its first word (less when the previous word is nearer).</summary>
    public double LeadInSeconds { get; set; } = 0.2;

    /// <summary>A clip runs this long past its last word, so the last syllable is not clipped.</summary>
    public double TailSeconds { get; set; } = 0.4;

    /// <summary>Clips at least this long get full marks for length.</summary>
    public double IdealMinSeconds { get; set; } = 20;

    /// <summary>Clips at most this long get full marks for length.</summary>
    public double IdealMaxSeconds { get; set; } = 60;

    /// <summary>
    /// A candidate that shares this much of its word pairs with the chosen clips (or holds this much of one
    /// chosen clip's) says again what a clip already says, and is passed over (see <see cref="RepeatGuard"/>).
    /// Different passages of a talk share a few percent; the same passage recognised twice, two thirds or more.
    /// </summary>
    public double MaxRepeatedShare { get; set; } = 0.25;

    /// <summary>A candidate whose opening sentence is this much said by a chosen clip (or that says this much of a chosen clip's opening) is a repeat.</summary>
    public double RepeatedOpeningShare { get; set; } = 0.5;

    /// <summary>How clips are ranked: <c>heuristic</c> (the default, offline) or <c>llm</c> (the heuristic's proposals re-ranked by a chat model; needs CLIPPER_OPENAI_API_KEY).</summary>
    public string Rank { get; set; } = "heuristic";

    /// <summary>How many candidates the heuristic proposes to the LLM (at least the job's clip count are sent).</summary>
    public int LlmCandidates { get; set; } = 12;

    /// <summary>The LLM's weight in the blended score.</summary>
    public double LlmWeight { get; set; } = 0.7;

    /// <summary>The heuristic's weight in the blended score.</summary>
    public double HeuristicWeight { get; set; } = 0.3;

    /// <summary>How long the one ranking call may take before the heuristic ranking stands (<c>llm_timeout</c>).</summary>
    public TimeSpan LlmTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The seed sent with every ranking call (with temperature 0, for answers that repeat).</summary>
    public long LlmSeed { get; set; } = 1717;

    /// <summary>The ranking prompt's system message (<c>{language}</c> is replaced); changing it changes the stamp and the cache key.</summary>
    public string LlmPromptTemplate { get; set; } = Llm.LlmPrompt.DefaultTemplate;

    /// <summary>Consecutive failed ranking calls after which the provider is not called for <see cref="BreakerOpenFor"/>.</summary>
    public int BreakerFailures { get; set; } = 3;

    /// <summary>How long the circuit breaker stays open (no job calls the provider) once it opened.</summary>
    public TimeSpan BreakerOpenFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>US dollars per million input tokens (default: gpt-4o-mini's list price as of <see cref="LlmPricesAsOf"/>).</summary>
    public decimal LlmInputPricePerMillion { get; set; } = 0.15m;

    /// <summary>US dollars per million output tokens (default: gpt-4o-mini's list price as of <see cref="LlmPricesAsOf"/>).</summary>
    public decimal LlmOutputPricePerMillion { get; set; } = 0.60m;

    /// <summary>When the prices were read off the provider's price list: a label, not a truth; set your own.</summary>
    public string LlmPricesAsOf { get; set; } = "2024-07-18 gpt-4o-mini list price";

    /// <summary>Whether <see cref="Rank"/> asks for the LLM.</summary>
    public bool RankWithLlm => string.Equals(Rank, "llm", StringComparison.OrdinalIgnoreCase);

    internal double TotalWeight => HookWeight + CompletenessWeight + DensityWeight + EmotionWeight;

    /// <summary>Throws <see cref="ErrorCode.BadOption"/> naming the first setting out of range.</summary>
    public ScoreOptions Validate()
    {
        if (HookWeight < 0 || CompletenessWeight < 0 || DensityWeight < 0 || EmotionWeight < 0 || !(TotalWeight > 0))
        {
            Bad("HookWeight, CompletenessWeight, DensityWeight and EmotionWeight must not be negative nor all zero");
        }

        if (MinScore < 0 || MinScore > 100)
        {
            Bad($"MinScore must be 0..100, got {MinScore}");
        }

        if (!(MinWordsPerSecond >= 0) || !(MaxWordsPerSecond > MinWordsPerSecond))
        {
            Bad($"MinWordsPerSecond..MaxWordsPerSecond must be a range, got {MinWordsPerSecond}..{MaxWordsPerSecond}");
        }

        if (!(MinPauseSeconds > 0) || !(MaxPauseSeconds >= MinPauseSeconds))
        {
            Bad($"MinPauseSeconds..MaxPauseSeconds must be a positive range, got {MinPauseSeconds}..{MaxPauseSeconds}");
        }

        if (!(MaxSentenceSeconds >= 3))
        {
            Bad($"MaxSentenceSeconds must be at least 3, got {MaxSentenceSeconds}");
        }

        if (!(LeadInSeconds >= 0) || !(TailSeconds >= 0))
        {
            Bad($"LeadInSeconds and TailSeconds must not be negative, got {LeadInSeconds} and {TailSeconds}");
        }

        if (!(MaxRepeatedShare > 0) || MaxRepeatedShare > 1 || !(RepeatedOpeningShare > 0) || RepeatedOpeningShare > 1)
        {
            Bad($"MaxRepeatedShare and RepeatedOpeningShare must be in (0, 1], got {MaxRepeatedShare} and {RepeatedOpeningShare}");
        }

        if (!string.Equals(Rank, "heuristic", StringComparison.OrdinalIgnoreCase) && !RankWithLlm)
        {
            Bad($"Rank must be 'heuristic' or 'llm', got '{Rank}'");
        }

        if (LlmCandidates < 1 || LlmCandidates > 50)
        {
            Bad($"LlmCandidates must be 1..50, got {LlmCandidates}");
        }

        if (LlmWeight < 0 || HeuristicWeight < 0 || !(LlmWeight + HeuristicWeight > 0))
        {
            Bad($"LlmWeight and HeuristicWeight must not be negative nor both zero, got {LlmWeight} and {HeuristicWeight}");
        }

        if (LlmTimeout <= TimeSpan.Zero || BreakerOpenFor <= TimeSpan.Zero || BreakerFailures < 1)
        {
            Bad($"LlmTimeout and BreakerOpenFor must be positive and BreakerFailures at least 1, got {LlmTimeout}, {BreakerOpenFor} and {BreakerFailures}");
        }

        if (string.IsNullOrWhiteSpace(LlmPromptTemplate) || LlmInputPricePerMillion < 0 || LlmOutputPricePerMillion < 0)
        {
            Bad("LlmPromptTemplate must not be empty and the LLM prices must not be negative");
        }

        return this;
    }

    private static void Bad(string message) => throw new ClipperException(ErrorCode.BadOption, message);
}
