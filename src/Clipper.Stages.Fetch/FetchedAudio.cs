using Clipper.Stages.Fetch.Platform;

namespace Clipper.Stages.Fetch;

/// <summary>
/// A link's audio fetched ahead of its video (<see cref="Fetcher.FetchAudioAsync"/>), or why it was not: then the job
/// recognises the audio of the merged source, after the whole download, as for every other input.
/// </summary>
/// <param name="Audio">The audio stream, stored; null when the audio-first path was not taken.</param>
/// <param name="Reason">Why it was not taken (null when it was).</param>
public sealed record AudioAhead(FetchedAudio? Audio, string? Reason)
{
    public static AudioAhead Not(string reason) => new(null, reason);
}

/// <summary>A site's audio stream stored as it came (<see cref="Clipper.Core.Storage.BlobLayout.StreamAudio"/>).</summary>
/// <param name="Sha256">Lower-case hex SHA-256 of the stream's bytes: the identity its chunks are cached under.</param>
/// <param name="Bytes">The stream's size.</param>
public sealed record FetchedAudio(string BlobKey, string Sha256, long Bytes, SiteInfo Site);
