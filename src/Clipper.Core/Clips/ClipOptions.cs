using Clipper.Core.Errors;

namespace Clipper.Core.Clips;

/// <summary>What the user asked for: how many clips, how long, what output size.</summary>
public sealed record ClipOptions(int MaxClips, double MinSeconds, double MaxSeconds, int Width, int Height)
{
    public static readonly ClipOptions Defaults = new(10, 15, 90, 1080, 1920);

    /// <summary>Throws <see cref="ErrorCode.BadOption"/> with a message naming the offending option.</summary>
    public ClipOptions Validate()
    {
        if (MaxClips < 1 || MaxClips > 50)
        {
            Bad($"--clips must be between 1 and 50, got {MaxClips}");
        }

        if (double.IsNaN(MinSeconds) || MinSeconds < 3)
        {
            Bad($"--min must be at least 3 seconds, got {MinSeconds}");
        }

        if (double.IsNaN(MaxSeconds) || MaxSeconds > 600)
        {
            Bad($"--max must be at most 600 seconds, got {MaxSeconds}");
        }

        if (MaxSeconds < MinSeconds)
        {
            Bad($"--max ({MaxSeconds}) must not be below --min ({MinSeconds})");
        }

        if (Width < 64 || Height < 64 || Width > 4096 || Height > 4096 || Width % 2 != 0 || Height % 2 != 0)
        {
            Bad($"the output size must be even and between 64 and 4096 pixels, got {Width}x{Height}");
        }

        return this;
    }

    private static void Bad(string message) => throw new ClipperException(ErrorCode.BadOption, message);
}

/// <summary>The explainable sub-scores of a clip, each 0–100.</summary>
public sealed record Scores(int Hook, int Completeness, int Density, int Emotion);

/// <summary>
/// A chosen clip: a window of the source in seconds, its composite score (0–100), sub-scores, a one-line reason
/// naming what drove the score (the LLM's when it ranked the clip), and a title. <see cref="Index"/> is its rank, 1 = best.
/// <see cref="Description"/> and <see cref="Hashtags"/> are its publish metadata; <see cref="Ranking"/> says how it
/// was ranked (absent in records made before it existed).
/// </summary>
public sealed record ScoredClip(int Index, double Start, double End, int Score, Scores Scores, string Reason, string Title,
    string Description = "", IReadOnlyList<string>? Hashtags = null, ClipRanking? Ranking = null)
{
    /// <summary>By value, the hashtags too (a record compares a list by reference).</summary>
    public bool Equals(ScoredClip? other) =>
        other is not null && Index == other.Index && Start.Equals(other.Start) && End.Equals(other.End) && Score == other.Score
        && Scores == other.Scores && Reason == other.Reason && Title == other.Title && Description == other.Description
        && (Hashtags ?? []).SequenceEqual(other.Hashtags ?? []) && Ranking == other.Ranking;

    public override int GetHashCode() => HashCode.Combine(Index, Start, End, Score, Title);

    public double Duration => End - Start;
}

/// <summary>
/// How a clip was ranked: <see cref="By"/> "heuristic" or "llm"; the heuristic's score and reason (always computed);
/// the LLM's score and sub-scores when it judged the clip; the blend that ordered the clips.
/// </summary>
public sealed record ClipRanking(string By, int Heuristic, int? Llm, int Blended, string HeuristicReason, LlmScores? LlmScores);

/// <summary>The LLM's sub-scores of a clip, each 0–100.</summary>
public sealed record LlmScores(int Hook, int Payoff, int Clarity, int Shareability);
