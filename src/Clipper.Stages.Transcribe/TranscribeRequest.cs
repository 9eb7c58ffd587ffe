namespace Clipper.Stages.Transcribe;

/// <summary>
/// What to transcribe: the media file, the side-car caption file (SRT or WebVTT) the fetch stage found beside it
/// or downloaded with it, and the directory scratch files go to (the job's working directory, so the janitor
/// can find leftovers of a killed run). <paramref name="Language"/> is the spoken language the job gave (ISO 639-1), or
/// null to let the engine detect it; the transcript carries it either way.
/// </summary>
public sealed record TranscribeRequest(string Media, string? Captions, string WorkDir, string? Language = null)
{
    /// <summary>Media only, scratch files in the system temporary directory.</summary>
    public static TranscribeRequest Of(string media) => new(media, null, Path.GetTempPath());
}
