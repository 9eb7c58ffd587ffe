using Orleans.Concurrency;

namespace Clipper.Abstractions.Jobs;

/// <summary>A watcher of one job: the job pushes its view each time it changes (written state or live progress).</summary>
[Alias("clipper.IJobObserver")]
public interface IJobObserver : IGrainObserver
{
    [OneWay, Alias("Changed")]
    Task Changed(JobView view);
}
