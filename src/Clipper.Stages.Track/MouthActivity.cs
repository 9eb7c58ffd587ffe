namespace Clipper.Stages.Track;

/// <summary>
/// How much a face's mouth moves between two analysis frames: the mean absolute change over the lower face (nose to
/// just below the chin) less that over the upper face (forehead to eyes), with the frame before shifted by the head's
/// own movement (the shift that best matches the rigid upper face), so a moving head or a panning camera scores about
/// nothing and a jaw that opens and closes scores high.
/// </summary>
internal static class MouthActivity
{
    /// <summary>Pixels either way the head's shift is searched around the one the detections give (their jitter).</summary>
    private const int Search = 2;

    /// <summary>
    /// The measure for <paramref name="face"/> (analysis pixels) between <paramref name="before"/> (where the face was
    /// <paramref name="was"/>) and <paramref name="now"/>, both rgb24 of the same size; 0..255.
    /// </summary>
    public static double Motion(RgbFrame now, byte[] before, Face face, Face was)
    {
        double nose = face.Keypoints[Face.Nose].Y;
        double eyes = (face.Keypoints[Face.RightEye].Y + face.Keypoints[Face.LeftEye].Y) / 2;
        double x0 = face.CentreX - 0.3 * face.Width, x1 = face.CentreX + 0.3 * face.Width;
        // The head's own movement: the shift, near what the detections say, that best matches the rigid upper face.
        int cx = (int)Math.Round(face.CentreX - was.CentreX), cy = (int)Math.Round(face.CentreY - was.CentreY);
        double upper = double.MaxValue;
        int dx = cx, dy = cy;
        for (int sy = cy - Search; sy <= cy + Search; sy++)
        {
            for (int sx = cx - Search; sx <= cx + Search; sx++)
            {
                double change = MeanChange(now, before, sx, sy, x0, face.Y + 0.05 * face.Height, x1, eyes);
                if (change < upper)
                {
                    (upper, dx, dy) = (change, sx, sy);
                }
            }
        }

        double lower = MeanChange(now, before, dx, dy, x0, nose, x1, face.Y + 1.1 * face.Height);
        return Math.Max(0, lower - upper);
    }

    /// <summary>
    /// The face of the frame before that <paramref name="face"/> continues (centre within half a face width, size
    /// within a third), or null.
    /// </summary>
    public static Face? Before(Face face, IReadOnlyList<Face> before)
    {
        Face? best = null;
        double bestDistance = 0.5 * face.Width;
        foreach (var g in before)
        {
            double d = Math.Sqrt(((face.CentreX - g.CentreX) * (face.CentreX - g.CentreX)) + ((face.CentreY - g.CentreY) * (face.CentreY - g.CentreY)));
            double ratio = Math.Max(face.Width, g.Width) / Math.Max(1e-9, Math.Min(face.Width, g.Width));
            if (d <= bestDistance && ratio <= 4.0 / 3)
            {
                best = g;
                bestDistance = d;
            }
        }

        return best;
    }

    private static double MeanChange(RgbFrame now, byte[] before, int dx, int dy, double x0, double y0, double x1, double y1)
    {
        // only where both the region and its shifted copy lie inside the frame
        int ax = Math.Max((int)Math.Floor(x0), Math.Max(0, dx)), bx = Math.Min((int)Math.Ceiling(x1), Math.Min(now.Width, now.Width + dx));
        int ay = Math.Max((int)Math.Floor(y0), Math.Max(0, dy)), by = Math.Min((int)Math.Ceiling(y1), Math.Min(now.Height, now.Height + dy));
        if (bx <= ax || by <= ay)
        {
            return 0;
        }

        var p = now.Pixels;
        int shift = ((dy * now.Width) + dx) * 3;
        long sum = 0;
        for (int y = ay; y < by; y++)
        {
            for (int i = ((y * now.Width) + ax) * 3, end = ((y * now.Width) + bx) * 3; i < end; i += 3)
            {
                // green stands in for luma: cheap and close enough for a change measure
                sum += Math.Abs(p[i + 1] - before[i + 1 - shift]);
            }
        }

        return (double)sum / ((bx - ax) * (by - ay));
    }
}
