using Clipper.Abstractions.Stages;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace Clipper.Grains.Stages;

/// <summary>The audio's chunks, track and encode: units placed on the silos in turn, so one job's chunks and clips spread over them.</summary>
[RoundRobinPlacement]
public sealed class SpreadStageGrain(StageGrainServices services, ILogger<SpreadStageGrain> log) : StageGrain(services, log), ISpreadStageGrain;
