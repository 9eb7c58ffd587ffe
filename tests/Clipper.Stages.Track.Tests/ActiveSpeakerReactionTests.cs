using System.Globalization;
using Clipper.Core.Crop;
using Clipper.Samples;
using Clipper.TestSupport;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// Listener reaction shots on the same dialogue (<see cref="DialogueFixture.Reactions"/>: the defaults with
/// <see cref="TrackOptions.ReactionShots"/> on), judged against the turns: a "floor" is one speaker's stretch from the
/// change of speaker to the next (interjections do not take it); a stretch where the window shows a face that does not
/// have the floor for at least <see cref="MinStretch"/> is a listener shot.
/// </summary>
public sealed partial class ActiveSpeakerTests
{
    /// <summary>Shorter stretches on the wrong face are the lag of a switch (at most <see cref="Settle"/>).</summary>
    private const double MinStretch = 1.0;

    private static readonly TrackOptions ReactionOptions = new() { ReactionShots = true };

    [Fact]
    public void WithReactionShotsOnEachLongTurnCutsToItsListenerOnceAndOtherwiseShowsTheSpeaker()
    {
        var o = ReactionOptions;
        var floors = Floors();
        // the prediction must not hang on where exactly a switch falls: no floor within Settle of the threshold
        Assert.All(floors, f => Assert.True(f.Shortest >= o.ReactionMinTurn + Settle || f.Longest <= o.ReactionMinTurn - Settle,
            $"a floor of {f.Shortest:0.00}-{f.Longest:0.00} s, too near the {o.ReactionMinTurn} s threshold to predict"));
        var longFloors = floors.Where(f => f.Shortest >= o.ReactionMinTurn).ToList();
        var path = fixture.Reactions;
        var stretches = ListenerStretches(path);
        var lines = new List<string>();

        foreach (var (from, to) in stretches)
        {
            var floor = longFloors.SingleOrDefault(f => from >= f.LatestStart && to <= f.EarliestEnd);
            Assert.True(floor is not null, $"a listener shot at {from:0.0}-{to:0.0} s outside every floor of {o.ReactionMinTurn} s or more");
            Assert.InRange(to - from, o.ReactionLength - 0.2, o.ReactionLength + 0.2);
            Assert.True(to - from >= o.MinSpeakerTurn);
            Assert.True(from - floor.LatestStart >= o.ReactionMargin - Settle && floor.EarliestEnd - to >= o.ReactionMargin - Settle,
                $"the listener shot {from:0.0}-{to:0.0} s is nearer than {o.ReactionMargin} s to its floor {floor}");
            int listener = 1 - floor.Speaker;
            int samples = 0, inside = 0;
            for (double t = from; t < to - 1e-9; t += 0.1, samples++)
            {
                inside += TestVideos.Inside(path, t, D.FaceCentreX[listener]) ? 1 : 0;
            }

            Assert.Equal(samples, inside);
            var interjection = D.Turns.FirstOrDefault(u => u.Interjection && u.Speaker == listener && u.Start < to && u.End > from);
            string over = interjection is null ? ""
                : string.Create(CultureInfo.InvariantCulture, $", over the listener's \"{interjection.Text}\" at {interjection.Start:0.0}-{interjection.End:0.0} s");
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{from:0.0}-{to:0.0} s on speaker {listener} (inside the window at {inside} of {samples} times) in speaker {floor.Speaker}'s {floor.LatestStart:0.0}-{floor.EarliestEnd:0.0} s floor{over}"));
        }

        Assert.Equal(longFloors.Count, stretches.Count);
        Assert.True(longFloors.Count > 0, "the dialogue has no floor long enough for a reaction: the test would prove nothing");
        // every reaction is two more cuts, and still no stay between two cuts is shorter than a speaker's least turn
        var cuts = Switches(path);
        Assert.Equal(ExpectedSwitches().Count + 2 * stretches.Count, cuts.Count);
        var stays = cuts.Zip(cuts.Skip(1), (a, b) => b.T - a.T).Prepend(cuts[0].T).Append(D.DurationSeconds - cuts[^1].T).ToList();
        Assert.All(stays, g => Assert.True(g >= o.MinSpeakerTurn, $"a stay of {g:0.00} s between cuts"));
        var (kept, judged) = SpeakerTruth.Coverage(D, path, t => stretches.Any(s => t >= s.From && t < s.To));
        Measurements.Record(string.Create(CultureInfo.InvariantCulture,
            $"reaction shots: {stretches.Count} listener shot(s) for {longFloors.Count} floor(s) of {o.ReactionMinTurn} s or more "
            + $"(floors {string.Join(", ", floors.Select(f => f.Longest - f.Shortest < 0.05 ? $"{f.Shortest:0.0}" : $"{f.Shortest:0.0}-{f.Longest:0.0}"))} s): {string.Join("; ", lines)}; "
            + $"outside them the speaking face in the window at {kept} of {judged} sampled times ({100.0 * kept / judged:0.0}%); "
            + $"{cuts.Count} cuts, the shortest stay {stays.Min():0.0} s"));
        Assert.True(kept >= 0.9 * judged, $"outside the listener shots the speaking face was in the window at {kept} of {judged} times");
        Assert.Contains($"; {longFloors.Count} listener reaction shot(s), each a cut to the listener and back", path.Reason);
        Assert.EndsWith($"; {longFloors.Count} listener reaction shot(s)", Assert.Single(path.Shots!).Reason);
    }

    [Fact]
    public void WithReactionShotsOffNoStretchShowsTheListener()
    {
        var stretches = ListenerStretches(fixture.Path);

        Measurements.Record(string.Create(CultureInfo.InvariantCulture,
            $"reaction shots off (the default): {stretches.Count} stretch(es) of {MinStretch} s or more on a face without the floor"));
        Assert.Empty(stretches);
        Assert.DoesNotContain("reaction", fixture.Path.Reason);
    }

    /// <summary>One speaker's floor: it begins between its turn's start and the moment it talks alone, and ends where the next begins.</summary>
    private sealed record Floor(int Speaker, double EarliestStart, double LatestStart, double EarliestEnd, double LatestEnd)
    {
        public double Shortest => EarliestEnd - LatestStart;

        public double Longest => LatestEnd - EarliestStart;
    }

    private List<Floor> Floors()
    {
        var starts = ExpectedSwitches().Select(t => (t.Speaker, Earliest: t.Start, Latest: SoleFrom(t))).Prepend((D.Turns[0].Speaker, Earliest: 0.0, Latest: 0.0)).ToList();
        return [.. starts.Select((s, i) => i + 1 < starts.Count
            ? new Floor(s.Speaker, s.Earliest, s.Latest, starts[i + 1].Earliest, starts[i + 1].Latest)
            : new Floor(s.Speaker, s.Earliest, s.Latest, D.DurationSeconds, D.DurationSeconds))];
    }

    /// <summary>The stretches (every 0.1 s) of at least <see cref="MinStretch"/> where the window shows no face that has the floor.</summary>
    private List<(double From, double To)> ListenerStretches(CropPath path)
    {
        var output = new List<(double, double)>();
        double? start = null;
        for (int k = 0; ; k++)
        {
            double t = k / 10.0;
            bool end = t >= D.DurationSeconds;
            bool off = !end && !SpeakerTruth.Expected(D, t).Any(s => TestVideos.Inside(path, t, D.FaceCentreX[s]));
            if (off)
            {
                start ??= t;
            }
            else if (start is { } a)
            {
                if (t - a >= MinStretch - 1e-9)
                {
                    output.Add((a, t));
                }

                start = null;
            }

            if (end)
            {
                return output;
            }
        }
    }
}
