namespace Clipper.Core.Errors;

/// <summary>
/// A failure with a stable code, a message a person understands and, for child processes, the stderr tail. It
/// crosses silos intact (code, message, detail, transient flag and stack; not the inner exception) through the
/// Orleans surrogate in Clipper.Abstractions, so this project needs no Orleans.
/// </summary>
/// <remarks>Sealed because the surrogate codec serializes this exact type only: a subclass would not cross a silo.</remarks>
public sealed class ClipperException : Exception
{
    public ClipperException(ErrorCode code, string message, string? detail = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Detail = detail;
    }

    public ErrorCode Code { get; }

    /// <summary>Extra diagnostic text (the tail of a tool's stderr), or null.</summary>
    public string? Detail { get; }

    /// <summary>
    /// Whether a retry may succeed. Normally the code decides; a permanent HTTP answer (401/403/404) on a
    /// download uses <see cref="ErrorCode.DownloadFailed"/> but is not worth retrying.
    /// </summary>
    public bool IsTransient => PermanentOverride ? false : Code.IsTransient();

    public bool PermanentOverride { get; init; }

    public override string ToString() => $"{Code.Code()}: {Message}";
}
