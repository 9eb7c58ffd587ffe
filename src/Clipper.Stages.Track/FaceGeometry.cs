namespace Clipper.Stages.Track;

/// <summary>
/// How human the layout of a detection's keypoints is, 0..1. BlazeFace always regresses six keypoints; on a
/// human face (frontal, turned or tilted) they keep a fixed layout, while on textures, heads seen from above and
/// faces in profile they collapse or scatter. Measured in the frame of the eye line, so a tilted head or a
/// rotated picture is no penalty. Ranges from every real face the detector finds in the kphotoalbum demo photos:
/// eye span 0.38–0.45 box widths, nose 0.36–0.77 and mouth 0.94–1.23 eye spans below the eye line, nose within
/// ±0.32 eye spans of the eyes' midpoint along it, ears 2.0–2.3 eye spans apart.
/// <para>
/// It does not tell animals from people: a dog's face close up has a human layout (the model regresses its
/// template), so the score threshold does that part (see <see cref="TrackOptions.MinFaceScore"/>).
/// </para>
/// </summary>
public static class FaceGeometry
{
    /// <summary>1 when every measure is in the human range (with margin), falling to 0 well outside it.</summary>
    public static double Plausibility(Face face)
    {
        var k = face.Keypoints;
        if (k.Count < 6 || face.Width <= 0)
        {
            return 0;
        }

        var re = k[Face.RightEye];
        var le = k[Face.LeftEye];
        double ex = le.X - re.X, ey = le.Y - re.Y;
        double span = Math.Sqrt(ex * ex + ey * ey);
        if (span <= 1e-6)
        {
            return 0;
        }

        // Unit vectors along the eye line and down the face, from the eyes' midpoint, in eye spans.
        double ux = ex / span, uy = ey / span;
        double mx = (re.X + le.X) / 2, my = (re.Y + le.Y) / 2;
        double Along(FacePoint p) => ((p.X - mx) * ux + (p.Y - my) * uy) / span;
        double Down(FacePoint p) => (-(p.X - mx) * uy + (p.Y - my) * ux) / span;

        var nose = k[Face.Nose];
        var mouth = k[Face.Mouth];
        var rEar = k[Face.RightEar];
        var lEar = k[Face.LeftEar];
        double ears = Math.Sqrt(Square(lEar.X - rEar.X) + Square(lEar.Y - rEar.Y)) / span;

        return Min(
            Band(span / face.Width, 0.12, 0.25, 0.6, 0.8),
            Band(Down(nose), 0, 0.2, 1.1, 1.6),
            Band(Down(mouth), 0.4, 0.7, 1.6, 2.2),
            Band(Down(mouth) - Down(nose), 0, 0.15, 2, 2.5),
            Band(Math.Abs(Along(nose)), -1, 0, 0.6, 1.2),
            Band(ears, 1, 1.5, 3, 4));
    }

    /// <summary>A trapezoid: 0 at or below a, rising to 1 at b, 1 up to c, falling to 0 at d.</summary>
    private static double Band(double v, double a, double b, double c, double d)
    {
        if (double.IsNaN(v) || v <= a || v >= d)
        {
            return 0;
        }

        return v < b ? (v - a) / (b - a) : v > c ? (d - v) / (d - c) : 1;
    }

    private static double Min(params ReadOnlySpan<double> values)
    {
        double m = 1;
        foreach (var v in values)
        {
            m = Math.Min(m, v);
        }

        return m;
    }

    private static double Square(double v) => v * v;
}
