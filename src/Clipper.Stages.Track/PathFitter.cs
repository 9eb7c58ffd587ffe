using System.Globalization;
using Clipper.Core.Crop;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Track;

/// <summary>
/// Turns what was seen in the sampled frames into a crop path: splits the clip into shots at scene cuts (colour
/// changes, and jumps of the faces themselves), links detections into face tracks, picks the subject of each
/// shot, and moves the window after it calmly (dead zone, speed limit, smoothing, or not at all when the subject
/// stays put). Pure: no media, no model.
/// </summary>
internal sealed class PathFitter
{
    /// <summary>
    /// A detection joins a track when its centre is within this many face sizes of the track's last detection
    /// (plus half a face size per further missed sample); farther is another face.
    /// </summary>
    private const double LinkDistance = 1.0;

    /// <summary>A detection joins a track only if its size is within this factor of the track's last detection.</summary>
    private const double LinkSizeRatio = 2.0;

    /// <summary>Keyframe times are written with millisecond precision.</summary>
    private const double TimeQuantum = 1000.0;

    private readonly TrackOptions _options;
    private readonly int _sourceWidth;
    private readonly int _sourceHeight;
    private readonly int _outWidth;
    private readonly int _outHeight;
    private readonly int _width;
    private readonly int _height;
    private readonly int _splitWidth;
    private readonly int _splitHeight;
    private readonly bool _sideBySide;
    private readonly (int Top, int Bottom)? _screenHeights;

    public PathFitter(TrackOptions options, int sourceWidth, int sourceHeight, int outWidth, int outHeight)
    {
        _options = options;
        _sourceWidth = sourceWidth;
        _sourceHeight = sourceHeight;
        _outWidth = outWidth;
        _outHeight = outHeight;
        (_width, _height) = CropPath.CropSize(sourceWidth, sourceHeight, outWidth, outHeight);
        // the split layout's windows have the shape of the output's upper half or left column (the other is within a pixel of it)
        _sideBySide = ClipLayouts.SplitSideBySide(outWidth, outHeight);
        var (partWidth, partHeight) = ClipLayouts.SplitPart(outWidth, outHeight);
        (_splitWidth, _splitHeight) = CropPath.CropSize(sourceWidth, sourceHeight, partWidth, partHeight);
        _screenHeights = ClipLayouts.ScreenHeights(sourceWidth, sourceHeight, outWidth, outHeight);
    }

    public CropPath Centre(string reason) => CropPath.Centre(_sourceWidth, _sourceHeight, _outWidth, _outHeight, reason);

