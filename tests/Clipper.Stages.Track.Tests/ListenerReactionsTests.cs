using Clipper.Core.Crop;
using Clipper.Core.Errors;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// Where listener reaction shots go (<see cref="ListenerReactions"/>), on turns and per-sample arrays laid out by hand
/// (5 samples a second, the default 8 s turn, 2 s reaction, 2 s margin), and what the fitter makes of them on
/// <see cref="ActiveSpeakerFitTests"/>'s two faces.
/// </summary>
[Trait("Category", "unit")]
public sealed class ListenerReactionsTests
{
    private const double Left = ActiveSpeakerFitTests.Left;
    private const double Right = ActiveSpeakerFitTests.Right;
    private static readonly TrackOptions On = new TrackOptions { ReactionShots = true }.Validate();

    [Fact]
    public void ALongTurnGetsOneReactionInItsMiddlePartWhereTheSpeakerPauses()
    {
        // face 0 talks for 12 s (60 samples) with a pause at 7-8 s; face 1 listens, seen throughout. Every stretch that
        // holds the whole pause is as good; the one nearest the middle cuts away at 6 s and back as the speaker resumes.
        var mouth0 = Talk(60, i => i is < 35 or >= 40);
        var placed = ListenerReactions.Place([new ShownTurn(0, 60, 0)], [Seen(60), Seen(60)], [mouth0, Still(60)], Voice(60), On);

        Assert.Equal([new ShownTurn(0, 30, 0), new ShownTurn(30, 40, 1, Reaction: true), new ShownTurn(40, 60, 0)], placed);
    }

    [Fact]
    public void WithoutAPauseTheReactionSitsInTheTurnsMiddle()
    {
        var placed = ListenerReactions.Place([new ShownTurn(0, 60, 0)], [Seen(60), Seen(60)], [Talk(60, _ => true), Still(60)], Voice(60), On);

        Assert.Equal(new ShownTurn(25, 35, 1, Reaction: true), placed[1]);
    }

    [Fact]
    public void TheListenersOwnWordIntoTheTurnBeatsThePause()
    {
        // a pause at 3-4 s, and the listener's mouth moving at 8-9 s (an "oh, yes" under the speaker's words)
        var mouth1 = Still(60);
        Array.Fill(mouth1, 8.0, 40, 5);
        var placed = ListenerReactions.Place([new ShownTurn(0, 60, 0)], [Seen(60), Seen(60)], [Talk(60, i => i is < 15 or >= 20), mouth1], Voice(60), On);

        Assert.InRange(placed[1].From, 35, 40);
        Assert.Equal((1, true, 10), (placed[1].Face, placed[1].Reaction, placed[1].To - placed[1].From));
    }

    [Fact]
    public void TurnsShorterThanTheLeastTurnKeepTheSpeaker()
    {
        // 7.8 s and 7.8 s: no reaction; the third, 8 s, gets one, at least 2 s from its start and end (a shot's edge is no exception)
        ShownTurn[] turns = [new(0, 39, 0), new(39, 78, 1), new(78, 118, 0)];
        var placed = ListenerReactions.Place(turns, [Seen(118), Seen(118)], [Talk(118, _ => true), Talk(118, _ => true)], Voice(118), On);

        Assert.Equal([turns[0], turns[1], new ShownTurn(78, 93, 0), new ShownTurn(93, 103, 1, Reaction: true), new ShownTurn(103, 118, 0)], placed);
    }

    [Fact]
    public void AListenerNotSeenThroughoutGetsNoReaction()
    {
        // seen only in the first and last 2.4 s of the 12 s turn: every 2 s stretch of its middle part misses it
        var seen = Seen(60);
        Array.Fill(seen, false, 12, 36);
        var away = ListenerReactions.Place([new ShownTurn(0, 60, 0)], [Seen(60), seen], [Talk(60, _ => true), Still(60)], Voice(60), On);
        // missed in one sample of four: still seen (a blink), the reaction is placed
        var blinking = Seen(60);
        for (int i = 1; i < 60; i += 4)
        {
            blinking[i] = false;
        }

        var blinks = ListenerReactions.Place([new ShownTurn(0, 60, 0)], [Seen(60), blinking], [Talk(60, _ => true), Still(60)], Voice(60), On);

        Assert.Equal([new ShownTurn(0, 60, 0)], away);
        Assert.Equal(3, blinks.Count);
        Assert.True(blinking[blinks[1].From] && blinking[blinks[1].To - 1]);
    }

