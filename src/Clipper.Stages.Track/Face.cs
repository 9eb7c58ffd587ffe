namespace Clipper.Stages.Track;

/// <summary>A point in image pixels.</summary>
public readonly record struct FacePoint(double X, double Y);

/// <summary>
/// A detected face: its box (top-left x, y and size, in image pixels), the model's confidence (0..1) and six
/// keypoints in order: right eye, left eye, nose tip, mouth centre, right ear, left ear (the subject's right
/// and left, so the right eye is on the image's left).
/// </summary>
public sealed record Face(double X, double Y, double Width, double Height, double Score, IReadOnlyList<FacePoint> Keypoints)
{
    public const int RightEye = 0;
    public const int LeftEye = 1;
    public const int Nose = 2;
    public const int Mouth = 3;
    public const int RightEar = 4;
    public const int LeftEar = 5;

    public double CentreX => X + Width / 2;

    public double CentreY => Y + Height / 2;

    public double Area => Width * Height;

    /// <summary>The same face with every coordinate multiplied by (sx, sy): from analysis pixels to source pixels.</summary>
    public Face Scaled(double sx, double sy) =>
        new(X * sx, Y * sy, Width * sx, Height * sy, Score, Keypoints.Select(p => new FacePoint(p.X * sx, p.Y * sy)).ToArray());

    public double IntersectionOverUnion(Face o)
    {
        double ix = Math.Max(0, Math.Min(X + Width, o.X + o.Width) - Math.Max(X, o.X));
        double iy = Math.Max(0, Math.Min(Y + Height, o.Y + o.Height) - Math.Max(Y, o.Y));
        double inter = ix * iy;
        double union = Area + o.Area - inter;
        return union <= 0 ? 0 : inter / union;
    }

    public override string ToString() =>
        FormattableString.Invariant($"Face(centre ({CentreX:0}, {CentreY:0}), {Width:0}x{Height:0}, score {Score:0.000})");
}