    /// <summary>The path for a clip of <paramref name="duration"/> seconds sampled as <paramref name="samples"/>, or a centre crop with the reason.</summary>
    /// <param name="cutTimes">where the window jumps at a cut, by the index of the new shot's first sample (the
    /// cut's own frame, <see cref="CutFrames"/>); a cut without one jumps halfway between its two samples</param>
    /// <param name="layout">the job's layout: auto (null) splits the shots where two faces talk together
    /// (<see cref="SplitChoice"/>), split every shot with two faces apart enough, single and fit none</param>
    /// <param name="transcriptTurns">the transcript's speaker turns (seconds from the clip's start), which decide who talks where they
    /// name two or more speakers in a shot (<see cref="ActiveSpeaker.DecideByTurns"/>); null or empty: the mouths alone</param>
    public CropPath Fit(IReadOnlyList<Sample> samples, double duration, IReadOnlyDictionary<int, double>? cutTimes = null, string? layout = null,
        IReadOnlyList<SpeakerRun>? transcriptTurns = null)
    {
        int n = samples.Count;
        if (n == 0)
        {
            return Centre("no frames could be sampled from the clip");
        }

        int withFace = samples.Count(s => s.Faces.Count > 0);
        if (withFace == 0)
        {
            return Centre($"no face found in {n} sampled frames");
        }

        if (withFace < _options.MinFaceFraction * n)
        {
            return Centre($"a face was found in only {withFace} of {n} sampled frames");
        }

        var cx = new double[n];
        var cy = new double[n];
        var cuts = CutsBefore(samples, out int jumpCuts);
        var shots = Shots(cuts);
        // Each shot, or each speaker's turn within a shot: the window jumps between them.
        var segments = new List<(int From, int To)>();
        var faceless = new List<bool>();
        int followed = 0;
        int steady = 0;
        int speakerShots = 0;
        int switches = 0;
        int reactions = 0;
        var spoken = SpokenBy(samples, transcriptTurns);
        int transcriptShots = 0;
        var matched = new SortedSet<string>(StringComparer.Ordinal);
        // the split layout: each shot's choice, and its two windows where it is split
        var topX = new double[n];
        var topY = new double[n];
        var bottomX = new double[n];
        var bottomY = new double[n];
        var split = new bool[shots.Count];
        var fit = new bool[shots.Count];
        var shotReasons = new string[shots.Count];
        var firstSegment = new int[shots.Count];
        // the screen layout: each screen shot's face, followed in the window under the screen once its size is known
        var screen = new Track?[shots.Count];
        for (int s = 0; s < shots.Count; s++)
        {
            var (from, to) = shots[s];
            firstSegment[s] = segments.Count;
            var tracks = Link(samples, from, to);
            var pair = SplitOf(samples, tracks, from, to, layout, out shotReasons[s]);
            if (pair is { } p)
            {
                split[s] = true;
                FollowInHalf(p.Left, from, to, topX, topY);
                FollowInHalf(p.Right, from, to, bottomX, bottomY);
            }
            else if (ScreenOf(samples, tracks, from, to, layout, out string? screenReason, out bool noRoom) is { } face)
            {
                screen[s] = face;
                shotReasons[s] = screenReason!;
            }
            else if (noRoom)
            {
                fit[s] = true;
                shotReasons[s] = screenReason!;
            }

            var turns = SpeakerTurns(samples, tracks, from, to, spoken, out var byTranscript);
            if (turns is not null)
            {
                speakerShots++;
                switches += turns.Count - 1;
                if (_options.ReactionShots && !split[s] && !fit[s] && screen[s] is null)
                {
                    turns = WithReactions(samples, tracks, turns, from, to, out int cutIn);
                    reactions += cutIn;
                    shotReasons[s] += cutIn == 0 ? "" : $"; {cutIn} listener reaction shot(s)";
                }
            }

            if (byTranscript is not null)
            {
                transcriptShots++;
                matched.UnionWith(byTranscript);
            }

            foreach (var (segFrom, segTo, speaker) in turns ?? [(from, to, null)])
            {
                segments.Add((segFrom, segTo));
                var target = Targets(tracks, segFrom, segTo, speaker);
                faceless.Add(target is null);
                if (target is null)
                {
                    continue;
                }

                bool stillX = Follow(target.Value.X, _width, _sourceWidth, cx, segFrom);
                bool stillY = Follow(target.Value.Y, _height, _sourceHeight, cy, segFrom);
                if (stillX && stillY && turns is null)
                {
                    steady++;
                }
            }

            bool noFace = faceless[^1] && turns is null;
            followed += noFace ? 0 : 1;
            if (noFace && screen[s] is null && layout is not ClipLayouts.Single)
            {
                // a slide or a cutaway between face shots: the whole frame, unless it is only a flash
                double seconds = (to - from) / _options.SampleFps;
                fit[s] = seconds >= _options.FitMinShot;
                shotReasons[s] = fit[s] ? $"{ScreenNote(samples, from, to, layout)}no face in the shot's {to - from} sampled frames"
                    : string.Create(CultureInfo.InvariantCulture, $"no face in the shot, shorter than {_options.FitMinShot:0.#} s: the window held where the face was");
            }
        }

        HoldThroughFacelessShots(segments, [.. faceless], cx, cy);

        var starts = SegmentStarts(samples, segments, duration, cutTimes, out int onFrame);
        var keyframes = Keyframes(samples, segments, starts, cx, cy, _width, _height);
        int splitShots = split.Count(x => x);
        var shotLayouts = shots.Select((_, s) => new ShotLayout(Seconds(starts[firstSegment[s]]),
            Seconds(s + 1 < shots.Count ? starts[firstSegment[s + 1]] : starts[^1]),
            split[s] ? ClipLayouts.Split : screen[s] is not null ? ClipLayouts.Screen : fit[s] ? ClipLayouts.Fit : ClipLayouts.Single,
            shotReasons[s])).ToList();
        IReadOnlyList<Keyframe>? top = null, bottom = null;
        if (splitShots > 0)
        {
            // outside the split shots the halves are not shown: hold them where the nearest split shot has them
            var shotRanges = shots.ToList();
            var notSplit = split.Select(x => !x).ToArray();
            HoldThroughFacelessShots(shotRanges, notSplit, topX, topY);
            HoldThroughFacelessShots(shotRanges, notSplit, bottomX, bottomY);
            top = Keyframes(samples, segments, starts, topX, topY, _splitWidth, _splitHeight);
            bottom = Keyframes(samples, segments, starts, bottomX, bottomY, _splitWidth, _splitHeight);
        }

        int screenShots = screen.Count(x => x is not null);
        IReadOnlyList<Keyframe>? inset = null;
        var (insetWidth, insetHeight) = (0, 0);
        if (screenShots > 0)
        {
            (insetWidth, insetHeight) = InsetSize(screen);
            var insetX = new double[n];
            var insetY = new double[n];
            for (int s = 0; s < shots.Count; s++)
            {
                if (screen[s] is { } face)
                {
                    FollowInWindow(face, shots[s].From, shots[s].To, insetWidth, insetHeight, insetX, insetY);
                }
            }

            HoldThroughFacelessShots(shots.ToList(), screen.Select(x => x is null).ToArray(), insetX, insetY);
            inset = Keyframes(samples, segments, starts, insetX, insetY, insetWidth, insetHeight);
        }

        string held = steady == 0 ? "" : $" ({steady} held steady)";
        string jumps = jumpCuts == 0 ? "" : $", {jumpCuts} cut(s) found by the face jumping";
        string exact = onFrame == 0 ? "" : $", {onFrame} of {shots.Count - 1} cut(s) placed on their frame";
        string talk = speakerShots == 0 ? ""
            : $"; followed the active speaker in {speakerShots} shot(s) with two or more faces ({switches} speaker switch(es), each a cut)"
                + (_options.ReactionShots ? $"; {reactions} listener reaction shot(s), each a cut to the listener and back" : "");
        talk += transcriptShots == 0 ? ""
            : $"; who talks from the transcript's speaker turns in {transcriptShots} of them ({string.Join(", ", matched)} matched to faces)";
        string composed = splitShots == 0 ? "" : $"; two faces {ClipLayouts.SplitArrangement(_sideBySide)} (split) in {splitShots} of {shots.Count} shot(s)";
        composed += screenShots == 0 ? "" : $"; a screen over its speaker's face (screen) in {screenShots} of {shots.Count} shot(s)";
        string reason = string.Create(CultureInfo.InvariantCulture,
            $"followed the main face in {followed} of {shots.Count} shot(s){held}{jumps}{exact}{talk}{composed}; a face was seen in {withFace} of {n} sampled frames");
        return new CropPath(_sourceWidth, _sourceHeight, _width, _height, keyframes, "face", reason)
        {
            Shots = shotLayouts,
            SplitWidth = splitShots > 0 ? _splitWidth : 0,
            SplitHeight = splitShots > 0 ? _splitHeight : 0,
            SideBySide = splitShots > 0 && _sideBySide,
            Top = top,
            Bottom = bottom,
            InsetWidth = insetWidth,
            InsetHeight = insetHeight,
            Inset = inset,
        };
    }

