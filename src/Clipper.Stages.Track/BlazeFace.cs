using Microsoft.ML.OnnxRuntime;

namespace Clipper.Stages.Track;

/// <summary>
/// MediaPipe's BlazeFace face detector (the "back camera" 256×256 model) on ONNX Runtime. Finds faces in an RGB
/// image and returns them in the image's own pixels, best first.
/// <para>
/// Thread-safe: an ONNX Runtime session may be run from several threads and every call keeps its buffers to
/// itself. <see cref="Detect"/> is CPU work (a few milliseconds); callers put it on the thread pool.
/// </para>
/// </summary>
public sealed class BlazeFace : IDisposable
{
    /// <summary>Boxes that overlap at least this much are one face (MediaPipe's weighted NMS setting).</summary>
    private const double NmsIou = 0.3;
    private const int KeypointCount = 6;
    private const int ValuesPerAnchor = 4 + 2 * KeypointCount;
    private const int AnchorCount = 896;

    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly float[] _anchorX;
    private readonly float[] _anchorY;

    /// <param name="modelPath">the back-camera 256×256 ONNX model</param>
    /// <param name="threads">ONNX Runtime intra-op threads for one detection</param>
    /// <param name="minScore">faces scoring below this are dropped before non-maximum suppression</param>
    /// <param name="minGeometry">faces whose keypoints look less human than this (<see cref="FaceGeometry"/>) are dropped after it; 0 keeps all</param>
    public BlazeFace(string modelPath, int threads = 2, double minScore = 0.8, double minGeometry = 0.5)
    {
        if (threads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), "threads must be at least 1");
        }

        MinScore = minScore;
        MinGeometry = minGeometry;
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        // Spinning worker threads burn the cores that ffmpeg and the other stage workers need.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        try
        {
            _session = new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"cannot load the face model {modelPath}: {e.Message}", e);
        }

        _inputName = _session.InputNames[0];
        var shape = _session.InputMetadata[_inputName].Dimensions;
        if (shape.Length != 4 || shape[1] != shape[2] || shape[3] != 3 || shape[1] <= 0)
        {
            _session.Dispose();
            throw new InvalidOperationException(
                $"{modelPath} is not a BlazeFace model: input shape [{string.Join(",", shape)}], expected [1,S,S,3]");
        }

        InputSize = shape[1];
        (_anchorX, _anchorY) = Anchors();
    }

    /// <summary>The model's input side in pixels (256 for the back-camera model).</summary>
    public int InputSize { get; }

    public double MinScore { get; }

    public double MinGeometry { get; }

    /// <summary>
    /// Faces in the frame, best first, each scoring at least <see cref="MinScore"/> and with a keypoint layout
    /// of at least <see cref="MinGeometry"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed</exception>
    public IReadOnlyList<Face> Detect(RgbFrame frame)
    {
        var faces = Suppress(Candidates(frame, MinScore));
        return MinGeometry <= 0 ? faces : faces.Where(f => FaceGeometry.Plausibility(f) >= MinGeometry).ToList();
    }

    /// <summary>Every anchor's detection scoring at least minScore, before non-maximum suppression.</summary>
    internal List<Face> Candidates(RgbFrame frame, double minScore)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var box = new Letterbox(frame.Width, frame.Height, InputSize);
        var input = box.Tensor(frame);
        var scores = new float[AnchorCount];
        var regressors = new float[AnchorCount * ValuesPerAnchor];
        try
        {
            using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, InputSize, InputSize, 3]);
            using var run = new RunOptions();
            using var outputs = _session.Run(run, [_inputName], [tensor],
                ["Identity:0", "Identity_1:0", "Identity_2:0", "Identity_3:0"]);
            // Identity:0/Identity_2:0 hold the 16x16 grid's 512 anchors, Identity_1:0/Identity_3:0 the 8x8 grid's 384.
            int fine = Copy(outputs[0], scores, 0);
            Copy(outputs[1], scores, fine);
            int fineValues = Copy(outputs[2], regressors, 0);
            Copy(outputs[3], regressors, fineValues);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"face detection failed: {e.Message}", e);
        }

        return Decode(scores, regressors, box, minScore);
    }

    private static int Copy(OrtValue value, float[] into, int offset)
    {
        var data = value.GetTensorDataAsSpan<float>();
        if (offset + data.Length > into.Length)
        {
            throw new InvalidOperationException("the face model's outputs do not match 896 anchors");
        }

        data.CopyTo(into.AsSpan(offset));
        return data.Length;
    }

    private List<Face> Decode(float[] scores, float[] r, Letterbox box, double minScore)
    {
        var faces = new List<Face>();
        double size = InputSize;
        for (int i = 0; i < AnchorCount; i++)
        {
            double score = Sigmoid(Math.Clamp(scores[i], -100, 100));
            if (score < minScore)
            {
                continue;
            }

            int o = i * ValuesPerAnchor;
            double ax = _anchorX[i];
            double ay = _anchorY[i];
            double cx = ax + r[o] / size;
            double cy = ay + r[o + 1] / size;
            double w = r[o + 2] / size;
            double h = r[o + 3] / size;
            var points = new FacePoint[KeypointCount];
            for (int k = 0; k < KeypointCount; k++)
            {
                points[k] = box.ToImage(ax + r[o + 4 + 2 * k] / size, ay + r[o + 5 + 2 * k] / size);
            }

            var topLeft = box.ToImage(cx - w / 2, cy - h / 2);
            var bottomRight = box.ToImage(cx + w / 2, cy + h / 2);
            faces.Add(new Face(topLeft.X, topLeft.Y, bottomRight.X - topLeft.X, bottomRight.Y - topLeft.Y, score, points));
        }

        return faces;
    }

    /// <summary>
    /// Weighted non-maximum suppression as MediaPipe does it: the best box and every box overlapping it are
    /// averaged, weighted by score, which steadies the box from frame to frame better than keeping the best alone.
    /// </summary>
    internal static List<Face> Suppress(IEnumerable<Face> candidates)
    {
        var remaining = candidates.OrderByDescending(f => f.Score).ToList();
        var kept = new List<Face>();
        while (remaining.Count > 0)
        {
            var best = remaining[0];
            var cluster = new List<Face>();
            var rest = new List<Face>();
            foreach (var f in remaining)
            {
                (best.IntersectionOverUnion(f) >= NmsIou ? cluster : rest).Add(f);
            }

            double total = 0, x = 0, y = 0, w = 0, h = 0;
            var kx = new double[KeypointCount];
            var ky = new double[KeypointCount];
            foreach (var f in cluster)
            {
                double s = f.Score;
                total += s;
                x += s * f.X;
                y += s * f.Y;
                w += s * f.Width;
                h += s * f.Height;
                for (int k = 0; k < KeypointCount; k++)
                {
                    kx[k] += s * f.Keypoints[k].X;
                    ky[k] += s * f.Keypoints[k].Y;
                }
            }

            var points = new FacePoint[KeypointCount];
            for (int k = 0; k < KeypointCount; k++)
            {
                points[k] = new FacePoint(kx[k] / total, ky[k] / total);
            }

            kept.Add(new Face(x / total, y / total, w / total, h / total, best.Score, points));
            remaining = rest;
        }

        return kept;
    }

    /// <summary>896 anchors: a 16×16 grid with 2 per cell, then an 8×8 grid with 6 per cell; centres only (fixed size).</summary>
    private static (float[] X, float[] Y) Anchors()
    {
        var ax = new float[AnchorCount];
        var ay = new float[AnchorCount];
        int i = 0;
        foreach (var (grid, perCell) in new[] { (16, 2), (8, 6) })
        {
            for (int y = 0; y < grid; y++)
            {
                for (int x = 0; x < grid; x++)
                {
                    for (int k = 0; k < perCell; k++)
                    {
                        ax[i] = (x + 0.5f) / grid;
                        ay[i] = (y + 0.5f) / grid;
                        i++;
                    }
                }
            }
        }

        return (ax, ay);
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    public void Dispose() => _session.Dispose();
}
