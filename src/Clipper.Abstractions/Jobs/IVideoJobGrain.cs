using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Orleans.Concurrency;

namespace Clipper.Abstractions.Jobs;

/// <summary>
/// One video job, keyed by its id. It drives the stage grains through its graph of work units (fetch, transcribe,
/// score, then track and encode per clip), persisting every result before dependent work starts. Queries
/// interleave with everything else, so they never wait behind work, and show only what is persisted.
/// </summary>
[Alias("clipper.IVideoJobGrain")]
public interface IVideoJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job. Submitting the same spec again is accepted; another spec under the same id is refused (idempotency_conflict).</summary>
    [Alias("Submit")]
    Task<JobView> Submit(JobSpec spec);

    /// <summary>The job's view as last persisted, with live progress; null when no job has this id.</summary>
    [AlwaysInterleave, Alias("Get")]
    Task<JobView?> Get();

    /// <summary>
    /// Subscribes a watcher (or renews its subscription, which lapses after <c>Clipper:Job:WatcherExpiry</c>) and returns
    /// the view now; null when no job has this id.
    /// </summary>
    [AlwaysInterleave, Alias("Subscribe")]
    Task<JobView?> Subscribe(IJobObserver watcher);

    [AlwaysInterleave, Alias("Unsubscribe")]
    Task Unsubscribe(IJobObserver watcher);

    /// <summary>Cancels the job and stops its running processes on whichever silo runs them.</summary>
    [Alias("Cancel")]
    Task<JobView?> Cancel();

    /// <summary>A stage grain's report that a unit of work ended (duplicates and late reports change nothing).</summary>
    [Alias("Report")]
    Task Report(StageReport report);

    /// <summary>Looks at the work in flight now (a silo was declared dead): units lost with it are dispatched again.</summary>
    [Alias("Wake")]
    Task Wake(string reason);

    /// <summary>Live progress of a unit of work, 0..1 (not persisted).</summary>
    [AlwaysInterleave, OneWay, Alias("Progress")]
    Task Progress(WorkId unit, string token, double fraction);
}
