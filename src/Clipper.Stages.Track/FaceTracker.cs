using System.Globalization;
using Clipper.Core.Crop;
using Clipper.Core.Errors;
using Clipper.Core.Media;
using Clipper.Core.Processes;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Track;

/// <summary>
/// Stage 4, track: where the crop window should sit, over time, so that a clip cut from a wide source keeps the
/// speaker in frame. Samples frames with ffmpeg (streamed, never written to disk), finds faces with
/// <see cref="BlazeFace"/>, and fits a calm path with <see cref="PathFitter"/>.
/// <para>
/// Detection trouble never fails a clip: when there are no faces, too few, or the model or ffmpeg fails, the
/// result is a centre crop whose reason says why. Only a source without video, bad arguments and cancellation
/// are thrown. Thread-safe: one instance (one loaded model) can serve several clips at once.
/// </para>
/// </summary>
public sealed class FaceTracker : IDisposable
{
    private readonly BlazeFace? _detector;
    private readonly string? _modelProblem;

    /// <summary>Loads the BlazeFace model. If it cannot be loaded, every clip gets a centre crop saying so.</summary>
    public FaceTracker(string modelPath, TrackOptions options)
    {
        Options = options.Validate();
        try
        {
            _detector = new BlazeFace(modelPath, options.DetectorThreads, options.MinFaceScore, options.MinFaceGeometry);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            _modelProblem = $"the face model could not be loaded ({e.Message})";
        }
    }

    public TrackOptions Options { get; }

    /// <summary>
    /// The crop path for the clip [start, end) of <paramref name="source"/> (seconds), for output of aspect
    /// outWidth:outHeight. Keyframe times are seconds from <paramref name="start"/>; positions are source pixels.
    /// </summary>
    /// <param name="media">what ffprobe says about the source (its displayed width and height are used)</param>
    /// <param name="progress">told the fraction done, 0..1, from a thread-pool thread</param>
    /// <param name="layout">the job's layout (<see cref="ClipLayouts"/>): auto (null) chooses per shot
    /// (<see cref="LayoutChoice"/>, <see cref="SplitChoice"/>, <see cref="ScreenChoice"/>); split shows the two faces
    /// (stacked or side by side) of every shot that has two; screen shows the whole frame over the face of every shot that has one;
    /// fit needs no faces, so nothing is sampled</param>
    /// <param name="turns">who speaks when, from the transcript's speaker labels (<see cref="SpeakerRun.Within"/>, seconds from
    /// <paramref name="start"/>); null or empty where the transcript has none: then the mouths alone tell (<see cref="ActiveSpeaker"/>)</param>
    /// <exception cref="ClipperException"><see cref="ErrorCode.NotAVideo"/> without a video stream;
    /// <see cref="ErrorCode.Cancelled"/> when <paramref name="cancel"/> fires</exception>
    public async Task<CropPath> TrackAsync(string source, MediaInfo media, double start, double end, int outWidth, int outHeight,
        IProgress<double>? progress = null, CancellationToken cancel = default, string? layout = null, IReadOnlyList<SpeakerRun>? turns = null) =>
        (await TrackAsync(source, media, start, end, [(outWidth, outHeight)], progress, cancel, layout, turns).ConfigureAwait(false)).Paths[0];

