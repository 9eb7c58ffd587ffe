namespace Clipper.Abstractions.Stages;

/// <summary>
/// The cluster-wide rate limit of a remote service (one grain per service, keyed e.g. "openai"): requests and audio
/// minutes per minute, from Clipper:Transcribe:Remote. A caller over the limit is told how long to wait and asks again.
/// </summary>
public interface IRemoteRateGrain : IGrainWithStringKey
{
    /// <summary>Zero when a request carrying <paramref name="audioMinutes"/> may go now (it is counted), else how long to wait.</summary>
    Task<TimeSpan> Take(double audioMinutes);
}