    /// <summary>
    /// The face of a screen shot, or null: the job asked for the screen layout (any shot with a face), or auto found the
    /// shot detailed and still with a small face near a side (<see cref="ScreenChoice"/>). When the output has no room
    /// under the screen (wider than tall, <see cref="ClipLayouts.ScreenHeights"/>) the shot is fit instead
    /// (<paramref name="noRoom"/>, with the reason).
    /// </summary>
    private Track? ScreenOf(IReadOnlyList<Sample> samples, List<Track> tracks, int from, int to, string? layout, out string? reason, out bool noRoom)
    {
        reason = null;
        noRoom = false;
        if (layout is ClipLayouts.Single or ClipLayouts.Fit or ClipLayouts.Split)
        {
            return null;
        }

        int minSightings = (int)Math.Ceiling(_options.MinSubject * _options.SampleFps);
        var face = tracks.Where(t => t.At.Count >= minSightings).OrderByDescending(t => t.Weight).FirstOrDefault();
        if (face is null)
        {
            return null;
        }

        if (layout == ClipLayouts.Screen)
        {
            reason = "the job asked for the screen layout";
        }
        else if (ScreenChoice.LookOf(samples, from, to, _options) is { } look)
        {
            var heights = face.Faces.Select(f => f.Height).Order().ToList();
            double x = face.Faces.Select(f => f.CentreX).Order().ElementAt(face.Faces.Count / 2);
            var (isScreen, why) = ScreenChoice.Decide(look, heights[heights.Count / 2] / _sourceHeight,
                Math.Min(x, _sourceWidth - x) / _sourceWidth, _options);
            if (!isScreen)
            {
                return null;
            }

            reason = why;
        }
        else
        {
            return null;
        }

        if (_screenHeights is null)
        {
            noRoom = true;
            reason += string.Create(CultureInfo.InvariantCulture,
                $", but a {_outWidth}x{_outHeight} output has no room under the screen for the face (the face's part would be under {100 * ClipLayouts.MinScreenFaceShare:0} % of it): fit");
            return null;
        }

        return face;
    }

    /// <summary>Why a faceless shot is fit, when it looks like a screen: <c>a screen with no face to inset (…): </c>; else empty.</summary>
    private string ScreenNote(IReadOnlyList<Sample> samples, int from, int to, string? layout) =>
        layout == ClipLayouts.Screen ? "the job asked for the screen layout, but there is no face to inset: "
        : ScreenChoice.LookOf(samples, from, to, _options) is { Screen: true } look ? $"a screen with no face to inset ({look.Figures}): " : "";

    /// <summary>
    /// The screen layout's face window: the shape of the output's part under the screen, <see cref="TrackOptions.ScreenFaceZoom"/>
    /// face heights high (the median over the screen shots) or as large as the source allows, even-sized.
    /// </summary>
    private (int Width, int Height) InsetSize(Track?[] screen)
    {
        var (_, bottom) = _screenHeights!.Value;
        var (w, h) = CropPath.CropSize(_sourceWidth, _sourceHeight, _outWidth, bottom);
        var heights = screen.Where(t => t is not null).SelectMany(t => t!.Faces).Select(f => f.Height).Order().ToList();
        double want = heights[heights.Count / 2] * _options.ScreenFaceZoom;
        if (want < h)
        {
            h = Math.Max(2, (int)Math.Round(want / 2, MidpointRounding.AwayFromZero) * 2);
            w = Math.Min(w, Math.Max(2, (int)Math.Round(h * (double)_outWidth / bottom / 2, MidpointRounding.AwayFromZero) * 2));
        }

        return (w, h);
    }

    private static double Seconds(double t) => Math.Round(t * TimeQuantum, MidpointRounding.AwayFromZero) / TimeQuantum;

