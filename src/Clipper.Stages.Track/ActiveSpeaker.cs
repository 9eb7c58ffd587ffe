namespace Clipper.Stages.Track;

/// <summary>
/// Who talks, sample by sample, in a shot with two or more faces: each face's mouth movement
/// (<see cref="MouthActivity"/>) weighted by the loudness of the sound at that moment, summed over a short window;
/// the face whose sum is large enough and clearly above every other's is the speaker there. Then hysteresis: a turn
/// shorter than <see cref="TrackOptions.MinSpeakerTurn"/> is dropped (the window stays with whoever spoke before), and
/// where nobody is seen talking the last speaker keeps the window. Each switch sits at the first sample of the new
/// turn: the analysis is offline, so it can look ahead instead of lagging behind the talk.
/// <para>
/// The mouth-crop difference was chosen over BlazeFace's keypoints (the mouth's distance below the nose) by how well
/// each told a talking face from a listening one on the two-speaker test media (<c>TwoSpeakerMedia</c>, 173 samples
/// of each face): the crop difference averaged 5.95 and 8.66 while talking against 0.45 and 0.47 while listening,
/// a separation of 2.1 and 2.6 standard deviations; the keypoint's change between samples 0.0025 and 0.0021 face
/// heights against 0.0003 and 0.0002, 1.5 and 1.75 standard deviations, and on real footage the detector's jitter
/// adds to the listener's side. (Measured before the head's shift was searched for; on those still faces the best
/// shift is none.)
/// </para>
/// </summary>
internal static class ActiveSpeaker
{
    /// <summary>Seconds either side of a sample whose activity counts towards it: syllables and pauses average out.</summary>
    private const double Window = 0.2;

    /// <summary>
    /// The speaker at each sample, as an index into <paramref name="mouth"/> (one row per face, one column per
    /// sample, 0 where the face was not seen), given the sound's level per sample (0..1); null when nobody talks
    /// long enough anywhere in the shot, so the caller keeps its usual choice.
    /// </summary>
    public static int[]? Decide(IReadOnlyList<double[]> mouth, double[] voice, TrackOptions options)
    {
        int n = voice.Length;
        int faces = mouth.Count;
        int w = (int)Math.Round(Window * options.SampleFps, MidpointRounding.AwayFromZero);
        var decided = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = -1;
            double top = 0, second = 0;
            for (int f = 0; f < faces; f++)
            {
                double score = 0;
                for (int j = Math.Max(0, i - w); j <= Math.Min(n - 1, i + w); j++)
                {
                    score += mouth[f][j] * voice[j];
                }

                if (score > top)
                {
                    second = top;
                    top = score;
                    best = f;
                }
                else if (score > second)
                {
                    second = score;
                }
            }

            decided[i] = top >= options.MinMouthActivity && top >= options.SpeakerDominance * second ? best : -1;
        }

        var turns = Turns(decided);
        double minSamples = options.MinSpeakerTurn * options.SampleFps;
        while (turns.Count > 0)
        {
            // Drop the shortest turn that is too short; its neighbours may then join up.
            int shortest = -1;
            for (int r = 0; r < turns.Count; r++)
            {
                if (turns[r].Last - turns[r].First + 1 < minSamples && (shortest < 0 || Length(turns[r]) < Length(turns[shortest])))
                {
                    shortest = r;
                }
            }

            if (shortest < 0)
            {
                break;
            }

            turns.RemoveAt(shortest);
            if (shortest > 0 && shortest < turns.Count && turns[shortest - 1].Speaker == turns[shortest].Speaker)
            {
                turns[shortest - 1] = turns[shortest - 1] with { Last = turns[shortest].Last };
                turns.RemoveAt(shortest);
            }
        }

        if (turns.Count == 0)
        {
            return null;
        }

        var who = new int[n];
        for (int r = 0; r < turns.Count; r++)
        {
            int from = r == 0 ? 0 : turns[r].First;
            int to = r == turns.Count - 1 ? n : turns[r + 1].First;
            Array.Fill(who, turns[r].Speaker, from, to - from);
        }

        return who;
    }

    /// <summary>
    /// Where one face talks, sample by sample: its movement weighted by the sound's level, summed over the same window,
    /// reaches <see cref="TrackOptions.MinMouthActivity"/> (whatever the other faces do; <see cref="SplitChoice"/>).
    /// </summary>
    public static bool[] Talking(double[] mouth, double[] voice, TrackOptions options)
    {
        int n = voice.Length;
        int w = (int)Math.Round(Window * options.SampleFps, MidpointRounding.AwayFromZero);
        var talking = new bool[n];
        for (int i = 0; i < n; i++)
        {
            double score = 0;
            for (int j = Math.Max(0, i - w); j <= Math.Min(n - 1, i + w); j++)
            {
                score += mouth[j] * voice[j];
            }

            talking[i] = score >= options.MinMouthActivity;
        }

        return talking;
    }

    private sealed record Turn(int Speaker, int First, int Last);

    private static int Length(Turn t) => t.Last - t.First + 1;

    /// <summary>Runs of the same decided speaker; undecided samples between two decisions for the same face join them.</summary>
    private static List<Turn> Turns(int[] decided)
    {
        var turns = new List<Turn>();
        for (int i = 0; i < decided.Length; i++)
        {
            if (decided[i] < 0)
            {
                continue;
            }

            if (turns.Count > 0 && turns[^1].Speaker == decided[i])
            {
                turns[^1] = turns[^1] with { Last = i };
            }
            else
            {
                turns.Add(new Turn(decided[i], i, i));
            }
        }

        return turns;
    }
}
