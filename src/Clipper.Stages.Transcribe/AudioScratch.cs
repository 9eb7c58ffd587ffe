using Clipper.Core.Errors;

namespace Clipper.Stages.Transcribe;

/// <summary>
/// A recogniser's scratch directory under the job's working directory, for the decoded audio and its pieces: made
/// before <c>body</c> runs and removed after, whatever happened. A full or unwritable disk is
/// <see cref="ErrorCode.StorageFailed"/>, the token firing <see cref="ErrorCode.Cancelled"/>.
/// </summary>
internal static class AudioScratch
{
    /// <param name="prefix">the directory's name before its random part ("asr-")</param>
    /// <param name="who">the recogniser, as errors name it ("recogniser", "remote recogniser")</param>
    public static async Task<T> RunAsync<T>(string workDir, string prefix, string who, Func<string, Task<T>> body, CancellationToken cancel)
    {
        string dir;
        try
        {
            Directory.CreateDirectory(workDir);
            dir = Path.Combine(workDir, prefix + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClipperException(ErrorCode.StorageFailed, $"cannot create a working directory for the {who}", e.Message, e);
        }

        try
        {
            return await body(dir).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new ClipperException(ErrorCode.Cancelled, "transcription was cancelled");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClipperException(ErrorCode.StorageFailed, $"cannot read or write the {who}'s audio files", e.Message, e);
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the janitor sweeps the job's working directory later
            }
        }
    }
}