    [Fact]
    public void TheListenerIsTheOneWhoSpokeLastElseTheOneSeenMost()
    {
        // three faces: 1 talks, then 0 for 12 s; 2 is seen more often during 0's turn, but 1 spoke last
        var seen2 = Seen(80);
        var seen1 = Seen(80);
        Array.Fill(seen1, false, 20, 4);
        ShownTurn[] turns = [new(0, 20, 1), new(20, 80, 0)];
        var mouths = new[] { Talk(80, i => i >= 20), Talk(80, i => i < 20), Still(80) };

        var afterOne = ListenerReactions.Place(turns, [Seen(80), seen1, seen2], mouths, Voice(80), On);
        var firstTurn = ListenerReactions.Place([new ShownTurn(0, 60, 0)], [Seen(60), seen1[..60], seen2[..60]], [mouths[0][..60], mouths[1][..60], mouths[2][..60]], Voice(60), On);

        Assert.Equal(1, afterOne.Single(t => t.Reaction).Face);
        Assert.Equal(2, firstTurn.Single(t => t.Reaction).Face);
    }

    [Fact]
    public void OffTheFitterIsUnchangedAndOnItCutsToTheListenerAndBack()
    {
        // the left face talks for 12 s, the right listens
        var samples = ActiveSpeakerFitTests.Dialogue(12, _ => 0);

        var off = ActiveSpeakerFitTests.Fit(new TrackOptions(), samples, 12);
        var on = ActiveSpeakerFitTests.Fit(On, samples, 12);

        var k = Assert.Single(off.Keyframes);
        Assert.InRange(ActiveSpeakerFitTests.Centre(k), Left - 5, Left + 5);
        Assert.DoesNotContain("reaction", off.Reason);
        Assert.Equal(3, on.Keyframes.Count);
        Assert.Equal([Left, Right, Left], on.Keyframes.Select(f => Math.Round(ActiveSpeakerFitTests.Centre(f) / 100) * 100));
        Assert.InRange(on.Keyframes[1].T, 4.9, 5.0);
        Assert.Equal(2.0, on.Keyframes[2].T - on.Keyframes[1].T, 3);
        Assert.Contains("(0 speaker switch(es), each a cut); 1 listener reaction shot(s), each a cut to the listener and back", on.Reason);
        Assert.EndsWith("; 1 listener reaction shot(s)", Assert.Single(on.Shots!).Reason);
    }

    [Fact]
    public void ASplitShotGetsNoReaction()
    {
        var samples = ActiveSpeakerFitTests.Dialogue(12, _ => 0);

        var path = new PathFitter(On, 1920, 1080, 1080, 1920).Fit(samples, 12, null, ClipLayouts.Split);

        Assert.True(path.HasSplit);
        Assert.Equal(ClipLayouts.Split, Assert.Single(path.Shots!).Layout);
        Assert.Contains("; 0 listener reaction shot(s)", path.Reason);
        Assert.Single(path.Keyframes);
    }

    [Theory]
    [InlineData(nameof(TrackOptions.ReactionLength), 1.0)]
    [InlineData(nameof(TrackOptions.ReactionMargin), 1.0)]
    [InlineData(nameof(TrackOptions.ReactionMinTurn), 5.5)]
    public void ReactionSettingsThatWouldMakeAStayShorterThanATurnAreRejectedWhenOn(string name, double value)
    {
        var on = new TrackOptions { ReactionShots = true };
        var off = new TrackOptions();
        typeof(TrackOptions).GetProperty(name)!.SetValue(on, value);
        typeof(TrackOptions).GetProperty(name)!.SetValue(off, value);

        var e = Assert.Throws<ClipperException>(() => on.Validate());

        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.Contains(name, e.Message);
        off.Validate(); // off, they are not checked against each other (a value out of range is: ActiveSpeakerFitTests)
    }

    /// <summary>A talking mouth (8 grey levels a sample) where <paramref name="talks"/>, else still.</summary>
    private static double[] Talk(int n, Func<int, bool> talks) => [.. Enumerable.Range(0, n).Select(i => talks(i) ? 8.0 : 0.0)];

    private static double[] Still(int n) => new double[n];

    private static bool[] Seen(int n) => [.. Enumerable.Repeat(true, n)];

    private static double[] Voice(int n) => [.. Enumerable.Repeat(0.6, n)];
}
