using Clipper.Core.Transcripts;

namespace Clipper.Stages.Track;

/// <summary>
/// Who talks, sample by sample, in a shot with two or more faces: each face's mouth movement
/// (<see cref="MouthActivity"/>) weighted by the loudness of the sound at that moment, summed over a short window;
/// the face whose sum is large enough and clearly above every other's is the speaker there. Then hysteresis: a turn
/// shorter than <see cref="TrackOptions.MinSpeakerTurn"/> is dropped (the window stays with whoever spoke before), and
/// where nobody is seen talking the last speaker keeps the window. Each switch sits at the first sample of the new
/// turn: the analysis is offline, so it can look ahead instead of lagging behind the talk.
/// <para>
/// Where the transcript says who speaks when (speaker labels from the captions, <see cref="DecideByTurns"/>), the labels
/// decide each sample and the mouths only match each label to its face, summed over all of the label's samples: a listener
/// whose mouth moves too (nods, smiles, mouthing along) then no longer takes the window, nor hides who talks.
/// </para>
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
    public static int[]? Decide(IReadOnlyList<double[]> mouth, double[] voice, TrackOptions options) =>
        Hold(ByMouth(mouth, voice, options), options);

    /// <summary>
    /// The speaker at each sample from the transcript's speaker turns: <paramref name="label"/> gives each sample's label
    /// (an index into <paramref name="labels"/>, -1 where nobody is labelled: a pause, or words without a mark). Each label
    /// is matched to a face (<see cref="Match"/>); a sample is its label's face, and unlabelled samples and those of
    /// unmatched labels are undecided (the window stays with whoever spoke before). A run of one label whose mouths clearly
    /// say someone else talks (another face's activity over the run reaches the talking level and is
    /// <see cref="TrackOptions.SpeakerDominance"/> times the label's face's: a mislabelled or mistimed cue) is decided by the
    /// mouths instead. Then the same hysteresis as <see cref="Decide"/>. Null when no label matches a face (the caller then
    /// asks the mouths alone) or nobody talks long enough; <paramref name="matched"/> holds the labels matched.
    /// </summary>
    public static int[]? DecideByTurns(IReadOnlyList<double[]> mouth, double[] voice, int[] label, IReadOnlyList<string> labels,
        TrackOptions options, out IReadOnlyList<string> matched)
    {
        var faceOf = Match(mouth, voice, label, labels, options);
        matched = [.. labels.Where((_, l) => faceOf[l] >= 0)];
        if (matched.Count == 0)
        {
            return null;
        }

        int n = voice.Length;
        int w = WindowSamples(options);
        var byMouth = ByMouth(mouth, voice, options);
        var decided = new int[n];
        for (int first = 0; first < n;)
        {
            int last = first;
            while (last + 1 < n && label[last + 1] == label[first])
            {
                last++;
            }

            int face = label[first] < 0 ? -1 : faceOf[label[first]];
            bool disagree = face >= 0 && Enumerable.Range(0, mouth.Count).Any(g =>
            {
                double other = Sum(mouth[g], voice, first, last), own = Sum(mouth[face], voice, first, last);
                return g != face && other * (2 * w + 1) >= options.MinMouthActivity * (last - first + 1) && other >= options.SpeakerDominance * own;
            });
            for (int i = first; i <= last; i++)
            {
                decided[i] = disagree ? byMouth[i] : face;
            }

            first = last + 1;
        }

        return Hold(decided, options);
    }

    /// <summary>
    /// Each label's face (-1: none): the face whose mouth movement weighted by the sound, summed over the label's samples,
    /// is the largest, talks (its mean over the decision window reaches <see cref="TrackOptions.MinMouthActivity"/>) and is
    /// at least <see cref="TrackOptions.TurnDominance"/> times every other face's. Named labels are matched one to one, the
    /// surest first (two names are two people: a label whose face another name already has stays unmatched); an unnamed
    /// turn (<see cref="SpeakerRun.IsUnnamed"/>, a caption's <c>&gt;&gt;</c>) may be anybody, the same face as another turn too.
    /// </summary>
    internal static int[] Match(IReadOnlyList<double[]> mouth, double[] voice, int[] label, IReadOnlyList<string> labels, TrackOptions options)
    {
        int faces = mouth.Count;
        int w = WindowSamples(options);
        var sums = new double[labels.Count, faces];
        var count = new int[labels.Count];
        for (int i = 0; i < voice.Length; i++)
        {
            if (label[i] < 0)
            {
                continue;
            }

            count[label[i]]++;
            for (int f = 0; f < faces; f++)
            {
                sums[label[i], f] += mouth[f][i] * voice[i];
            }
        }

        var candidates = new List<(int Label, int Face, double Sum)>();
        for (int l = 0; l < labels.Count; l++)
        {
            var order = Enumerable.Range(0, faces).OrderByDescending(f => sums[l, f]).ToList();
            double top = sums[l, order[0]], second = faces > 1 ? sums[l, order[1]] : 0;
            if (count[l] > 0 && top * (2 * w + 1) >= options.MinMouthActivity * count[l] && top >= options.TurnDominance * second)
            {
                candidates.Add((l, order[0], top));
            }
        }

        var faceOf = Enumerable.Repeat(-1, labels.Count).ToArray();
        var taken = new HashSet<int>();
        foreach (var (l, f, _) in candidates.OrderByDescending(c => c.Sum))
        {
            if (SpeakerRun.IsUnnamed(labels[l]))
            {
                faceOf[l] = f;
            }
            else if (taken.Add(f))
            {
                faceOf[l] = f;
            }
        }

        return faceOf;
    }

    /// <summary>The mouths' own decision per sample: the face whose windowed activity talks and dominates, else -1.</summary>
    private static int[] ByMouth(IReadOnlyList<double[]> mouth, double[] voice, TrackOptions options)
    {
        int n = voice.Length;
        int faces = mouth.Count;
        int w = WindowSamples(options);
        var decided = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = -1;
            double top = 0, second = 0;
            for (int f = 0; f < faces; f++)
            {
                double score = Sum(mouth[f], voice, Math.Max(0, i - w), Math.Min(n - 1, i + w));
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

        return decided;
    }

    private static int WindowSamples(TrackOptions options) => (int)Math.Round(Window * options.SampleFps, MidpointRounding.AwayFromZero);

    /// <summary>A face's movement weighted by the sound over samples [first, last].</summary>
    private static double Sum(double[] mouth, double[] voice, int first, int last)
    {
        double sum = 0;
        for (int j = first; j <= last; j++)
        {
            sum += mouth[j] * voice[j];
        }

        return sum;
    }

    /// <summary>
    /// Hysteresis over per-sample decisions (-1 undecided): turns shorter than <see cref="TrackOptions.MinSpeakerTurn"/>
    /// dropped, the last speaker kept through undecided samples, each switch at the first sample of the new turn; null
    /// when no turn is left.
    /// </summary>
    private static int[]? Hold(int[] decided, TrackOptions options)
    {
        int n = decided.Length;
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
        int w = WindowSamples(options);
        var talking = new bool[n];
        for (int i = 0; i < n; i++)
        {
            talking[i] = Sum(mouth, voice, Math.Max(0, i - w), Math.Min(n - 1, i + w)) >= options.MinMouthActivity;
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
