using Clipper.Abstractions.Stages;
using Orleans.Concurrency;

namespace Clipper.Abstractions.Jobs;

/// <summary>
/// One video job, keyed by its id. It drives the stage grains through fetch, transcribe, score, track and
/// encode, persisting every result before the next stage starts. Queries interleave with everything else,
/// so they never wait behind work.
/// </summary>
[Alias("clipper.IVideoJobGrain")]
public interface IVideoJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job. Submitting the same spec again is accepted; another spec under the same id is refused (bad_option).</summary>
    [Alias("Submit")]
    Task<JobView> Submit(JobSpec spec);

    /// <summary>The job's view; throws ClipperException-like error (source_not_found) when no job has this id.</summary>
    [AlwaysInterleave, Alias("Get")]
    Task<JobView?> Get();

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
    Task Progress(string workKey, string token, double fraction);
}
