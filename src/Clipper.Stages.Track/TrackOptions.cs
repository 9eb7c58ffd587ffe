using Clipper.Core.Errors;

namespace Clipper.Stages.Track;

/// <summary>
/// Every number the tracker uses (the operator's "track" settings). Sizes called "fraction of the window" are
/// relative to the crop window's width (horizontal movement) or height (vertical movement).
/// </summary>
public sealed class TrackOptions
{
    /// <summary>Frames analysed per second of clip.</summary>
    public double SampleFps { get; set; } = 5;

    /// <summary>
    /// Frames are scaled down (never up) so that their longer side is at most this many pixels before detection.
    /// BlazeFace sees 256×256, so the default hands it frames at its own size: ffmpeg's area scaler does the whole
    /// reduction in one step. Scaling to 640 wide and letting the detector shrink that cost 28% more CPU in
    /// ffmpeg (1.90 vs 1.36 s for 39 s of a 1080p source) and 0.85 ms more per frame in the detector.
    /// </summary>
    public int AnalysisSize { get; set; } = 256;

    /// <summary>
    /// Decoder threads of the ffmpeg that samples a clip (0 lets ffmpeg choose). One: with two clips tracked at
    /// once and a detector beside each, frame threading only added work (1.65 vs 1.26 s of CPU to decode 39 s of
    /// 1080p).
    /// </summary>
    public int DecodeThreads { get; set; } = 1;

    /// <summary>
    /// ONNX Runtime intra-op threads per detection. One: a second thread saved under 5% of a detection's time
    /// (8.7 vs 9.1 ms a frame) and cost about 20% more CPU with two clips tracked at once (measured on 1080p).
    /// </summary>
    public int DetectorThreads { get; set; } = 1;

    /// <summary>
    /// Detections scoring below this are ignored. Calibrated on every kphotoalbum demo photo: real faces in full
    /// view score 0.83–0.95 (0.83 a face turned 70° with the photo); the animals' best are a dog's face close up
    /// at 0.77 (0.57–0.78 over the frames of a video of it), the other dog 0.61, the rabbits 0.59 and 0.47. The
    /// Java build's 0.7 followed the dog. What a higher bar costs: a face so close that the frame cuts it off
    /// scores 0.6–0.8 and is no longer followed (the window then stays centred, mostly on that face anyway).
    /// </summary>
    public double MinFaceScore { get; set; } = 0.8;

    /// <summary>
    /// A face must also have a plausible human layout of its keypoints (<see cref="FaceGeometry"/>): a score
    /// 0..1 where 1 is a textbook frontal face; below this the detection is dropped. 0 turns the check off.
    /// </summary>
    public double MinFaceGeometry { get; set; } = 0.5;

    /// <summary>If fewer than this fraction of the sampled frames show a face, the clip gets a centre crop.</summary>
    public double MinFaceFraction { get; set; } = 0.2;

    /// <summary>A face track survives this long without a detection (blinks, turned heads, missed frames).</summary>
    public double MaxGap { get; set; } = 1.0;

    /// <summary>A face must be seen at least this long to become the subject of a stretch the main subject does not cover.</summary>
    public double MinSubject { get; set; } = 1.0;

    /// <summary>
    /// Colour-histogram distance (0 same, 1 disjoint) between consecutive samples that counts as a cut; at a cut
    /// the window jumps instead of panning, and subject and smoothing start afresh.
    /// </summary>
    public double SceneCutThreshold { get; set; } = 0.25;

    /// <summary>
    /// A cut the histogram cannot see (same backdrop, the person framed elsewhere): every face of a sample is
    /// at least this fraction of the frame width away from every face of the sample before, and the old
    /// position stays empty for <see cref="JumpConfirm"/>. A subject moving at a walking pace covers a few
    /// hundredths of the frame between two samples; the window's own speed limit is about 0.05.
    /// </summary>
    public double JumpCutFraction { get; set; } = 0.15;