    /// <summary>
    /// One crop path per output size in <paramref name="sizes"/>, in their order, from one sampling of the clip: the
    /// frames, faces, voice level and cut frames are found once (none of them depends on the output's shape) and a path
    /// is fitted for each size. Otherwise as the single-size overload.
    /// </summary>
    public async Task<TrackedPaths> TrackAsync(string source, MediaInfo media, double start, double end,
        IReadOnlyList<(int Width, int Height)> sizes, IProgress<double>? progress = null, CancellationToken cancel = default,
        string? layout = null, IReadOnlyList<SpeakerRun>? turns = null)
    {
        if (!(end > start) || start < 0)
        {
            throw new ArgumentException($"bad clip span {start}..{end}");
        }

        if (sizes.Count == 0 || sizes.Any(s => s.Width <= 0 || s.Height <= 0))
        {
            throw new ArgumentException($"bad output sizes {string.Join(", ", sizes.Select(s => $"{s.Width}x{s.Height}"))}");
        }

        if (!media.HasVideo || media.Width <= 0 || media.Height <= 0)
        {
            throw new ClipperException(ErrorCode.NotAVideo, $"{Path.GetFileName(source)} has no video stream to track");
        }

        ThrowIfCancelled(cancel);
        var fitters = sizes.Select(s => new PathFitter(Options, media.Width, media.Height, s.Width, s.Height)).ToList();
        TrackedPaths Each(Func<PathFitter, CropPath> fit, int frames)
        {
            progress?.Report(1.0);
            return new TrackedPaths([.. fitters.Select(fit)], frames);
        }

        if (layout == ClipLayouts.Fit)
        {
            return Each(f => LayoutChoice.Choose(f.Centre("the whole frame is shown (fit layout)"), layout, 0, 0), 0);
        }

        if (_detector is null)
        {
            return Each(f => LayoutChoice.Choose(f.Centre(_modelProblem!), layout, 0, 0), 0);
        }

        double duration = end - start;
        var sampled = await SampleAsync(_detector, source, start, duration, media, true, progress, cancel).ConfigureAwait(false);
        int frames = sampled.Samples.Count;
        double available = media.DurationSeconds > 0 ? Math.Min(duration, media.DurationSeconds - start) : duration;
        if (sampled.Problem is null && sampled.Samples.Count < available * Options.SampleFps / 2)
        {
            // Decoders that call every frame unreferenced (some intra-only streams) skip them all: decode everything.
            sampled = await SampleAsync(_detector, source, start, duration, media, false, progress, cancel).ConfigureAwait(false);
            frames += sampled.Samples.Count;
        }

        ThrowIfCancelled(cancel);
        if (sampled.Problem is not null)
        {
            return Each(f => LayoutChoice.Choose(f.Centre(sampled.Problem), layout, 0, 0), frames);
        }

        var samples = sampled.Samples;
        if (Options.FollowSpeaker && media.HasAudio && samples.Any(s => s.Faces.Count >= 2))
        {
            // Two or more faces: who speaks is decided from each mouth's movement against the sound.
            var voice = await VoiceLevel.MeasureAsync(source, start, duration, samples.Select(s => s.T).ToArray(), Options, cancel).ConfigureAwait(false);
            if (voice is not null)
            {
                samples = samples.Select((s, i) => s with { Voice = voice[i] }).ToList();
            }
        }

        IReadOnlyDictionary<int, double>? cutTimes = null;
        if (Options.CutFrames)
        {
            // the cuts (scene cuts and jump cuts) depend on the faces and the source's width, not the output's shape
            var cuts = fitters[0].CutsBefore(samples, out _);
            cutTimes = await CutFrames.FindAsync(source, start, available, samples, cuts, media.Width, media.Height,
                media.Timing.Interlaced, Options, cancel).ConfigureAwait(false);
            ThrowIfCancelled(cancel);
        }

        var paths = await Task.Run(() => fitters.Select(f => f.Fit(samples, duration, cutTimes, layout, turns)).ToList(), cancel).ConfigureAwait(false);
        int withFaces = sampled.Samples.Count(s => s.Faces.Count > 0);
        // measured only when some size found no face to follow: a screen with no face is said so in its fit reason
        string? screenNote = paths.Any(p => p.Method != "face") && ScreenChoice.LookOf(samples, 0, samples.Count, Options) is { Screen: true } look
            ? $"a screen with no face to inset ({look.Figures})" : null;
        progress?.Report(1.0);
        return new TrackedPaths([.. paths.Select(p => LayoutChoice.Choose(p, layout, sampled.Samples.Count, withFaces,
            p.Method != "face" ? screenNote : null))], frames);
    }

    /// <summary>The sampled frames, or why there are none.</summary>
    private sealed record Sampled(IReadOnlyList<Sample> Samples, string? Problem);

    private async Task<Sampled> SampleAsync(BlazeFace detector, string source, double start, double duration, MediaInfo media,
        bool skipUnreferenced, IProgress<double>? progress, CancellationToken cancel)
    {
        var sampling = new Sampling(detector, Options, media.Width, media.Height, duration, progress);
        var command = Command(source, start, duration, sampling.Width, sampling.Height, skipUnreferenced, media.Timing.Interlaced);
        var timeout = TimeSpan.FromSeconds(Math.Max(Options.MinDecodeTimeout.TotalSeconds, duration * Options.DecodeTimeoutFactor));
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(command, timeout, cancel, sampling.ReadAsync).ConfigureAwait(false);
        }
        catch (ClipperException e) when (e.Code != ErrorCode.Cancelled)
        {
            return new Sampled([], $"frames could not be sampled: {e.Message}");
        }

        if (result.ExitCode != 0)
        {
            return new Sampled([], $"ffmpeg could not decode the clip (exit code {result.ExitCode}{LastLine(result.StderrTail)})");
        }

