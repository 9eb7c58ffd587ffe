namespace Clipper.Stages.Track;

/// <summary>
/// A sampled frame: its time in seconds from the clip's start, the faces found in it (source pixels), and
/// whether the frame-difference detector saw a scene cut just before it.
/// </summary>
internal sealed record Sample(double T, IReadOnlyList<Face> Faces, bool CutBefore);