    /// <summary>
    /// Seconds before and after a face jump that decide whether it is a cut: the new face must not have been
    /// seen in the second before, nor the old position in the second after (two people alternately detected
    /// are no cut).
    /// </summary>
    public double JumpConfirm { get; set; } = 0.6;

    /// <summary>
    /// Whether each cut is put on its own frame (<see cref="CutFrames"/>: a short decode of the stretch between the
    /// two samples around it, at the source's frame rate) rather than halfway between those samples, up to 0.1 s
    /// (two or three frames) off. Costs one small decode per cut.
    /// </summary>
    public bool CutFrames { get; set; } = true;

    /// <summary>The subject may drift this far (fraction of the window) from the window's centre before the window follows.</summary>
    public double DeadZone { get; set; } = 0.08;

    /// <summary>Fastest window movement, in window widths (or heights) per second.</summary>
    public double MaxSpeed { get; set; } = 0.8;

    /// <summary>Standard deviation (seconds) of the Gaussian that rounds off starts and stops of the movement.</summary>
    public double Smoothing { get; set; } = 0.3;

    /// <summary>
    /// When the subject's positions within a shot span at most this (fraction of the window, 5th to 95th
    /// percentile), the window stands still for the whole shot.
    /// </summary>
    public double SteadyMaxSpread { get; set; } = 0.15;

    /// <summary>Where the face's centre should sit in the window, as a fraction of its height from the top.</summary>
    public double FaceVerticalPosition { get; set; } = 0.4;

    /// <summary>How often, per second, the window position is written while it moves; a still window writes nothing.</summary>
    public double KeyframeRate { get; set; } = 30;

    /// <summary>
    /// With two or more faces in a shot, follow the one who is talking (<see cref="ActiveSpeaker"/>): each mouth's
    /// movement is weighed by the loudness of the sound. Off, the strongest face is followed as with one face.
    /// </summary>
    public bool FollowSpeaker { get; set; } = true;

    /// <summary>
    /// Seconds a new speaker must talk before the window switches to them (a switch is a cut to their face, at the
    /// start of their turn); a cough, a nod or a two-word interjection shorter than this never moves the window.
    /// </summary>
    public double MinSpeakerTurn { get; set; } = 1.5;

    /// <summary>
    /// The least mouth activity (mean grey-level change of the lower face against the upper face, weighted by the
    /// sound's level, summed over the decision window) that counts as talking; below it nobody is taken to talk and
    /// the window stays on whoever spoke last.
    /// </summary>
    public double MinMouthActivity { get; set; } = 3;

    /// <summary>A face counts as the speaker only when its activity is at least this many times every other face's.</summary>
    public double SpeakerDominance { get; set; } = 2;

    /// <summary>
    /// Listener reaction shots (<see cref="ListenerReactions"/>): inside a long turn of one speaker, the window cuts to a
    /// listener seen throughout for <see cref="ReactionLength"/>, then back to the speaker; at most one per turn, only in a
    /// shot shown in one window (never split, fit or screen). Off: the window stays on the speaker for the whole turn.
    /// </summary>
    public bool ReactionShots { get; set; }

    /// <summary>Reaction shots: the least length (seconds) of one speaker's turn that gets one.</summary>
    public double ReactionMinTurn { get; set; } = 8;

    /// <summary>
    /// Reaction shots: how long (seconds) the window shows the listener; at least <see cref="MinSpeakerTurn"/>, so no
    /// stay between two cuts is shorter than a speaker's.
    /// </summary>
    public double ReactionLength { get; set; } = 2;

    /// <summary>
    /// Reaction shots: the least time (seconds) between the turn's start or end and the reaction; at least
    /// <see cref="MinSpeakerTurn"/>, so the speaker is seen that long before and after it.
    /// </summary>
    public double ReactionMargin { get; set; } = 2;

    /// <summary>
    /// With the transcript's speaker turns: a speaker label is matched to the face whose mouth activity summed over all of
    /// the label's samples is at least this many times every other face's. Lower than <see cref="SpeakerDominance"/>:
    /// a sum over whole turns is far steadier than the decision window, so a listener who nods, smiles or mouths along
    /// in places no longer hides who talks.
    /// </summary>
    public double TurnDominance { get; set; } = 1.5;

