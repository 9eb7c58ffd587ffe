namespace Clipper.Gateway.Errors;

/// <summary>The CLI's exit codes, part of its public contract (README, "Exit codes").</summary>
public static class ExitCodes
{
    public const int Done = 0;

    /// <summary>Clipper broke (or could not reach what it needs): the log file says more.</summary>
    public const int Failed = 1;

    /// <summary>The input or the request cannot be clipped as given: one <c>error: CODE: message</c> line says why.</summary>
    public const int CannotClip = 2;
}
