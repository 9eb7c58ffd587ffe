using Clipper.Abstractions.Stages;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace Clipper.Grains.Stages;

/// <summary>Track and encode: one unit per clip, placed by activation count so one job's clips spread over the silos.</summary>
[ActivationCountBasedPlacement]
public sealed class SpreadStageGrain(StageGrainServices services, ILogger<SpreadStageGrain> log) : StageGrain(services, log), ISpreadStageGrain;
