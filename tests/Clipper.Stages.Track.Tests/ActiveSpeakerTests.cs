using System.Globalization;
using Clipper.Core.Crop;
using Clipper.Samples;
using Clipper.TestSupport;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// The active speaker on a dialogue with known turns (<see cref="TwoSpeakerMedia"/>): two real faces 640 px apart
/// in a 1280×720 frame, so a 9:16 window (405 px) holds one of them; each mouth moves with its own voice. The truth
/// is the turn list: who talks when, one interjection of about a second, and one passage where both talk.
/// </summary>
[Trait("Category", "media")]
public sealed partial class ActiveSpeakerTests(DialogueFixture fixture) : IClassFixture<DialogueFixture>
{
    private const double Settle = SpeakerTruth.Settle;

    private Dialogue D => fixture.Dialogue;

    [Fact]
    public void TheSpeakingFaceIsInTheWindowInNinetyPercentOfSampledTimes()
    {
        var (inside, judged) = Coverage(fixture.Path);
        var (before, _) = Coverage(fixture.Unaware);
        Measurements.Record(string.Create(CultureInfo.InvariantCulture,
            $"active speaker: the speaking face in the 9:16 window at {inside} of {judged} sampled times ({100.0 * inside / judged:0.0}%); "
            + $"with FollowSpeaker off (the tracker before) {before} of {judged} ({100.0 * before / judged:0.0}%)"));
        Assert.True(inside >= 0.9 * judged, $"the speaking face was in the window at {inside} of {judged} sampled times");
        // The same measure tells the old behaviour apart: it stays on one face for the whole dialogue.
        Assert.True(before < 0.7 * judged, $"with FollowSpeaker off the speaking face was in the window at {before} of {judged} times");
    }

    [Fact]
    public void EachSwitchIsACutWithinHalfASecondOfItsTurnAndNoneIsShorterThanTheMinimumTurn()
    {
        var (switches, offsets) = SwitchesNearTheirTurns(fixture.Path);
        var expected = ExpectedSwitches();
        var gaps = switches.Zip(switches.Skip(1), (a, b) => b.T - a.T).Prepend(switches.Count > 0 ? switches[0].T : D.DurationSeconds).ToList();
        Measurements.Record(string.Create(CultureInfo.InvariantCulture,
            $"active speaker: {switches.Count} switches (expected {expected.Count}) at {string.Join(", ", switches.Select(s => $"{s.T:0.0} s"))}; "
            + $"furthest from its turn {offsets.DefaultIfEmpty(0).Max():0.00} s; shortest stay {gaps.Min():0.0} s"));
        Assert.All(gaps, g => Assert.True(g >= new TrackOptions().MinSpeakerTurn, $"a stay of {g:0.00} s between switches"));
        Assert.Contains($"followed the active speaker in 1 shot(s) with two or more faces ({switches.Count} speaker switch(es), each a cut)", fixture.Path.Reason);
    }

    [Fact]
    public void CleanAlternationStaysSingleWithTheActiveSpeakerNotSplit()
    {
        // one passage of about 1.4 s where both talk, and five hand-overs: far from most of the shot
        var shot = Assert.Single(fixture.Path.Shots!);
        Assert.Equal((ClipLayouts.Single, ClipLayouts.Single), (shot.Layout, fixture.Path.Layout));
        Assert.Matches(@"^both faces spoke in [\d.]+ of [\d.]+ s \(under 60 %\): not split$", shot.Reason);
        Assert.False(fixture.Path.HasSplit);
        Measurements.Record($"split layout: the alternating dialogue stays single: {shot.Reason}");
    }

    [Fact]
    public void TheInterjectionCausesNoSwitch()
    {
        var interjection = Assert.Single(D.Turns, t => t.Interjection);
        Assert.InRange(interjection.End - interjection.Start, 0.3, 1.5);
        int listener = 1 - interjection.Speaker;
        // by the mouths, and by the captions' turns, where the interjection is a run of its speaker's name of its own
        Assert.Contains(fixture.Turns, r => r.Label == DialogueFixture.Names[interjection.Speaker] && Math.Abs(r.Start - interjection.Start) < 0.05);
        foreach (var path in new[] { fixture.Path, fixture.WithTurns })
        {
            for (double t = interjection.Start - 0.3; t < interjection.End + 0.3; t += 0.1)
            {
                Assert.Equal(listener, Nearest(path, t));
            }
        }
    }

