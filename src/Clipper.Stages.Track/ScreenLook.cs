namespace Clipper.Stages.Track;

/// <summary>
/// What a sampled frame looks like for the screen layout, measured on the small frame the detector sees: the share of
/// its pixels that are sharp detail (text, lines of a user interface: a grey-level step of at least
/// <see cref="TrackOptions.ScreenEdge"/> to the right and lower neighbours together) and how much it changed since the
/// sample before (mean grey-level difference a pixel, leaving out the faces and a margin around them, whose talking
/// would count as change). A slide or a shared screen is detailed and still; a camera shot is softer or moving. One
/// pass over a 256×144 frame: a few tenths of a millisecond against the detector's several.
/// </summary>
internal sealed class ScreenLook
{
    private readonly int _width;
    private readonly int _height;
    private readonly int _edge;
    private readonly byte[] _before;
    private bool _hasBefore;

    public ScreenLook(int width, int height, int edge)
    {
        _width = width;
        _height = height;
        _edge = edge;
        _before = new byte[Cols(width) * Cols(height)];
    }

    /// <summary>
    /// Measures <paramref name="frame"/>: its detail share (0..1) and its change since the frame measured before (NaN for
    /// the first, or after a cut, <paramref name="cut"/>). <paramref name="faces"/> are in the frame's own pixels. Every
    /// other pixel of every other row is measured (against its right and lower neighbours): a quarter of the work for
    /// the same shares, since text and interface lines run for many pixels.
    /// </summary>
    public (double Detail, double Change) Measure(RgbFrame frame, IReadOnlyList<Face> faces, bool cut)
    {
        var px = frame.Pixels;
        int w = _width, h = _height, stride = w * 3, cols = Cols(w);
        bool compare = _hasBefore && !cut;
        int detail = 0, measured = 0, counted = 0;
        long sum = 0;
        for (int y = 0, k = 0; y < h - 1; y += 2)
        {
            var (skipFrom, skipTo) = Skipped(faces, y);
            for (int x = 0, p = y * stride; x < w - 1; x += 2, p += 6, k++)
            {
                int g = Grey(px, p);
                if (Math.Abs(g - Grey(px, p + 3)) + Math.Abs(g - Grey(px, p + stride)) >= _edge)
                {
                    detail++;
                }

                measured++;
                if (compare && (x < skipFrom || x >= skipTo))
                {
                    sum += Math.Abs(g - _before[k]);
                    counted++;
                }

                _before[k] = (byte)g;
            }

            k = (y / 2 + 1) * cols;
        }

        _hasBefore = true;
        double change = compare && counted > 0 ? (double)sum / counted : double.NaN;
        return ((double)detail / Math.Max(1, measured), change);
    }

    private static int Cols(int side) => (side + 1) / 2;

    /// <summary>Rec. 601 luma of the pixel at byte p, in integers.</summary>
    private static int Grey(byte[] px, int p) => (77 * px[p] + 150 * px[p + 1] + 29 * px[p + 2]) >> 8;

    /// <summary>
    /// The columns of row y left out of the change: those of the faces' boxes grown by half their size each way (the head
    /// and shoulders move with speech), merged into one span; (0, 0) when no face reaches the row.
    /// </summary>
    private static (double From, double To) Skipped(IReadOnlyList<Face> faces, int y)
    {
        double from = double.MaxValue, to = double.MinValue;
        foreach (var f in faces)
        {
            if (y >= f.Y - f.Height / 2 && y <= f.Y + f.Height * 1.5)
            {
                from = Math.Min(from, f.X - f.Width / 2);
                to = Math.Max(to, f.X + f.Width * 1.5);
            }
        }

        return from <= to ? (from, to) : (0, 0);
    }
}
