using Clipper.Abstractions.Stages;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace Clipper.Grains.Stages;

/// <summary>Fetch, transcribe and score: placed on the silo of the job that asks (the source is usually there).</summary>
[PreferLocalPlacement]
public sealed class LocalStageGrain(StageGrainServices services, ILogger<LocalStageGrain> log) : StageGrain(services, log), ILocalStageGrain;