    /// <summary>
    /// The two faces of a split shot, left and right, or null with the reason the shot is not split. Split needs two
    /// faces seen long enough whose windows (<see cref="_splitWidth"/> wide, each centred on its face as far as the
    /// frame allows) each keep the other face out; then auto splits when both talk together (<see cref="SplitChoice"/>),
    /// a job asking for split always. A split shot's reason ends with its arrangement, e.g. <c>; side by side for a
    /// 1920x1080 output</c>.
    /// </summary>
    private (Track Left, Track Right)? SplitOf(IReadOnlyList<Sample> samples, List<Track> tracks, int from, int to, string? layout, out string reason)
    {
        int minSightings = (int)Math.Ceiling(_options.MinSubject * _options.SampleFps);
        var candidates = tracks.Where(t => t.At.Count >= minSightings).OrderByDescending(t => t.Weight).Take(2).ToList();
        bool asked = layout == ClipLayouts.Split;
        string prefix = asked ? "the job asked for the split layout, but " : "";
        if (layout is ClipLayouts.Single or ClipLayouts.Fit)
        {
            reason = $"the job asked for the {layout} layout";
            return null;
        }

        if (candidates.Count < 2)
        {
            reason = prefix + (candidates.Count == 0 ? "no face in the shot" : "one face in the shot");
            return null;
        }

        var (left, right) = MeanX(candidates[0]) <= MeanX(candidates[1]) ? (candidates[0], candidates[1]) : (candidates[1], candidates[0]);
        double lx = MeanX(left), rx = MeanX(right);
        double leftWindow = Math.Clamp(lx - _splitWidth / 2.0, 0, _sourceWidth - _splitWidth);
        double rightWindow = Math.Clamp(rx - _splitWidth / 2.0, 0, _sourceWidth - _splitWidth);
        if (rx - right.Faces.Average(f => f.Width) / 2 < leftWindow + _splitWidth || lx + left.Faces.Average(f => f.Width) / 2 > rightWindow)
        {
            reason = prefix + string.Create(CultureInfo.InvariantCulture,
                $"two faces too close together for a half each ({rx - lx:0} px apart, a {(_sideBySide ? "column" : "half")}'s window {_splitWidth} px wide)");
            return null;
        }

        // the arrangement goes by the output's shape (ClipLayouts.SplitSideBySide), and the reason says which
        string arranged = $"; {ClipLayouts.SplitArrangement(_sideBySide)} for a {_outWidth}x{_outHeight} output";
        if (asked)
        {
            reason = "the job asked for the split layout" + arranged;
            return (left, right);
        }

        var voice = VoiceOf(samples, from, to);
        if (!_options.FollowSpeaker || voice is null)
        {
            reason = "two faces, but who talks was not measured";
            return null;
        }

        var decision = SplitChoice.Decide(MouthOf(left, from, to), MouthOf(right, from, to), voice, _options);
        reason = decision.Reason + (decision.Split ? arranged : "");
        return decision.Split ? (left, right) : null;
    }

    private static double MeanX(Track t) => t.Faces.Average(f => f.CentreX);

    /// <summary>The sound's level per sample of [from, to), or null where it or the mouths were not measured.</summary>
    private static double[]? VoiceOf(IReadOnlyList<Sample> samples, int from, int to)
    {
        var voice = new double[to - from];
        for (int i = from; i < to; i++)
        {
            if (samples[i].Mouth is null || double.IsNaN(samples[i].Voice))
            {
                return null;
            }

            voice[i - from] = samples[i].Voice;
        }

        return voice;
    }

    /// <summary>A track's mouth movement per sample of [from, to), 0 where it was not seen.</summary>
    private static double[] MouthOf(Track t, int from, int to)
    {
        var m = new double[to - from];
        for (int k = 0; k < t.At.Count; k++)
        {
            if (t.At[k] >= from && t.At[k] < to)
            {
                m[t.At[k] - from] = t.Mouth[k];
            }
        }

        return m;
    }

    /// <summary>One half's window over [from, to): the face followed as the single window follows its subject, held before and after its sightings.</summary>
    private void FollowInHalf(Track face, int from, int to, double[] x, double[] y) =>
        FollowInWindow(face, from, to, _splitWidth, _splitHeight, x, y);

    /// <summary>A window of width×height over [from, to) following the face as the single window follows its subject, held before and after its sightings.</summary>
    private void FollowInWindow(Track face, int from, int to, int width, int height, double[] x, double[] y)
    {
        var tx = new double[to - from];
        var ty = new double[to - from];
        for (int i = from; i < to; i++)
        {
            var c = face.CentreAt(Math.Clamp(i, face.First, face.End));
            tx[i - from] = c.X;
            ty[i - from] = c.Y + (0.5 - _options.FaceVerticalPosition) * height;
        }

        Follow(tx, width, _sourceWidth, x, from);
        Follow(ty, height, _sourceHeight, y, from);
    }

