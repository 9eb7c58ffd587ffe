using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;

namespace Clipper.Grains.Stages;

/// <summary>Runs one unit of stage work on this silo (the stage grains' work, off the Orleans scheduler).</summary>
public interface IStageRunner
{
    /// <summary>True once the process is stopping: the units it stopped are not failures of their jobs.</summary>
    bool Stopping { get; }

    Task<StageOutput> RunAsync(StageWork work, IProgress<double> progress, CancellationToken cancel);
}
