namespace Clipper.Abstractions.Errors;

/// <summary>
/// What of a <see cref="Clipper.Core.Errors.ClipperException"/> crosses a silo. The code travels as its wire name
/// ("not_a_video"), the stable contract, not as the enum's number, so reordering the enum cannot change a
/// meaning; a name the reader does not know becomes "internal". Never reorder or reuse an id.
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.ClipperExceptionSurrogate")]
public readonly record struct ClipperExceptionSurrogate
{
    [Id(0)] public string Code { get; init; }

    [Id(1)] public string Message { get; init; }

    [Id(2)] public string? Detail { get; init; }

    /// <summary>A transient code that is not worth retrying this time (a 404 on a download).</summary>
    [Id(3)] public bool PermanentOverride { get; init; }

    /// <summary>Where it was thrown, shown after the caller's own frames as .NET shows a remote stack.</summary>
    [Id(4)] public string? StackTrace { get; init; }
}
