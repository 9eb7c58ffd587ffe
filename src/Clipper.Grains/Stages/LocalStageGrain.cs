using Clipper.Abstractions.Stages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime;

namespace Clipper.Grains.Stages;

/// <summary>Fetch, transcribe and score: placed on the silo of the job that asks (the source is usually there).</summary>
[PreferLocalPlacement]
public sealed class LocalStageGrain(IStageRunner runner, ILocalSiloDetails silo, IGrainFactory grains, IOptions<JobOptions> options,
    ILogger<LocalStageGrain> log) : StageGrain(runner, silo, grains, options, log), ILocalStageGrain;
