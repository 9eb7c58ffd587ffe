namespace Clipper.Stages.Track;

/// <summary>
/// An image scaled to fit the model's square input with its aspect kept, centred, the border black; and the way
/// back from the model's 0..1 coordinates to image pixels.
/// </summary>
internal sealed class Letterbox
{
    public Letterbox(int imageWidth, int imageHeight, int side)
    {
        ImageWidth = imageWidth;
        ImageHeight = imageHeight;
        Side = side;
        double scale = Math.Min((double)side / imageWidth, (double)side / imageHeight);
        ScaledWidth = Math.Clamp((int)Math.Round(imageWidth * scale, MidpointRounding.AwayFromZero), 1, side);
        ScaledHeight = Math.Clamp((int)Math.Round(imageHeight * scale, MidpointRounding.AwayFromZero), 1, side);
        PadX = (side - ScaledWidth) / 2;
        PadY = (side - ScaledHeight) / 2;
    }

    public int ImageWidth { get; }

    public int ImageHeight { get; }

    public int Side { get; }

    public int ScaledWidth { get; }

    public int ScaledHeight { get; }

    public int PadX { get; }

    public int PadY { get; }

    /// <summary>A point in the model's normalised input coordinates (0..1 over the square) in image pixels.</summary>
    public FacePoint ToImage(double nx, double ny) =>
        new((nx * Side - PadX) * ImageWidth / ScaledWidth, (ny * Side - PadY) * ImageHeight / ScaledHeight);

    /// <summary>The NHWC float input, values v/127.5 − 1; the border is black (−1).</summary>
    public float[] Tensor(RgbFrame frame)
    {
        int side = Side;
        int sw = ScaledWidth;
        var output = new float[side * side * 3];
        Array.Fill(output, -1f);
        var cols = new Resample(ImageWidth, sw);
        var rows = new Resample(ImageHeight, ScaledHeight);
        // Horizontal pass into a sw-wide float image, then the vertical pass straight into the tensor.
        var horizontal = new float[ImageHeight * sw * 3];
        var px = frame.Pixels;
        for (int y = 0; y < ImageHeight; y++)
        {
            int rowIn = y * ImageWidth * 3;
            int rowOut = y * sw * 3;
            for (int x = 0; x < sw; x++)
            {
                float r = 0, g = 0, b = 0;
                int first = cols.First[x];
                var w = cols.Weights[x];
                for (int k = 0; k < w.Length; k++)
                {
                    int p = rowIn + (first + k) * 3;
                    r += w[k] * px[p];
                    g += w[k] * px[p + 1];
                    b += w[k] * px[p + 2];
                }

                int o = rowOut + x * 3;
                horizontal[o] = r;
                horizontal[o + 1] = g;
                horizontal[o + 2] = b;
            }
        }

        int rowLength = sw * 3;
        for (int y = 0; y < ScaledHeight; y++)
        {
            int first = rows.First[y];
            var w = rows.Weights[y];
            int rowOut = ((y + PadY) * side + PadX) * 3;
            var target = output.AsSpan(rowOut, rowLength);
            target.Clear();
            for (int k = 0; k < w.Length; k++)
            {
                float wk = w[k];
                var source = horizontal.AsSpan((first + k) * rowLength, rowLength);
                for (int x = 0; x < rowLength; x++)
                {
                    target[x] += wk * source[x];
                }
            }

            for (int x = 0; x < rowLength; x++)
            {
                target[x] = target[x] / 127.5f - 1f;
            }
        }

        return output;
    }

    /// <summary>
    /// One axis of a resize: for each output pixel, the first source pixel it reads and the weights of the
    /// consecutive source pixels. Shrinking averages the covered area (no aliasing from skipped pixels);
    /// enlarging interpolates linearly.
    /// </summary>
    private sealed class Resample
    {
        public Resample(int from, int to)
        {
            First = new int[to];
            Weights = new float[to][];
            double step = (double)from / to;
            for (int o = 0; o < to; o++)
            {
                if (step >= 1)
                {
                    double lo = o * step;
                    double hi = Math.Min(from, (o + 1) * step);
                    int a = (int)Math.Floor(lo);
                    int b = Math.Min(from, (int)Math.Ceiling(hi));
                    var w = new float[b - a];
                    for (int i = a; i < b; i++)
                    {
                        w[i - a] = (float)((Math.Min(hi, i + 1) - Math.Max(lo, i)) / (hi - lo));
                    }

                    First[o] = a;
                    Weights[o] = w;
                }
                else
                {
                    double c = Math.Clamp((o + 0.5) * step - 0.5, 0, from - 1);
                    int a = Math.Min((int)Math.Floor(c), Math.Max(0, from - 2));
                    double f = c - a;
                    First[o] = a;
                    Weights[o] = from == 1 ? [1f] : [(float)(1 - f), (float)f];
                }
            }
        }

        public int[] First { get; }

        public float[][] Weights { get; }
    }
}