    /// <summary>
    /// The split layout (auto): a moment of a shot counts as "both talking" when each of its two faces talks (mouth
    /// activity at least <see cref="MinMouthActivity"/>) somewhere within this many seconds around it, so overlapping
    /// speech and a quick back-and-forth count, and a clean hand-over of the floor counts only for about this long.
    /// </summary>
    public double SplitWindow { get; set; } = 2;

    /// <summary>The split layout (auto): the share of a shot's time with both faces talking that splits the shot.</summary>
    public double SplitMinShare { get; set; } = 0.6;

    /// <summary>The split layout (auto): shots shorter than this (seconds) are not split; a stack for a moment looks like a glitch.</summary>
    public double SplitMinShot { get; set; } = 3;

    /// <summary>
    /// The fit layout per shot (auto, split): a shot without a face in a clip that has faces elsewhere (a slide, a
    /// cutaway) shows the whole frame when it lasts at least this many seconds; a shorter one keeps the window where
    /// the face was.
    /// </summary>
    public double FitMinShot { get; set; } = 1;

    /// <summary>
    /// The screen layout (auto): whether each sampled frame is measured for detail and change (<see cref="ScreenLook"/>),
    /// so that a screen-share shot (static and detailed, its face small near a side) is shown whole above the face. Off,
    /// nothing is measured and no shot is a screen unless the job asks for the screen layout.
    /// </summary>
    public bool ScreenDetection { get; set; } = true;

    /// <summary>The screen layout: a pixel is "detail" (text, UI) when its grey level differs from its right and lower neighbours' by at least this much in all (0..510).</summary>
    public int ScreenEdge { get; set; } = 60;

    /// <summary>The screen layout (auto): the least share of detail pixels (<see cref="ScreenEdge"/>) in a shot's frames (its median) for a screen.</summary>
    public double ScreenMinDetail { get; set; } = 0.04;

    /// <summary>The screen layout (auto): the most mean change (grey levels a pixel, outside the faces) between samples (the shot's median) for a screen.</summary>
    public double ScreenMaxChange { get; set; } = 3;

    /// <summary>The screen layout (auto): the face of a screen share is at most this share of the frame's height (its median over the shot).</summary>
    public double ScreenMaxFaceHeight { get; set; } = 0.25;

    /// <summary>The screen layout (auto): the face's centre lies within this share of the frame's width from its left or right edge.</summary>
    public double ScreenEdgeBand { get; set; } = 0.3;

    /// <summary>
    /// The screen layout: the face's window under the screen is this many face heights high (or the source's height,
    /// if less), so a webcam's small face fills a good part of it instead of staying as small as in the source.
    /// </summary>
    public double ScreenFaceZoom { get; set; } = 4;

    /// <summary>ffmpeg may take this many times the clip's duration to decode it ...</summary>
    public double DecodeTimeoutFactor { get; set; } = 4.0;

