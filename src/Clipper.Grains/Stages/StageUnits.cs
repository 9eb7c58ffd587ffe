using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;

namespace Clipper.Grains.Stages;

/// <summary>Where a unit of work runs: the grain that runs it, derived from the job and the unit in this one place.</summary>
public static class StageUnits
{
    /// <summary>Per-clip units and the audio's chunks spread over the silos in turn; the others run near their job.</summary>
    public static IStageGrain Grain(IGrainFactory grains, string jobId, WorkId unit) =>
        unit.Spreads
            ? grains.GetGrain<ISpreadStageGrain>(unit.GrainKey(jobId))
            : grains.GetGrain<ILocalStageGrain>(unit.GrainKey(jobId));
}
