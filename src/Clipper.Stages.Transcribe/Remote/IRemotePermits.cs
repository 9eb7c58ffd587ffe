namespace Clipper.Stages.Transcribe.Remote;

/// <summary>
/// Permission to send one request to the remote speech-to-text service, shared by everyone who sends (in a cluster, one
/// grain hands them out): a caller over the limit waits its turn, it does not fail.
/// </summary>
public interface IRemotePermits
{
    /// <summary>Returns when one request carrying <paramref name="audioSeconds"/> of audio may go.</summary>
    ValueTask WaitAsync(double audioSeconds, CancellationToken cancel);
}