    /// <summary>
    /// Where the shots begin: the colour cuts the sampler found, plus cuts the colours cannot show because the
    /// backdrop stays (the same person framed elsewhere, a second camera on the same set). Such a cut shows as
    /// every face leaving its place at once and reappearing far away: far beyond what a moving subject covers
    /// between two samples. Two people detected in alternate samples, a person walking in while the subject
    /// stays, or a stray detection for one sample are not cuts: the new place must not have been occupied just
    /// before, the old one must stay empty just after, and the new face must persist.
    /// </summary>
    internal bool[] CutsBefore(IReadOnlyList<Sample> samples, out int jumpCuts)
    {
        int n = samples.Count;
        var cut = new bool[n];
        for (int i = 1; i < n; i++)
        {
            cut[i] = samples[i].CutBefore;
        }

        jumpCuts = 0;
        int window = Math.Max(1, (int)Math.Round(_options.JumpConfirm * _options.SampleFps, MidpointRounding.AwayFromZero));
        double jump = _options.JumpCutFraction * _sourceWidth;
        int shotStart = 0;
        for (int i = 1; i < n; i++)
        {
            if (cut[i])
            {
                shotStart = i;
                continue;
            }

            var now = samples[i].Faces;
            int beforeFrom = Math.Max(shotStart, i - window);
            if (now.Count == 0 || !AnyFaces(samples, beforeFrom, i))
            {
                continue;
            }

            int afterTo = i + 1;
            while (afterTo < n && afterTo < i + window && !cut[afterTo])
            {
                afterTo++;
            }

            bool newPlaceWasFree = !Seen(samples, beforeFrom, i, now, jump);
            bool oldPlaceStaysEmpty = true;
            for (int p = beforeFrom; p < i && oldPlaceStaysEmpty; p++)
            {
                oldPlaceStaysEmpty = !Seen(samples, i, afterTo, samples[p].Faces, jump);
            }

            int persists = 0;
            for (int k = i; k < afterTo; k++)
            {
                if (samples[k].Faces.Any(f => now.Any(g => Continues(f, g, jump))))
                {
                    persists++;
                }
            }

            if (newPlaceWasFree && oldPlaceStaysEmpty && persists >= Math.Min(afterTo - i, Math.Max(1, (window + 1) / 2)))
            {
                cut[i] = true;
                shotStart = i;
                jumpCuts++;
            }
        }

        return cut;
    }

