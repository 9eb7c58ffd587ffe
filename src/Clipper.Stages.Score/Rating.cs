using Clipper.Core.Clips;

namespace Clipper.Stages.Score;

/// <summary>A window's sub-scores, composite score (0–100), one-line reason and title.</summary>
public sealed record Rating(Scores Scores, int Score, string Reason, string Title);

/// <summary>One criterion's score and the causes behind it, good ones and bad ones.</summary>
internal sealed record Part(string Criterion, int Score, double Weight, IReadOnlyList<string> Good, IReadOnlyList<string> Bad);
