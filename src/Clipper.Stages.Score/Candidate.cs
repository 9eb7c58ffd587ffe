namespace Clipper.Stages.Score;

/// <summary>A window that passed the filters, with its rating.</summary>
public sealed record Candidate(Window Window, Rating Rating);
