namespace Clipper.Stages.Track;

/// <summary>
/// How much a face's mouth moves between two analysis frames: the mean absolute luma change over the lower face
/// (nose to just below the chin) less that over the upper face (forehead to eyes), so a head that moves or a camera
/// that pans, which changes both alike, scores about nothing, and a jaw that opens and closes scores high.
/// </summary>
internal static class MouthActivity
{
    /// <summary>The measure for <paramref name="face"/> (analysis pixels) between <paramref name="before"/> and <paramref name="now"/> (same size, rgb24), 0..255.</summary>
    public static double Motion(RgbFrame now, byte[] before, Face face)
    {
        double nose = face.Keypoints[Face.Nose].Y;
        double eyes = (face.Keypoints[Face.RightEye].Y + face.Keypoints[Face.LeftEye].Y) / 2;
        double x0 = face.CentreX - 0.3 * face.Width, x1 = face.CentreX + 0.3 * face.Width;
        double lower = MeanChange(now, before, x0, nose, x1, face.Y + 1.1 * face.Height);
        double upper = MeanChange(now, before, x0, face.Y + 0.05 * face.Height, x1, eyes);
        return Math.Max(0, lower - upper);
    }

    private static double MeanChange(RgbFrame now, byte[] before, double x0, double y0, double x1, double y1)
    {
        int ax = Math.Clamp((int)Math.Floor(x0), 0, now.Width), bx = Math.Clamp((int)Math.Ceiling(x1), 0, now.Width);
        int ay = Math.Clamp((int)Math.Floor(y0), 0, now.Height), by = Math.Clamp((int)Math.Ceiling(y1), 0, now.Height);
        if (bx <= ax || by <= ay)
        {
            return 0;
        }

        var p = now.Pixels;
        long sum = 0;
        for (int y = ay; y < by; y++)
        {
            for (int i = ((y * now.Width) + ax) * 3, end = ((y * now.Width) + bx) * 3; i < end; i += 3)
            {
                // green stands in for luma: cheap and close enough for a change measure
                sum += Math.Abs(p[i + 1] - before[i + 1]);
            }
        }

        return (double)sum / ((bx - ax) * (by - ay));
    }
}