    [Fact]
    public void WithTheCaptionsSpeakerTurnsTheSpeakingFaceIsInTheWindowAndEachSwitchIsWithinHalfASecondOfItsTurn()
    {
        var (inside, judged) = Coverage(fixture.WithTurns);
        var (switches, offsets) = SwitchesNearTheirTurns(fixture.WithTurns);
        var (_, mouthOffsets) = SwitchesNearTheirTurns(fixture.Path);
        Measurements.Record(string.Create(CultureInfo.InvariantCulture,
            $"active speaker with the captions' speaker turns: the speaking face in the 9:16 window at {inside} of {judged} sampled times "
            + $"({100.0 * inside / judged:0.0}%); {switches.Count} switches, from their turns {offsets.Average():0.00} s on average, "
            + $"{offsets.Max():0.00} s at most; by the mouths alone {mouthOffsets.Average():0.00} s and {mouthOffsets.Max():0.00} s"));
        Assert.True(inside >= 0.9 * judged, $"the speaking face was in the window at {inside} of {judged} sampled times");
        Assert.Equal(ExpectedSwitches().Count, switches.Count);
    }

    [Fact]
    public void TheCaptionsVoiceSpansReachTheTrackerAndItsReasonSaysTheTurnsCameFromTheTranscript()
    {
        // every line of the dialogue is a run of its speaker's name (the overlapping passage's words interleave into more)
        Assert.Equal(DialogueFixture.Names, fixture.Turns.Select(r => r.Label).Distinct().Order());
        Assert.InRange(fixture.Turns.Count, D.Turns.Count, D.Turns.Count + 12);
        Assert.Contains("; who talks from the transcript's speaker turns in 1 of them (Ann, Ben matched to faces)", fixture.WithTurns.Reason);
        Assert.DoesNotContain("transcript", fixture.Path.Reason);
        Measurements.Record($"active speaker with the captions' speaker turns: {fixture.WithTurns.Reason}");
    }

    private (int Inside, int Judged) Coverage(CropPath path) => SpeakerTruth.Coverage(D, path);

    /// <summary>The path's switches, each checked to come within <see cref="Settle"/> of a turn of its speaker, and how far from it each is.</summary>
    private (List<(double T, int To)> Switches, List<double> Offsets) SwitchesNearTheirTurns(CropPath path)
    {
        var switches = Switches(path);
        var expected = ExpectedSwitches();
        var offsets = new List<double>();
        foreach (var (t, to) in switches)
        {
            var match = expected.Where(e => e.Speaker == to).OrderBy(e => Distance(t, e)).FirstOrDefault();
            Assert.True(match is not null, $"a switch to speaker {to} at {t:0.00} s, who never takes the floor");
            offsets.Add(Distance(t, match));
            Assert.True(Distance(t, match) <= Settle, $"switch to speaker {to} at {t:0.00} s, the turn {match}");
        }

        Assert.Equal(expected.Count, switches.Count);
        return (switches, offsets);
    }

    private double SoleFrom(SpeakerTurn turn) => SpeakerTruth.SoleFrom(D, turn);

    /// <summary>The turns that hand the floor to the other speaker (interjections do not).</summary>
    private List<SpeakerTurn> ExpectedSwitches()
    {
        var turns = D.Turns.Where(t => !t.Interjection).ToList();
        return turns.Where((t, i) => i > 0 && t.Speaker != turns[i - 1].Speaker).ToList();
    }

    /// <summary>A switch may come from the turn's start to the moment its speaker talks alone.</summary>
    private double Distance(double t, SpeakerTurn turn) =>
        t < turn.Start ? turn.Start - t : Math.Max(0, t - SoleFrom(turn));

    /// <summary>The times the window jumps from one face to the other, and to whom.</summary>
    private List<(double T, int To)> Switches(CropPath path)
    {
        var output = new List<(double, int)>();
        int current = Nearest(path, 0);
        foreach (var k in path.Keyframes)
        {
            int now = Nearest(path, k.T);
            if (now != current)
            {
                output.Add((k.T, now));
                current = now;
            }
        }

        return output;
    }

    /// <summary>The face whose centre is nearest the window's centre at t.</summary>
    private int Nearest(CropPath path, double t)
    {
        double centre = TestVideos.At(path, t).X + path.Width / 2.0;
        return Math.Abs(centre - D.FaceCentreX[0]) <= Math.Abs(centre - D.FaceCentreX[1]) ? 0 : 1;
    }
}
