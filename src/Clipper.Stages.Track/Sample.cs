namespace Clipper.Stages.Track;

/// <summary>
/// A sampled frame: its time in seconds from the clip's start, the faces found in it (source pixels), and
/// whether the frame-difference detector saw a scene cut just before it. For the active speaker: each face's mouth
/// movement since the sample before (<see cref="MouthActivity"/>, in the order of <see cref="Faces"/>; null when not
/// measured), and the loudness of the clip's sound around the sample (0..1 of the clip's loud level; NaN when not measured).
/// For the screen layout (<see cref="ScreenLook"/>): the frame's share of detail pixels and its change since the sample
/// before (NaN when not measured).
/// </summary>
internal sealed record Sample(double T, IReadOnlyList<Face> Faces, bool CutBefore, IReadOnlyList<double>? Mouth = null, double Voice = double.NaN,
    double Detail = double.NaN, double Change = double.NaN);