    private static bool AnyFaces(IReadOnlyList<Sample> samples, int from, int to)
    {
        for (int k = from; k < to; k++)
        {
            if (samples[k].Faces.Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether any sample in [from, to) has a face that continues one of <paramref name="faces"/>.</summary>
    private static bool Seen(IReadOnlyList<Sample> samples, int from, int to, IReadOnlyList<Face> faces, double jump)
    {
        for (int k = from; k < to; k++)
        {
            foreach (var f in samples[k].Faces)
            {
                if (faces.Any(g => Continues(f, g, jump)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Close enough in place and size to be the same face a moment later (or earlier).</summary>
    private static bool Continues(Face a, Face b, double jump)
    {
        double sizeA = Math.Sqrt(a.Area);
        double sizeB = Math.Sqrt(b.Area);
        double ratio = Math.Max(sizeA, sizeB) / Math.Max(1e-9, Math.Min(sizeA, sizeB));
        return ratio <= LinkSizeRatio && Math.Sqrt(Square(a.CentreX - b.CentreX) + Square(a.CentreY - b.CentreY)) < jump;
    }

    /// <summary>
    /// A shot without faces (a cutaway, or a flash mistaken for a cut) keeps the window where the previous shot
    /// left it, or where the next one starts: jumping to the centre and back for a moment looks like a glitch.
    /// </summary>
    private static void HoldThroughFacelessShots(List<(int From, int To)> shots, bool[] faceless, double[] cx, double[] cy)
    {
        int firstWithFace = 0;
        while (faceless[firstWithFace])
        {
            firstWithFace++;
        }

        for (int s = 0; s < shots.Count; s++)
        {
            if (!faceless[s])
            {
                continue;
            }

            var (from, to) = shots[s];
            int source = s < firstWithFace ? shots[firstWithFace].From : from - 1;
            Array.Fill(cx, cx[source], from, to - from);
            Array.Fill(cy, cy[source], from, to - from);
        }
    }

    /// <summary>Index ranges [From, To) of the samples between cuts.</summary>
    private static List<(int From, int To)> Shots(bool[] cutBefore)
    {
        var shots = new List<(int, int)>();
        int from = 0;
        for (int i = 1; i < cutBefore.Length; i++)
        {
            if (cutBefore[i])
            {
                shots.Add((from, i));
                from = i;
            }
        }

        shots.Add((from, cutBefore.Length));
        return shots;
    }

    /// <summary>A face followed over consecutive samples.</summary>
    private sealed class Track
    {
        public List<int> At { get; } = [];

        public List<Face> Faces { get; } = [];

        public double Weight { get; private set; }

        public Face Last => Faces[^1];

        public int First => At[0];

        public int End => At[^1];

        /// <summary>The mouth's movement at each sighting (<see cref="MouthActivity"/>), 0 where not measured.</summary>
        public List<double> Mouth { get; } = [];

        public void Add(int sample, Face f, double mouth)
        {
            At.Add(sample);
            Faces.Add(f);
            Mouth.Add(mouth);
            // Persistent and large faces win: every sighting counts, bigger and surer ones more.
            Weight += f.Score * Math.Sqrt(f.Area);
        }

        /// <summary>The face centre at sample i within the track's span, interpolated across missed samples.</summary>
        public (double X, double Y) CentreAt(int i)
        {
            int k = 0;
            while (k < At.Count - 1 && At[k + 1] <= i)
            {
                k++;
            }

            var a = Faces[k];
            if (At[k] == i || k == At.Count - 1)
            {
                return (a.CentreX, a.CentreY);
            }

            var b = Faces[k + 1];
            double f = (double)(i - At[k]) / (At[k + 1] - At[k]);
            return (a.CentreX + f * (b.CentreX - a.CentreX), a.CentreY + f * (b.CentreY - a.CentreY));
        }
    }

    private static double MouthOf(Sample s, int face) => s.Mouth is { } m && face < m.Count ? m[face] : 0;

    /// <summary>
    /// The speakers' turns in the shot [from, to) as consecutive ranges, each with the face that talks in it, when two
    /// or more faces are seen long enough and someone is seen talking (<see cref="ActiveSpeaker"/>); null otherwise
    /// (one face, no sound, no mouth measured, nobody talking), and the shot is followed as before.
    /// </summary>
    /// <param name="byTranscript">the labels matched to faces when the transcript's turns decided (<see cref="ActiveSpeaker.DecideByTurns"/>), else null</param>
    private List<(int From, int To, Track? Speaker)>? SpeakerTurns(IReadOnlyList<Sample> samples, List<Track> tracks, int from, int to,
        (int[] Label, string[] Names)? spoken, out IReadOnlyList<string>? byTranscript)
    {
        byTranscript = null;
        int minSightings = (int)Math.Ceiling(_options.MinSubject * _options.SampleFps);
        var candidates = tracks.Where(t => t.At.Count >= minSightings).ToList();
        if (!_options.FollowSpeaker || candidates.Count < 2)
        {
            return null;
        }

        var voice = VoiceOf(samples, from, to);
        if (voice is null)
        {
            return null;
        }

        var mouth = candidates.Select(t => MouthOf(t, from, to)).ToList();
        int[]? who = null;
        if (spoken is { } s && ShotLabels(s, from, to) is { } shot)
        {
            who = ActiveSpeaker.DecideByTurns(mouth, voice, shot.Label, shot.Names, _options, out var matched);
            byTranscript = who is null ? null : matched;
        }

        who ??= ActiveSpeaker.Decide(mouth, voice, _options);
        if (who is null)
        {
            return null;
        }

        var turns = new List<(int From, int To, Track? Speaker)>();
        int start = 0;
        for (int k = 1; k <= who.Length; k++)
        {
            if (k == who.Length || who[k] != who[start])
            {
                turns.Add((from + start, from + k, candidates[who[start]]));
                start = k;
            }
        }

        return turns;
    }

    /// <summary>Each sample's speaker label (an index into the names; -1 where none is speaking), or null without turns.</summary>
    private static (int[] Label, string[] Names)? SpokenBy(IReadOnlyList<Sample> samples, IReadOnlyList<SpeakerRun>? turns)
    {
        if (turns is not { Count: > 0 })
        {
            return null;
        }

        var names = turns.Select(r => r.Label).Distinct(StringComparer.Ordinal).ToArray();
        var label = samples.Select(s => turns.LastOrDefault(r => r.Start <= s.T && s.T < r.End) is { } r ? Array.IndexOf(names, r.Label) : -1).ToArray();
        return (label, names);
    }

    /// <summary>The labels of the shot [from, to), numbered within it, when two or more speak there; else null.</summary>
    private static (int[] Label, string[] Names)? ShotLabels((int[] Label, string[] Names) spoken, int from, int to)
    {
        var inShot = spoken.Label[from..to];
        var present = inShot.Where(l => l >= 0).Distinct().Order().ToList();
        if (present.Count < 2)
        {
            return null;
        }

        return ([.. inShot.Select(l => l < 0 ? -1 : present.IndexOf(l))], [.. present.Select(l => spoken.Names[l])]);
    }

    /// <summary>
    /// The turns with listener reaction shots cut in (<see cref="ListenerReactions"/>; <paramref name="cutIn"/> of them),
    /// a reaction's face being the listener's track; the turns as they were when the sound was not measured.
    /// </summary>
    private List<(int From, int To, Track? Speaker)> WithReactions(IReadOnlyList<Sample> samples, List<Track> tracks,
        List<(int From, int To, Track? Speaker)> turns, int from, int to, out int cutIn)
    {
        cutIn = 0;
        var voice = VoiceOf(samples, from, to);
        if (voice is null || turns.Any(u => u.Speaker is null))
        {
            return turns;
        }

        // every face of the shot may be the listener: a reaction needs it seen throughout, which a stray detection never is
        var seen = tracks.Select(t =>
        {
            var at = new bool[to - from];
            foreach (int i in t.At.Where(i => i >= from && i < to))
            {
                at[i - from] = true;
            }

            return at;
        }).ToList();
        var placed = ListenerReactions.Place([.. turns.Select(u => new ShownTurn(u.From - from, u.To - from, tracks.IndexOf(u.Speaker!)))],
            seen, [.. tracks.Select(t => MouthOf(t, from, to))], voice, _options);
        cutIn = placed.Count(p => p.Reaction);
        return [.. placed.Select(p => (p.From + from, p.To + from, (Track?)tracks[p.Face]))];
    }

    /// <summary>
    /// Where the window centre should be at each sample of [from, to), following one subject at a time, or null
    /// when no face is there. The speaker, when one is given, is the subject wherever present; otherwise the
    /// strongest track. Weaker tracks take only the stretches it leaves uncovered, and only if seen long enough, so
    /// the window never flickers between two faces.
    /// </summary>
    private (double[] X, double[] Y)? Targets(List<Track> shotTracks, int from, int to, Track? speaker)
    {
        var tracks = shotTracks.Where(t => t.First < to && t.End >= from)
            .OrderByDescending(t => t == speaker)
            .ThenByDescending(t => t.Weight).ToList();
        if (tracks.Count == 0)
        {
            return null;
        }

        var owner = new Track?[to - from];
        int minSightings = (int)Math.Ceiling(_options.MinSubject * _options.SampleFps);
        foreach (var t in tracks)
        {
            int sightings = t.At.Count(i => i >= from && i < to && owner[i - from] is null);
            if (t != tracks[0] && sightings < minSightings)
            {
                continue;
            }

            for (int i = Math.Max(from, t.First); i <= Math.Min(to - 1, t.End); i++)
            {
                owner[i - from] ??= t;
            }
        }

        var x = new double[to - from];
        var y = new double[to - from];
        int firstOwned = -1;
        for (int i = from; i < to; i++)
        {
            var t = owner[i - from];
            if (t is null)
            {
                continue;
            }

            if (firstOwned < 0)
            {
                firstOwned = i - from;
            }

            var c = t.CentreAt(i);
            x[i - from] = c.X;
            y[i - from] = c.Y + (0.5 - _options.FaceVerticalPosition) * _height;
        }

        // Where nobody is followed, hold where the subject was last, or (before anyone appears) where they will be.
        for (int k = 0; k < to - from; k++)
        {
            if (owner[k] is not null)
            {
                continue;
            }

            int source = k < firstOwned ? firstOwned : k - 1;
            x[k] = x[source];
            y[k] = y[source];
        }

        return (x, y);
    }

    /// <summary>Links the shot's detections into tracks, nearest first, allowing gaps of up to MaxGap.</summary>
    private List<Track> Link(IReadOnlyList<Sample> samples, int from, int to)
    {
        int maxGap = (int)Math.Round(_options.MaxGap * _options.SampleFps, MidpointRounding.AwayFromZero) + 1;
        var all = new List<Track>();
        for (int i = from; i < to; i++)
        {
            var faces = samples[i].Faces;
            var open = all.Where(t => i - t.End <= maxGap).ToList();
            var pairs = new List<(double Distance, int Track, int Face)>();
            for (int a = 0; a < open.Count; a++)
            {
                var last = open[a].Last;
                int gap = i - open[a].End;
                for (int b = 0; b < faces.Count; b++)
                {
                    var f = faces[b];
                    double sizeA = Math.Sqrt(last.Area);
                    double sizeB = Math.Sqrt(f.Area);
                    double ratio = Math.Max(sizeA, sizeB) / Math.Max(1e-9, Math.Min(sizeA, sizeB));
                    double d = Math.Sqrt(Square(f.CentreX - last.CentreX) + Square(f.CentreY - last.CentreY)) / Math.Max(sizeA, sizeB);
                    if (ratio <= LinkSizeRatio && d <= LinkDistance + 0.5 * (gap - 1))
                    {
                        pairs.Add((d, a, b));
                    }
                }
            }

            pairs.Sort((p, q) => p.Distance.CompareTo(q.Distance));
            var trackTaken = new bool[open.Count];
            var faceTaken = new bool[faces.Count];
            foreach (var (_, a, b) in pairs)
            {
                if (trackTaken[a] || faceTaken[b])
                {
                    continue;
                }

                trackTaken[a] = true;
                faceTaken[b] = true;
                open[a].Add(i, faces[b], MouthOf(samples[i], b));
            }

            for (int b = 0; b < faces.Count; b++)
            {
                if (!faceTaken[b])
                {
                    var t = new Track();
                    t.Add(i, faces[b], MouthOf(samples[i], b));
                    all.Add(t);
                }
            }
        }

        return all;
    }

    /// <summary>
    /// Fits the window centre along one axis for one shot, writing it into <paramref name="output"/> from
    /// <paramref name="offset"/>. Returns true when the window holds still for the whole shot (steady mode).
    /// </summary>
    private bool Follow(double[] target, int window, int frame, double[] output, int offset)
    {
        int n = target.Length;
        double lo = window / 2.0;
        double hi = frame - window / 2.0;
        var t = target.Select(v => Math.Clamp(v, lo, Math.Max(lo, hi))).ToArray();

        if (hi - lo < 1 || Spread(t) <= _options.SteadyMaxSpread * window)
        {
            var sorted = t.Order().ToArray();
            double still = (Percentile(sorted, 0.05) + Percentile(sorted, 0.95)) / 2;
            Array.Fill(output, Math.Clamp(still, lo, Math.Max(lo, hi)), offset, n);
            return true;
        }

        // A median of three drops single-frame detection outliers before anything reacts to them.
        var m = new double[n];
        for (int i = 0; i < n; i++)
        {
            m[i] = i == 0 || i == n - 1 ? t[i] : Median(t[i - 1], t[i], t[i + 1]);
        }

        // Follow lazily: hold while the subject stays within the dead zone, otherwise move just enough to bring it
        // back to the zone's edge, never faster than MaxSpeed. Starting from the subject's early position avoids a
        // slow pan in from the frame centre.
        double zone = _options.DeadZone * window;
        double step = _options.MaxSpeed * window / _options.SampleFps;
        var head = m.Take(Math.Max(1, Math.Min(n, (int)Math.Round(_options.SampleFps, MidpointRounding.AwayFromZero)))).Order().ToArray();
        double pos = head[head.Length / 2];
        var c = new double[n];
        for (int i = 0; i < n; i++)
        {
            double e = m[i] - pos;
            double move = Math.Abs(e) <= zone ? 0 : e - Math.Sign(e) * zone;
            pos += Math.Clamp(move, -step, step);
            c[i] = pos;
        }

        var smooth = Gaussian(c, _options.Smoothing * _options.SampleFps);
        for (int i = 0; i < n; i++)
        {
            output[offset + i] = Math.Clamp(smooth[i], lo, hi);
        }

        return false;
    }

    /// <summary>Gaussian smoothing with the kernel renormalised at the ends, so a still stretch stays exactly still.</summary>
    private static double[] Gaussian(double[] v, double sigma)
    {
        if (sigma <= 0)
        {
            return (double[])v.Clone();
        }

        int radius = (int)Math.Ceiling(3 * sigma);
        var kernel = new double[2 * radius + 1];
        for (int k = -radius; k <= radius; k++)
        {
            kernel[k + radius] = Math.Exp(-0.5 * k * k / (sigma * sigma));
        }

        var output = new double[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            double sum = 0, weight = 0;
            for (int k = -radius; k <= radius; k++)
            {
                int j = i + k;
                if (j < 0 || j >= v.Length)
                {
                    continue;
                }

                sum += kernel[k + radius] * v[j];
                weight += kernel[k + radius];
            }

            output[i] = sum / weight;
        }

        return output;
    }

    /// <summary>
    /// When each segment begins, in seconds (one more entry: the end): at a cut, on the cut's frame when
    /// <paramref name="cutTimes"/> has it, else halfway between the two samples.
    /// </summary>
    private double[] SegmentStarts(IReadOnlyList<Sample> samples, List<(int From, int To)> shots, double duration,
        IReadOnlyDictionary<int, double>? cutTimes, out int onFrame)
    {
        var starts = new double[shots.Count + 1];
        onFrame = 0;
        for (int s = 1; s < shots.Count; s++)
        {
            int from = shots[s].From;
            starts[s] = (samples[from - 1].T + samples[from].T) / 2;
            // a found frame is used only where it keeps the shots in order (it may lie a little outside its two samples)
            if (cutTimes is not null && cutTimes.TryGetValue(from, out double t) && t > starts[s - 1] && t < samples[from].T + 1 / _options.SampleFps)
            {
                starts[s] = t;
                onFrame++;
            }
        }

        starts[shots.Count] = Math.Max(duration, samples[^1].T);
        return starts;
    }

    /// <summary>
    /// Writes a window of <paramref name="width"/>×<paramref name="height"/> out: a keyframe wherever the (even) window
    /// position changes when sampled at KeyframeRate, linearly interpolated between analysed samples; it jumps at each
    /// segment's start (<see cref="SegmentStarts"/>).
    /// </summary>
    private List<Keyframe> Keyframes(IReadOnlyList<Sample> samples, List<(int From, int To)> shots, double[] starts, double[] cx, double[] cy,
        int width, int height)
    {
        var output = new List<Keyframe>();
        int maxX = _sourceWidth - width;
        int maxY = _sourceHeight - height;
        double dt = 1 / _options.KeyframeRate;
        for (int s = 0; s < shots.Count; s++)
        {
            var (from, to) = shots[s];
            double start = starts[s];
            double end = starts[s + 1];
            for (double t = start; t < end || t == start; t += dt)
            {
                double time = Math.Round(t * TimeQuantum, MidpointRounding.AwayFromZero) / TimeQuantum;
                int x = EvenClamp(Interpolate(samples, cx, from, to, t) - width / 2.0, maxX);
                int y = EvenClamp(Interpolate(samples, cy, from, to, t) - height / 2.0, maxY);
                var last = output.Count == 0 ? null : output[^1];
                if (last is null || last.X != x || last.Y != y)
                {
                    output.Add(new Keyframe(time, x, y));
                }
            }
        }

        return output;
    }

    private static double Interpolate(IReadOnlyList<Sample> samples, double[] v, int from, int to, double t)
    {
        if (t <= samples[from].T)
        {
            return v[from];
        }

        for (int i = from; i < to - 1; i++)
        {
            double a = samples[i].T;
            double b = samples[i + 1].T;
            if (t <= b)
            {
                return v[i] + (v[i + 1] - v[i]) * (t - a) / (b - a);
            }
        }

        return v[to - 1];
    }

    /// <summary>A top-left coordinate rounded to even (ffmpeg crops 4:2:0 video on even pixels) and kept inside the frame.</summary>
    private static int EvenClamp(double v, int max)
    {
        int evenMax = max - (((max % 2) + 2) % 2);
        int e = (int)Math.Floor(v / 2 + 0.5) * 2;
        return Math.Clamp(e, 0, Math.Max(0, evenMax));
    }

    private static double Spread(double[] v)
    {
        var sorted = v.Order().ToArray();
        return Percentile(sorted, 0.95) - Percentile(sorted, 0.05);
    }

    private static double Percentile(double[] sorted, double p)
    {
        double pos = p * (sorted.Length - 1);
        int i = (int)Math.Floor(pos);
        int j = Math.Min(sorted.Length - 1, i + 1);
        return sorted[i] + (sorted[j] - sorted[i]) * (pos - i);
    }

    private static double Median(double a, double b, double c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));

    private static double Square(double v) => v * v;
}
