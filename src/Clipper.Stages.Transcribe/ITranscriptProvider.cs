using Clipper.Core.Transcripts;

namespace Clipper.Stages.Transcribe;

/// <summary>
/// One way of getting a word-level transcript: side-car captions, the local recogniser, later a remote
/// speech-to-text API. The <see cref="Transcriber"/> tries providers in order.
/// </summary>
public interface ITranscriptProvider
{
    /// <summary>A short stable name, stored as <see cref="Transcript.Provider"/> ("captions", "pocketsphinx").</summary>
    string Name { get; }

    /// <summary>Whether this provider listens to the audio track (and so cannot help when there is none).</summary>
    bool NeedsAudio { get; }

    /// <summary>
    /// The transcript, or null when this provider does not apply (no caption file, say). Failures of the tool
    /// behind it are thrown as <see cref="Clipper.Core.Errors.ClipperException"/>s.
    /// </summary>
    /// <param name="progress">receives the fraction done, 0..1; may be called from other threads</param>
    Task<Transcript?> TranscribeAsync(TranscribeRequest request, IProgress<double>? progress, CancellationToken cancel);
}
