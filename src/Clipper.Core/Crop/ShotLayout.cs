namespace Clipper.Core.Crop;

/// <summary>
/// The layout of one shot of a clip (<see cref="ClipLayouts"/>): from <see cref="Start"/> to <see cref="End"/>, seconds
/// from the clip's start, and why it was chosen there, e.g. <c>both faces spoke in 14.2 of 16.0 s</c>.
/// </summary>
public sealed record ShotLayout(double Start, double End, string Layout, string Reason);
