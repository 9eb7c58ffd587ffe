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
    private byte[] _grey;
    private byte[] _before;
    private bool _hasBefore;

    public ScreenLook(int width, int height, int edge)
    {
        _width = width;
        _height = height;
        _edge = edge;
        _grey = new byte[width * height];
        _before = new byte[width * height];
    }

    /// <summary>
    /// Measures <paramref name="frame"/>: its detail share (0..1) and its change since the frame measured before (NaN for
    /// the first, or after a cut, <paramref name="cut"/>). <paramref name="faces"/> are in the frame's own pixels.
    /// </summary>
    public (double Detail, double Change) Measure(RgbFrame frame, IReadOnlyList<Face> faces, bool cut)
    {
        (_grey, _before) = (_before, _grey);
        var px = frame.Pixels;
        int w = _width, h = _height;
        for (int i = 0, p = 0; i < _grey.Length; i++, p += 3)
        {
            // Rec. 601 weights in integers
            _grey[i] = (byte)((299 * px[p] + 587 * px[p + 1] + 114 * px[p + 2] + 500) / 1000);
        }

        int detail = 0;
        for (int y = 0; y < h - 1; y++)
        {
            int row = y * w;
            for (int x = 0; x < w - 1; x++)
            {
                int g = _grey[row + x];
                if (Math.Abs(g - _grey[row + x + 1]) + Math.Abs(g - _grey[row + w + x]) >= _edge)
                {
                    detail++;
                }
            }
        }

        double change = double.NaN;
        if (_hasBefore && !cut)
        {
            long sum = 0;
            int counted = 0;
            for (int y = 0; y < h; y++)
            {
                int row = y * w;
                for (int x = 0; x < w; x++)
                {
                    if (faces.Count > 0 && InFace(faces, x, y))
                    {
                        continue;
                    }

                    sum += Math.Abs(_grey[row + x] - _before[row + x]);
                    counted++;
                }
            }

            change = counted == 0 ? double.NaN : (double)sum / counted;
        }

        _hasBefore = true;
        return ((double)detail / ((w - 1) * (h - 1)), change);
    }

    /// <summary>Within a face's box grown by half its size each way (the head and shoulders move with speech).</summary>
    private static bool InFace(IReadOnlyList<Face> faces, int x, int y)
    {
        foreach (var f in faces)
        {
            if (x >= f.X - f.Width / 2 && x <= f.X + f.Width * 1.5 && y >= f.Y - f.Height / 2 && y <= f.Y + f.Height * 1.5)
            {
                return true;
            }
        }

        return false;
    }
}
