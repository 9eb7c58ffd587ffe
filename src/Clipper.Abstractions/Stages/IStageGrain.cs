using Orleans.Concurrency;

namespace Clipper.Abstractions.Stages;

/// <summary>
/// Runs one unit of stage work, keyed "jobId/workKey". It holds no persisted state: Start hands the work
/// over and returns at once; the work runs off the Orleans scheduler (bounded per silo and stage) and the
/// grain reports back to the job grain when it ends. Starting the same unit again while it runs only
/// updates the token it reports with, so a re-driven job never runs one unit twice at once.
/// </summary>
[Alias("clipper.IStageGrain")]
public interface IStageGrain : IGrainWithStringKey
{
    /// <returns>the silo the unit runs on (its address's parsable form): where the placement hint put a new
    /// activation, or where the unit's activation already lived (a unit tried again after a failure stays there)</returns>
    [Alias("Start")]
    Task<string> Start(StageWork work, string token);

    /// <summary>Whether this activation is running (or queued) the unit with this token; false on a fresh activation (its silo died).</summary>
    [AlwaysInterleave, Alias("IsRunning")]
    Task<bool> IsRunning(string token);

    /// <summary>Stops the unit's processes, if running.</summary>
    [AlwaysInterleave, Alias("Stop")]
    Task Stop();
}

/// <summary>Fetch, split, the joining transcribe unit and score: placed on the silo of the job that asks (the source is usually there).</summary>
[Alias("clipper.ILocalStageGrain")]
public interface ILocalStageGrain : IStageGrain;

/// <summary>The audio's chunks, track and encode: placed on the silos in turn, so one job's chunks and clips spread over them.</summary>
[Alias("clipper.ISpreadStageGrain")]
public interface ISpreadStageGrain : IStageGrain;
