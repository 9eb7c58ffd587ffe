using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Work;
using Clipper.Grains.Jobs;

namespace Clipper.Grains.Tests;

/// <summary>
/// Where a job sends a unit that spreads: the silo with the fewest of the job's units of that stage in flight, so that
/// with the job's limit at the silos' slots no silo holds more of them than it has slots (a unit waiting on a busy
/// silo dies with it: the cluster benchmark's killed silo held 3 chunks for 2 slots).
/// </summary>
[Trait("Category", "unit")]
public sealed class InFlightUnitsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EachChunkGoesToTheSiloWithTheFewestOfTheJobsChunksAndNoSiloGetsMoreThanItsShare()
    {
        var silos = new[] { "a", "b", "c" };
        var inFlight = new InFlightUnits();
        // six chunks for three silos of two slots: two each, in the order given when tied
        var placed = new List<string>();
        for (int k = 1; k <= 6; k++)
        {
            var silo = inFlight.LeastBusy(Stage.Transcribe, silos)!;
            inFlight.Dispatched(WorkId.Chunk(k), $"t{k}", Now, silo);
            placed.Add(silo);
        }

        Assert.Equal(["a", "b", "c", "a", "b", "c"], placed);

        // b's two finish first: the next two go to b, not round the ring to a and c, whose slots are taken
        inFlight.Remove(WorkId.Chunk(2));
        inFlight.Remove(WorkId.Chunk(5));
        var seventh = inFlight.LeastBusy(Stage.Transcribe, silos)!;
        inFlight.Dispatched(WorkId.Chunk(7), "t7", Now, seventh);
        Assert.Equal("b", seventh);
        Assert.Equal("b", inFlight.LeastBusy(Stage.Transcribe, silos));
    }

    [Fact]
    public void OnlyTheSameStagesUnitsCountAndNoSilosMeansNoChoice()
    {
        var inFlight = new InFlightUnits();
        inFlight.Dispatched(WorkId.Encode(1), "e1", Now, "a");
        inFlight.Dispatched(WorkId.Encode(2), "e2", Now, "a");
        inFlight.Dispatched(WorkId.Track(3), "t3", Now, "b");

        Assert.Equal("a", inFlight.LeastBusy(Stage.Track, ["a", "b"]));
        Assert.Equal("b", inFlight.LeastBusy(Stage.Encode, ["a", "b"]));
        Assert.Null(inFlight.LeastBusy(Stage.Encode, []));
    }

    [Fact]
    public void AUnitThatRunsWhereItRanBeforeCountsThereNotWhereItWasSent()
    {
        var silos = new[] { "a", "b", "c" };
        var inFlight = new InFlightUnits();
        inFlight.Dispatched(WorkId.Chunk(1), "t1", Now, "a");
        inFlight.Dispatched(WorkId.Chunk(2), "t2", Now, "b");
        // chunk 3 failed on a and is tried again: the job chose c, but its activation on a runs it
        inFlight.Dispatched(WorkId.Chunk(3), "t3", Now, "c");
        inFlight.RanOn(WorkId.Chunk(3), "t3", "a");
        // a stale dispatch's word changes nothing
        inFlight.RanOn(WorkId.Chunk(2), "old", "a");

        Assert.Equal("c", inFlight.LeastBusy(Stage.Transcribe, silos));
        inFlight.Dispatched(WorkId.Chunk(4), "t4", Now, "c");
        // a has two (1 and 3) and is not chosen before b
        Assert.Equal("b", inFlight.LeastBusy(Stage.Transcribe, silos));
    }
}
