using Orleans.Concurrency;

namespace Clipper.Abstractions.Jobs;

/// <summary>A watcher of the job list: the list pushes each job it is told of (a new job, or a job's new status).</summary>
[Alias("clipper.IJobListObserver")]
public interface IJobListObserver : IGrainObserver
{
    [OneWay, Alias("Listed")]
    Task Listed(JobSummary job);
}
