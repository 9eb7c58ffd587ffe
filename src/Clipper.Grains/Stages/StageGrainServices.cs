using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Clipper.Grains.Stages;

/// <summary>What every stage grain needs from its silo, in one piece.</summary>
public sealed record StageGrainServices(IStageRunner Runner, ILocalSiloDetails Silo, IGrainFactory Grains, IOptions<JobOptions> Options,
    IClipperMetrics Metrics);
