namespace Clipper.Stages.Track;

/// <summary>
/// A stretch of a shot shown on one face: [From, To) in samples of the shot, the face an index into the shot's faces;
/// <paramref name="Reaction"/> when it is a listener's reaction shot cut into another face's turn.
/// </summary>
internal sealed record ShownTurn(int From, int To, int Face, bool Reaction = false);

/// <summary>
/// Listener reaction shots (<see cref="TrackOptions.ReactionShots"/>, off by default): inside a turn of one speaker at
/// least <see cref="TrackOptions.ReactionMinTurn"/> long (the turns <see cref="ActiveSpeaker"/> decided), the window
/// cuts to a listener for <see cref="TrackOptions.ReactionLength"/> and then back to the speaker, at most once per turn
/// and at least <see cref="TrackOptions.ReactionMargin"/> from the turn's start and end, so that every stay is at least
/// <see cref="TrackOptions.MinSpeakerTurn"/> long.
/// <para>
/// The listener is another face seen throughout the stretch (in <see cref="MinSeenShare"/> of its samples, its first and
/// last among them): the one who spoke last before the turn if they are, else the one seen most during the turn. Where:
/// the position in the turn's middle part where the listener's mouth moves most (a word or a smile into the other's
/// talk) less the speaker's own voiced mouth movement (a pause is the least jarring moment to look away), both averaged
/// over the stretch in the units of <see cref="MouthActivity"/>; between equal places the one nearer the turn's middle.
/// A nod is not seen as such: the mouth measure cancels the head's own movement. Pure.
/// </para>
/// </summary>
internal static class ListenerReactions
{
    /// <summary>
    /// The share of a reaction's samples in which the listener must be detected: a missed frame (a blink, a turned head)
    /// is allowed, a listener out of the picture for a good part of the stretch is not.
    /// </summary>
    private const double MinSeenShare = 0.8;

    /// <summary>
    /// The turns with reaction shots cut in: a long enough turn of face S becomes S, the listener (a reaction), S.
    /// </summary>
    /// <param name="turns">consecutive turns covering the shot, as <see cref="ActiveSpeaker"/> decided them</param>
    /// <param name="seen">per face, whether it was detected at each sample of the shot</param>
    /// <param name="mouth">per face, its mouth movement at each sample (0 where not seen)</param>
    /// <param name="voice">the sound's level at each sample, 0..1</param>
    public static List<ShownTurn> Place(IReadOnlyList<ShownTurn> turns, IReadOnlyList<bool[]> seen, IReadOnlyList<double[]> mouth,
        double[] voice, TrackOptions options)
    {
        int minTurn = Samples(options.ReactionMinTurn, options);
        int length = Samples(options.ReactionLength, options);
        int margin = Samples(options.ReactionMargin, options);
        var output = new List<ShownTurn>();
        int spokeLast = -1;
        foreach (var turn in turns)
        {
            if (turn.To - turn.From >= minTurn && turn.To - turn.From >= length + 2 * margin
                && Best(turn, spokeLast, length, margin, seen, mouth, voice) is { } reaction)
            {
                output.Add(turn with { To = reaction.From });
                output.Add(reaction);
                output.Add(turn with { From = reaction.To });
            }
            else
            {
                output.Add(turn);
            }

            spokeLast = turn.Face;
        }

        return output;
    }

    /// <summary>The reaction for one turn, or null when no other face is seen throughout any stretch of its middle part.</summary>
    private static ShownTurn? Best(ShownTurn turn, int spokeLast, int length, int margin, IReadOnlyList<bool[]> seen,
        IReadOnlyList<double[]> mouth, double[] voice)
    {
        int speaker = turn.Face;
        var listeners = Enumerable.Range(0, seen.Count).Where(f => f != speaker)
            .OrderByDescending(f => f == spokeLast)
            .ThenByDescending(f => Count(seen[f], turn.From, turn.To))
            .ThenBy(f => f);
        double middle = (turn.From + turn.To) / 2.0;
        foreach (int listener in listeners)
        {
            int best = -1;
            double bestScore = double.NegativeInfinity;
            for (int p = turn.From + margin; p + length <= turn.To - margin; p++)
            {
                if (!SeenThroughout(seen[listener], p, p + length))
                {
                    continue;
                }

                double score = 0;
                for (int i = p; i < p + length; i++)
                {
                    score += mouth[listener][i] - mouth[speaker][i] * voice[i];
                }

                score /= length;
                // equal within rounding: the place nearer the middle
                if (score > bestScore + 1e-9 || (Math.Abs(score - bestScore) <= 1e-9 && Distance(p, length, middle) < Distance(best, length, middle)))
                {
                    best = p;
                    bestScore = score;
                }
            }

            if (best >= 0)
            {
                return new ShownTurn(best, best + length, listener, Reaction: true);
            }
        }

        return null;
    }

    private static double Distance(int from, int length, double middle) => Math.Abs(from + length / 2.0 - middle);

    private static bool SeenThroughout(bool[] seen, int from, int to) =>
        seen[from] && seen[to - 1] && Count(seen, from, to) >= MinSeenShare * (to - from);

    private static int Count(bool[] seen, int from, int to)
    {
        int count = 0;
        for (int i = from; i < to; i++)
        {
            count += seen[i] ? 1 : 0;
        }

        return count;
    }

    private static int Samples(double seconds, TrackOptions options) =>
        (int)Math.Round(seconds * options.SampleFps, MidpointRounding.AwayFromZero);
}
