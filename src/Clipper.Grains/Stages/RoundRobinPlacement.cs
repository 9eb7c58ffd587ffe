using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Clipper.Grains.Stages;

/// <summary>
/// Places each new activation on the next compatible silo in turn. Stage units are CPU work: one job's chunks and
/// clips, dispatched in a burst, go one to each silo in turn, where placing by activation count sent a whole burst
/// to the silo with the fewest activations of any kind (a silo just restarted took every chunk of a job).
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("clipper.RoundRobinPlacement")]
public sealed class RoundRobinPlacement : PlacementStrategy;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RoundRobinPlacementAttribute() : PlacementAttribute(new RoundRobinPlacement());

/// <summary>
/// The director of <see cref="RoundRobinPlacement"/>: a turn counter per placing silo (the job's, which places its
/// units), started at a random silo so that jobs placed by different silos do not all begin at the same one.
/// </summary>
public sealed class RoundRobinPlacementDirector : IPlacementDirector
{
    private int _turn = Random.Shared.Next();

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hint)
        {
            return Task.FromResult(hint);
        }

        // the same order on every call, whatever order membership lists them in
        var ordered = silos.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        var turn = (uint)Interlocked.Increment(ref _turn);
        return Task.FromResult(ordered[turn % (uint)ordered.Length]);
    }
}
