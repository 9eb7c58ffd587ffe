using Clipper.Abstractions.Stages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime;

namespace Clipper.Grains.Stages;

/// <summary>Track and encode: one unit per clip, placed by activation count so one job's clips spread over the silos.</summary>
[ActivationCountBasedPlacement]
public sealed class SpreadStageGrain(IStageRunner runner, ILocalSiloDetails silo, IGrainFactory grains, IOptions<JobOptions> options,
    ILogger<SpreadStageGrain> log) : StageGrain(runner, silo, grains, options, log), ISpreadStageGrain;