        // ffmpeg may exit while the last frame is still being detected.
        await sampling.Finished.ConfigureAwait(false);
        return new Sampled(sampling.Samples, sampling.Problem);
    }

    private string[] Command(string source, double start, double duration, int width, int height, bool skipUnreferenced, bool interlaced)
    {
        var cmd = new List<string> { "ffmpeg", "-nostdin", "-hide_banner", "-v", "error" };
        if (skipUnreferenced)
        {
            // Not decoding frames nothing refers to (B-frames) cuts decoding time by about 40% on typical H.264;
            // the fps filter then takes a neighbouring frame, a few hundredths of a second away.
            cmd.AddRange(["-skip_frame", "noref"]);
        }

        if (Options.DecodeThreads > 0)
        {
            cmd.AddRange(["-threads", Options.DecodeThreads.ToString(CultureInfo.InvariantCulture)]);
        }

        cmd.AddRange(["-ss", Seconds(start), "-t", Seconds(duration), "-i", source,
            "-map", "0:v:0", "-an", "-sn", "-dn",
            // frames are sampled by their presentation time (the fps filter), so a variable frame rate samples evenly;
            // interlaced fields are woven back first, or a moving face combs and is missed
            "-vf", $"{(interlaced ? "yadif=mode=send_frame," : "")}fps={Seconds(Options.SampleFps)},scale={width}:{height}:flags=area",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        return [.. cmd];
    }

    private static void ThrowIfCancelled(CancellationToken cancel)
    {
        if (cancel.IsCancellationRequested)
        {
            throw new ClipperException(ErrorCode.Cancelled, "face tracking was cancelled");
        }
    }

    private static string Seconds(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string LastLine(string tail)
    {
        if (string.IsNullOrWhiteSpace(tail))
        {
            return "";
        }

        var lines = tail.Trim().Split('\n');
        return ": " + lines[^1].Trim();
    }

    public void Dispose() => _detector?.Dispose();

    /// <summary>
    /// One clip's frames as they stream out of ffmpeg: each is run through the detector and compared with the one
    /// before for a scene cut. Runs on the thread pool (ProcessRunner's stdout task) and never throws except for
    /// cancellation: a failure is recorded and the rest of the output drained, so ffmpeg never stalls on a full pipe.
    /// </summary>
    private sealed class Sampling
    {
        private readonly BlazeFace _detector;
        private readonly TrackOptions _options;
        private readonly double _scaleX;
        private readonly double _scaleY;
        private readonly int _expected;
        private readonly IProgress<double>? _progress;
        private readonly List<Sample> _samples = [];
        private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Sampling(BlazeFace detector, TrackOptions options, int sourceWidth, int sourceHeight, double duration, IProgress<double>? progress)
        {
            _detector = detector;
            _options = options;
            // Never upscale; keep the aspect; even sizes keep ffmpeg's scaler exact.
            double scale = Math.Min(1, (double)options.AnalysisSize / Math.Max(sourceWidth, sourceHeight));
            int w = (int)Math.Round(sourceWidth * scale, MidpointRounding.AwayFromZero);
            int h = (int)Math.Round(sourceHeight * scale, MidpointRounding.AwayFromZero);
            Width = Math.Max(2, w - w % 2);
            Height = Math.Max(2, h - h % 2);
            _scaleX = (double)sourceWidth / Width;
            _scaleY = (double)sourceHeight / Height;
            _expected = Math.Max(1, (int)Math.Ceiling(duration * options.SampleFps));
            _progress = progress;
        }

        public int Width { get; }

        public int Height { get; }

        public IReadOnlyList<Sample> Samples => _samples;

        public string? Problem { get; private set; }

        /// <summary>Completes when the reader has stopped, whatever the reason.</summary>
        public Task Finished => _finished.Task;

        public async Task ReadAsync(Stream stdout, CancellationToken cancel)
        {
            int frameBytes = Width * Height * 3;
            var buffer = new byte[frameBytes];
            var frame = new RgbFrame(Width, Height, buffer);
            var before = new byte[frameBytes];
            IReadOnlyList<Face> foundBefore = [];
            double[]? previous = null;
            var look = _options.ScreenDetection ? new ScreenLook(Width, Height, _options.ScreenEdge) : null;
            try
            {
                while (await stdout.ReadAtLeastAsync(buffer, frameBytes, throwOnEndOfStream: false, cancel).ConfigureAwait(false) == frameBytes)
                {
                    var found = _detector.Detect(frame);
                    var faces = found.Select(f => f.Scaled(_scaleX, _scaleY)).ToList();
                    var histogram = SceneHistogram.Of(frame);
                    bool cut = previous is not null && SceneHistogram.Distance(previous, histogram) > _options.SceneCutThreshold;
                    var mouth = found.Select(f => !_options.FollowSpeaker || cut || MouthActivity.Before(f, foundBefore) is not { } was ? 0
                        : MouthActivity.Motion(frame, before, f, was)).ToArray();
                    var (detail, change) = look?.Measure(frame, found, cut) ?? (double.NaN, double.NaN);
                    Buffer.BlockCopy(buffer, 0, before, 0, frameBytes);
                    foundBefore = found;
                    previous = histogram;
                    int i = _samples.Count;
                    _samples.Add(new Sample(i / _options.SampleFps, faces, cut, mouth, double.NaN, detail, change));
                    _progress?.Report(Math.Min(0.99, (i + 1.0) / _expected));
                }
            }
            catch (IOException e)
            {
                Problem = $"reading ffmpeg's frames failed: {e.Message}";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Problem = $"face detection failed: {e.Message}";
            }
            finally
            {
                _finished.TrySetResult();
            }
        }
    }
}

/// <summary>
/// The crop paths of one clip, one per output size asked for, and how many frames were sampled (and run through the
/// detector) to find them: once for all the sizes.
/// </summary>
public sealed record TrackedPaths(IReadOnlyList<CropPath> Paths, int SampledFrames);
