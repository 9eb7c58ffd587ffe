namespace Clipper.Stages.Track;

/// <summary>
/// A coarse joint RGB histogram, for finding scene cuts between consecutive samples: cheap, and blind to panning.
/// </summary>
internal static class SceneHistogram
{
    /// <summary>Bins per colour channel.</summary>
    private const int Bins = 8;
    private const int Shift = 5; // 256 / 8 = 2^5 values per bin

    /// <summary>Every other pixel of every other row, normalised to sum 1.</summary>
    public static double[] Of(RgbFrame frame)
    {
        var h = new double[Bins * Bins * Bins];
        var px = frame.Pixels;
        int count = 0;
        for (int y = 0; y < frame.Height; y += 2)
        {
            for (int x = 0; x < frame.Width; x += 2)
            {
                int p = (y * frame.Width + x) * 3;
                h[((px[p] >> Shift) * Bins + (px[p + 1] >> Shift)) * Bins + (px[p + 2] >> Shift)]++;
                count++;
            }
        }

        for (int i = 0; i < h.Length; i++)
        {
            h[i] /= count;
        }

        return h;
    }

    /// <summary>Half the L1 distance between normalised histograms: 0 for identical, 1 for disjoint colours.</summary>
    public static double Distance(double[] a, double[] b)
    {
        double d = 0;
        for (int i = 0; i < a.Length; i++)
        {
            d += Math.Abs(a[i] - b[i]);
        }

        return d / 2;
    }
}
