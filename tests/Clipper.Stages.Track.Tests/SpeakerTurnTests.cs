using Clipper.Core.Errors;

namespace Clipper.Stages.Track.Tests;

/// <summary>
/// The active speaker with the transcript's speaker turns, on arrays laid out by hand: two faces, 5 samples a second, the
/// sound at 0.6 of its loud level throughout; a talking mouth moves 6 grey levels a sample. Where the listener's mouth moves
/// too, the mouths alone pick the wrong face or none; the labelled turns, each matched to a face over all of its samples, do not.
/// </summary>
[Trait("Category", "unit")]
public sealed class SpeakerTurnTests
{
    private const int Fps = 5;

    private static readonly TrackOptions Options = new TrackOptions().Validate();

    [Fact]
    public void AListenerWhoLaughsForTwoSecondsTakesTheWindowFromTheMouthsButNotFromTheTurns()
    {
        // Ann (face 0) talks 0-12 s; Ben (face 1) laughs 5-7 s, mouth wide open, while Ann talks on; Ben talks 12-20 s
        var (mouth, voice) = Mouths(20, t => t < 12 ? (t is >= 5 and < 7 ? 5 : 6, t is >= 5 and < 7 ? 14 : 0) : (0, 6));
        var (label, labels) = Labels(20, t => t < 12 ? "Ann" : "Ben");

        var byMouth = ActiveSpeaker.Decide(mouth, voice, Options)!;
        var byTurns = ActiveSpeaker.DecideByTurns(mouth, voice, label, labels, Options, out var matched)!;

        Assert.Equal(1, byMouth[6 * Fps]); // the mouths alone cut to the laughing listener
        Assert.Equal(["Ann", "Ben"], matched);
        Assert.Equal(Enumerable.Repeat(0, 12 * Fps).Concat(Enumerable.Repeat(1, 8 * Fps)), byTurns);
    }

    [Fact]
    public void AListenerWhoMouthsAlongHidesTheSpeakerFromTheMouthsButNotFromTheTurns()
    {
        // each listener's mouth moves at 3.5 while the other talks at 6: never twice as much, so the mouths decide nobody
        var (mouth, voice) = Mouths(16, t => t < 8 ? (6, 3.5) : (3.5, 6));
        var (label, labels) = Labels(16, t => t < 8 ? "Ann" : "Ben");

        Assert.Null(ActiveSpeaker.Decide(mouth, voice, Options));
        var byTurns = ActiveSpeaker.DecideByTurns(mouth, voice, label, labels, Options, out _)!;

        Assert.Equal(Enumerable.Repeat(0, 8 * Fps).Concat(Enumerable.Repeat(1, 8 * Fps)), byTurns);
    }

    [Fact]
    public void TwoNamesGetTwoFacesButUnnamedTurnsMayShareOne()
    {
        // face 0 talks 0-6 s and 12-16 s, face 1 6-12 s; the captions call the third stretch by a third name or an unnamed turn
        var (mouth, voice) = Mouths(16, t => t is >= 6 and < 12 ? (0, 6) : (6, 0));

        var (named, names) = Labels(16, t => t < 6 ? "Ann" : t < 12 ? "Ben" : "Cat");
        var held = ActiveSpeaker.DecideByTurns(mouth, voice, named, names, Options, out var matched)!;
        var (turns, unnamed) = Labels(16, t => t < 6 ? ">>1" : t < 12 ? ">>2" : ">>3");
        var back = ActiveSpeaker.DecideByTurns(mouth, voice, turns, unnamed, Options, out var matchedTurns)!;

        // Ann has face 0 (more talk), so Cat, another name, matches nobody: the window stays with Ben
        Assert.Equal(["Ann", "Ben"], matched);
        Assert.Equal(Enumerable.Repeat(0, 6 * Fps).Concat(Enumerable.Repeat(1, 10 * Fps)), held);
        Assert.Equal([">>1", ">>2", ">>3"], matchedTurns);
        Assert.Equal(Enumerable.Repeat(0, 6 * Fps).Concat(Enumerable.Repeat(1, 6 * Fps)).Concat(Enumerable.Repeat(0, 4 * Fps)), back);
    }

    [Fact]
    public void ARunWhoseMouthsClearlySaySomeoneElseTalksIsDecidedByTheMouths()
    {
        // Ben (face 1) talks 16-20 s, but the captions give that stretch to Ann (who talked 0-10 s): a mislabelled cue
        var (mouth, voice) = Mouths(20, t => t >= 10 ? (0, 6) : (6, 0));
        var (label, labels) = Labels(20, t => t < 10 ? "Ann" : t < 16 ? "Ben" : "Ann");

        var who = ActiveSpeaker.DecideByTurns(mouth, voice, label, labels, Options, out _)!;

        Assert.Equal(Enumerable.Repeat(0, 10 * Fps).Concat(Enumerable.Repeat(1, 10 * Fps)), who);
    }

    [Fact]
    public void LabelsNoFaceClearlyOwnsLeaveTheDecisionToTheMouths()
    {
        // both mouths move alike all along: no label can be matched, and the caller asks the mouths
        var (mouth, voice) = Mouths(10, _ => (6, 6));
        var (label, labels) = Labels(10, t => t < 5 ? "Ann" : "Ben");

        Assert.Null(ActiveSpeaker.DecideByTurns(mouth, voice, label, labels, Options, out var matched));
        Assert.Empty(matched);
    }

    [Fact]
    public void ATurnDominanceBelowOneIsRejected()
    {
        var e = Assert.Throws<ClipperException>(() => new TrackOptions { TurnDominance = 0.9 }.Validate());
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.StartsWith(nameof(TrackOptions.TurnDominance), e.Message);
    }

    /// <summary>Both faces' mouth movement per sample, (face 0, face 1) at time t, and the sound's level.</summary>
    private static (List<double[]> Mouth, double[] Voice) Mouths(double seconds, Func<double, (double, double)> at)
    {
        int n = (int)(seconds * Fps);
        var a = new double[n];
        var b = new double[n];
        for (int i = 0; i < n; i++)
        {
            (a[i], b[i]) = at((double)i / Fps);
        }

        return ([a, b], Enumerable.Repeat(0.6, n).ToArray());
    }

    /// <summary>Each sample's label index, and the labels in order of first appearance.</summary>
    private static (int[] Label, string[] Labels) Labels(double seconds, Func<double, string> at)
    {
        var names = new List<string>();
        var label = new int[(int)(seconds * Fps)];
        for (int i = 0; i < label.Length; i++)
        {
            var name = at((double)i / Fps);
            if (!names.Contains(name))
            {
                names.Add(name);
            }

            label[i] = names.IndexOf(name);
        }

        return (label, [.. names]);
    }
}
