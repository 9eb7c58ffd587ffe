using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;

namespace Clipper.Grains;

/// <summary>
/// What the silo reports for metrics: work waiting per stage, how long units took, retries and how jobs ended.
/// <see cref="ClipperMeter"/> records it as the "Clipper" meter; the gateway exports that as Prometheus text.
/// </summary>
public interface IClipperMetrics
{
    /// <summary>A unit of work started (+1) or stopped (-1) waiting for a free slot of its stage on this silo.</summary>
    void Queued(Stage stage, int delta);

    /// <summary>Units of the stage running on this silo now (they hold one of its slots).</summary>
    void Running(Stage stage, int now);

    /// <summary>A unit of work ended after <paramref name="seconds"/>: "ok", "failed" or "cancelled".</summary>
    void StageRan(Stage stage, double seconds, string outcome);

    /// <summary>A unit of work used <paramref name="cpuSeconds"/> of CPU on this silo (its processes and its in-process work), whatever its outcome.</summary>
    void StageCpu(Stage stage, double cpuSeconds);

    /// <summary>A transcript was made by a remote service: the requests sent and the audio seconds it bills.</summary>
    void RemoteTranscribed(string service, int requests, double audioSeconds);

    /// <summary>A unit of work failed an attempt and will run again.</summary>
    void Retried(Stage stage, string code);

    /// <summary>
    /// A job reached a terminal state <paramref name="seconds"/> after it was submitted, with its error code when it
    /// failed or was cancelled and, when a unit of work failed it, that unit's stage.
    /// </summary>
    void JobEnded(JobStatus status, string? code, Stage? failedStage, double seconds);

    /// <summary>
    /// A transcript was needed: "made" (a provider ran), "cached" (found in the cache) or "waited" (found after waiting
    /// for another job's transcription of the same video).
    /// </summary>
    void Transcript(string how);

    /// <summary>A piece of audio started (+1) or stopped (-1) waiting for the cluster's rate limit of a remote service.</summary>
    void RemoteQueued(string service, int delta);
    /// <summary>An LLM ranking ended: "llm", "llm_cached" or its failure code (the heuristic ranking stood).</summary>
    void LlmRanking(string outcome, int inputTokens, int outputTokens);

    /// <summary>A provider's circuit breaker opened (its grain runs on this silo).</summary>
    void LlmBreakerOpened(string provider);

    /// <summary>A track unit sampled <paramref name="frames"/> frames and ran the face detector on each (once per clip, whatever its renditions).</summary>
    void TrackFrames(int frames);
}

public sealed class NoMetrics : IClipperMetrics
{
    public void TrackFrames(int frames) { }

    public void Queued(Stage stage, int delta) { }

    public void Running(Stage stage, int now) { }

    public void StageRan(Stage stage, double seconds, string outcome) { }

    public void StageCpu(Stage stage, double cpuSeconds) { }

    public void RemoteTranscribed(string service, int requests, double audioSeconds) { }

    public void Retried(Stage stage, string code) { }

    public void JobEnded(JobStatus status, string? code, Stage? failedStage, double seconds) { }

    public void Transcript(string how) { }

    public void RemoteQueued(string service, int delta) { }
    public void LlmRanking(string outcome, int inputTokens, int outputTokens) { }

    public void LlmBreakerOpened(string provider) { }
}