    /// <summary>... but at least this long.</summary>
    public TimeSpan MinDecodeTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Throws <see cref="ErrorCode.BadOption"/> naming the first setting out of range.</summary>
    public TrackOptions Validate()
    {
        Positive(nameof(SampleFps), SampleFps);
        Positive(nameof(AnalysisSize), AnalysisSize);
        NotNegative(nameof(DecodeThreads), DecodeThreads);
        Positive(nameof(DetectorThreads), DetectorThreads);
        Fraction(nameof(MinFaceScore), MinFaceScore);
        Fraction(nameof(MinFaceGeometry), MinFaceGeometry);
        Fraction(nameof(MinFaceFraction), MinFaceFraction);
        NotNegative(nameof(MaxGap), MaxGap);
        NotNegative(nameof(MinSubject), MinSubject);
        Fraction(nameof(SceneCutThreshold), SceneCutThreshold);
        Positive(nameof(JumpCutFraction), JumpCutFraction);
        Positive(nameof(JumpConfirm), JumpConfirm);
        if (!(DeadZone >= 0 && DeadZone < 0.5))
        {
            Bad($"{nameof(DeadZone)} must be in [0, 0.5), was {DeadZone}");
        }

        Positive(nameof(MaxSpeed), MaxSpeed);
        NotNegative(nameof(Smoothing), Smoothing);
        NotNegative(nameof(SteadyMaxSpread), SteadyMaxSpread);
        Fraction(nameof(FaceVerticalPosition), FaceVerticalPosition);
        Positive(nameof(KeyframeRate), KeyframeRate);
        NotNegative(nameof(MinSpeakerTurn), MinSpeakerTurn);
        Positive(nameof(MinMouthActivity), MinMouthActivity);
        if (!(SpeakerDominance >= 1))
        {
            Bad($"{nameof(SpeakerDominance)} must be at least 1, was {SpeakerDominance}");
        }

        Positive(nameof(ReactionMinTurn), ReactionMinTurn);
        Positive(nameof(ReactionLength), ReactionLength);
        NotNegative(nameof(ReactionMargin), ReactionMargin);
        if (ReactionShots)
        {
            // checked only when on: an operator who raises MinSpeakerTurn without reaction shots need not touch these
            if (!(ReactionLength >= MinSpeakerTurn && ReactionMargin >= MinSpeakerTurn))
            {
                Bad($"{nameof(ReactionLength)} and {nameof(ReactionMargin)} must each be at least {nameof(MinSpeakerTurn)} ({MinSpeakerTurn}), were {ReactionLength} and {ReactionMargin}");
            }

            if (!(ReactionMinTurn >= ReactionLength + 2 * ReactionMargin))
            {
                Bad($"{nameof(ReactionMinTurn)} must be at least {nameof(ReactionLength)} plus twice {nameof(ReactionMargin)} ({ReactionLength + 2 * ReactionMargin}), was {ReactionMinTurn}");
            }
        }

        if (!(TurnDominance >= 1))
        {
            Bad($"{nameof(TurnDominance)} must be at least 1, was {TurnDominance}");
        }

        Positive(nameof(SplitWindow), SplitWindow);
        Fraction(nameof(SplitMinShare), SplitMinShare);
        NotNegative(nameof(SplitMinShot), SplitMinShot);
        NotNegative(nameof(FitMinShot), FitMinShot);
        if (ScreenEdge is < 1 or > 510)
        {
            Bad($"{nameof(ScreenEdge)} must be between 1 and 510, was {ScreenEdge}");
        }

        Fraction(nameof(ScreenMinDetail), ScreenMinDetail);
        NotNegative(nameof(ScreenMaxChange), ScreenMaxChange);
        Fraction(nameof(ScreenMaxFaceHeight), ScreenMaxFaceHeight);
        if (!(ScreenFaceZoom >= 1))
        {
            Bad($"{nameof(ScreenFaceZoom)} must be at least 1, was {ScreenFaceZoom}");
        }

        if (!(ScreenEdgeBand > 0 && ScreenEdgeBand <= 0.5))
        {
            Bad($"{nameof(ScreenEdgeBand)} must be in (0, 0.5], was {ScreenEdgeBand}");
        }

        Positive(nameof(DecodeTimeoutFactor), DecodeTimeoutFactor);
        if (MinDecodeTimeout <= TimeSpan.Zero)
        {
            Bad($"{nameof(MinDecodeTimeout)} must be positive, was {MinDecodeTimeout}");
        }

        return this;
    }

    private static void Positive(string name, double v)
    {
        if (!(v > 0))
        {
            Bad($"{name} must be positive, was {v}");
        }
    }

    private static void NotNegative(string name, double v)
    {
        if (!(v >= 0))
        {
            Bad($"{name} must not be negative, was {v}");
        }
    }

    private static void Fraction(string name, double v)
    {
        if (!(v >= 0 && v <= 1))
        {
            Bad($"{name} must be between 0 and 1, was {v}");
        }
    }

    private static void Bad(string message) => throw new ClipperException(ErrorCode.BadOption, message);
}
