using System.Diagnostics;
using System.Globalization;
using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Media;
using Clipper.Core.Processes;
using Clipper.Core.Samples;
using Clipper.Samples;
using Clipper.Stages.Encode;
using Clipper.Stages.Track;

namespace Clipper.Host.Cli.Bench;

/// <summary>
/// <c>clipper bench track</c>: the face detector's milliseconds per 640×360 frame on one thread (the baseline) and on
/// two; the tracker's wall time per clip-second on a 720p sample; and the tracker's sampling settings against the ones
/// before them (ffmpeg scaling to 640 wide on its own threads, the detector shrinking that to 256) as the baseline,
/// alternated in this process, CPU of this process and of its ffmpegs; and the active speaker's cost: the two-person
/// dialogue (<see cref="TwoSpeakerMedia"/>) tracked with it and with FollowSpeaker off, alternated; and the screen
/// layout's per-sample statistic (<see cref="ScreenAsync"/>, also <c>clipper bench track-screen</c> alone).
/// </summary>
public static class TrackBench
{
    private const int Rounds = 2;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string benchDir, TextWriter stdout, CancellationToken cancel)
    {
        var frame = await RgbFrame.ReadAsync(Assets.Photo("bar55_2.jpg"), cancel, 640, 360);
        var perFrame = new Dictionary<int, double>();
        foreach (int threads in new[] { 1, 2 })
        {
            using var detector = new BlazeFace(Assets.FaceModel(), threads);
            for (int i = 0; i < 20; i++)
            {
                detector.Detect(frame);
            }

            const int runs = 100;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < runs; i++)
            {
                detector.Detect(frame);
            }

            perFrame[threads] = clock.Elapsed.TotalMilliseconds / runs;
            stdout.WriteLine(string.Create(Inv,
                $"detector, {threads} thread(s), 640x360 frame: {perFrame[threads]:0.00} ms/frame, ratio to 1 thread {perFrame[threads] / perFrame[1]:0.00}"));
        }

        var video = await SampleCache.TalkAsync(benchDir, "track-bench-hd", SampleVideo.Talk(0.25), Look.Hd, "jesper_2.jpg", cancel);
        var media = await Probe.ProbeAsync(video.File, cancel);
        using var tracker = new FaceTracker(Assets.FaceModel(), new TrackOptions());
        await tracker.TrackAsync(video.File, media, 0, 3, 1080, 1920, null, cancel); // warm-up
        var wall = Stopwatch.StartNew();
        var path = await tracker.TrackAsync(video.File, media, 0, video.DurationSeconds, 1080, 1920, null, cancel);
        double seconds = wall.Elapsed.TotalSeconds;
        int frames = (int)Math.Ceiling(video.DurationSeconds * new TrackOptions().SampleFps);
        stdout.WriteLine(string.Create(Inv,
            $"tracker, 720p: {seconds:0.0} s for {video.DurationSeconds:0.0} s of clip = {seconds / video.DurationSeconds:0.000} s per clip-second, "
            + $"{seconds * 1000 / frames:0.0} ms per sampled frame (decode + detect), {path.Keyframes.Count} keyframes ({path.Method})"));

        using var former = new FaceTracker(Assets.FaceModel(), new TrackOptions { AnalysisSize = 640, DecodeThreads = 0 });
        await former.TrackAsync(video.File, media, 0, 3, 1080, 1920, null, cancel); // warm-up
        double now = 0, before = 0;
        for (int round = 0; round < Rounds; round++)
        {
            now += await CpuOf(tracker);
            before += await CpuOf(former);
        }

        stdout.WriteLine(string.Create(Inv,
            $"tracker sampling, 720p, {Rounds} rounds: CPU {now:0.0} s with the defaults, {before:0.0} s scaling to 640 on ffmpeg's own threads (baseline); ratio {now / before:0.00}"));

        // The active speaker's cost: the two-person dialogue tracked with it and without (the tracker before it).
        var dialogue = await DialogueAsync(benchDir, cancel);
        var dialogueMedia = await Probe.ProbeAsync(dialogue.File, cancel);
        using var unaware = new FaceTracker(Assets.FaceModel(), new TrackOptions { FollowSpeaker = false });
        double speaker = 0, plain = 0;
        string? reason = null;
        for (int round = 0; round < Rounds; round++)
        {
            double cpu = ProcessCpu.Seconds().Total;
            reason = (await tracker.TrackAsync(dialogue.File, dialogueMedia, 0, dialogue.DurationSeconds, 1080, 1920, null, cancel)).Reason;
            speaker += ProcessCpu.Seconds().Total - cpu;
            cpu = ProcessCpu.Seconds().Total;
            await unaware.TrackAsync(dialogue.File, dialogueMedia, 0, dialogue.DurationSeconds, 1080, 1920, null, cancel);
            plain += ProcessCpu.Seconds().Total - cpu;
        }

        stdout.WriteLine(string.Create(Inv,
            $"active speaker, 720p two-person dialogue of {dialogue.DurationSeconds:0.0} s, {Rounds} rounds: tracker CPU per clip {speaker / Rounds:0.00} s "
            + $"following the speaker, {plain / Rounds:0.00} s with FollowSpeaker off (baseline, the tracker before it); ratio {speaker / plain:0.00}; {reason}"));
        await SplitAsync(benchDir, tracker, stdout, cancel);
        await CutFramesAsync(benchDir, stdout, cancel);
        await ScreenAsync(benchDir, stdout, cancel);
        await RatiosAsync(benchDir, stdout, cancel);
        await FramingAsync(benchDir, stdout, cancel);
        return 0;

        async Task<double> CpuOf(FaceTracker t)
        {
            double cpu = ProcessCpu.Seconds().Total;
            await t.TrackAsync(video.File, media, 0, video.DurationSeconds, 1080, 1920, null, cancel);
            return ProcessCpu.Seconds().Total - cpu;
        }
    }

    /// <summary>
    /// What the screen layout's per-sample statistic costs (<see cref="TrackOptions.ScreenDetection"/>: each sampled
    /// frame's detail and change): tracker CPU per clip, this process and its ffmpegs, with it and without it (the
    /// baseline, the tracker before it), alternated, on the 15 s 720p talk and on a 10 s 720p screen share.
    /// </summary>
    public static async Task<int> ScreenAsync(string benchDir, TextWriter stdout, CancellationToken cancel)
    {
        const int rounds = 3;
        var talk = await SampleCache.TalkAsync(benchDir, "track-bench-hd", SampleVideo.Talk(0.25), Look.Hd, "jesper_2.jpg", cancel);
        var share = Path.Combine(benchDir, "track-bench-screen.mp4");
        if (!File.Exists(share))
        {
            await LayoutMedia.ScreenShareAsync(share, 10, cancel: cancel);
        }

        using var measuring = new FaceTracker(Assets.FaceModel(), new TrackOptions());
        using var blind = new FaceTracker(Assets.FaceModel(), new TrackOptions { ScreenDetection = false });
        foreach (var (name, file) in new[] { ("15 s 720p talk", talk.File), ("10 s 720p screen share", share) })
        {
            var media = await Probe.ProbeAsync(file, cancel);
            double seconds = Math.Min(media.DurationSeconds, 15);
            await measuring.TrackAsync(file, media, 0, 3, 1080, 1920, null, cancel); // warm-up
            await blind.TrackAsync(file, media, 0, 3, 1080, 1920, null, cancel);
            double with = 0, without = 0;
            string? layout = null;
            for (int round = 0; round < rounds; round++)
            {
                double cpu = ProcessCpu.Seconds().Total;
                var path = await measuring.TrackAsync(file, media, 0, seconds, 1080, 1920, null, cancel);
                with += ProcessCpu.Seconds().Total - cpu;
                layout = $"{path.Layout}: {path.LayoutReason}";
                cpu = ProcessCpu.Seconds().Total;
                await blind.TrackAsync(file, media, 0, seconds, 1080, 1920, null, cancel);
                without += ProcessCpu.Seconds().Total - cpu;
            }

            stdout.WriteLine(string.Create(Inv,
                $"screen detection, {name}, {rounds} rounds: tracker CPU per clip {with / rounds:0.00} s measuring each sample's detail and change, "
                + $"{without / rounds:0.00} s with ScreenDetection off (baseline, the tracker before it); ratio {with / without:0.00}; {layout}"));
        }

        return 0;
    }

    /// <summary>
    /// What the split layout costs: the overlapping dialogue (<see cref="TwoSpeakerMedia.Overlapping"/>) tracked with
    /// the split chosen (auto) and with the job's single layout (baseline), then its clip encoded at 1080×1920 split
    /// (two windows scaled and stacked) and single (the baseline); each pair alternated, CPU of this process and its
    /// ffmpegs. Also the tracker choosing the split side by side for a 1920×1080 output, against 1080×1920 stacked.
    /// </summary>
    private static async Task SplitAsync(string benchDir, FaceTracker tracker, TextWriter stdout, CancellationToken cancel)
    {
        var d = await DialogueAsync(benchDir, cancel, TwoSpeakerMedia.Overlapping, "overlap.mp4");
        var media = await Probe.ProbeAsync(d.File, cancel);
        CropPath split = null!, single = null!, wide = null!;
        double trackSplit = 0, trackSingle = 0, trackWide = 0;
        for (int round = 0; round < Rounds; round++)
        {
            double cpu = ProcessCpu.Seconds().Total;
            split = await tracker.TrackAsync(d.File, media, 0, d.DurationSeconds, 1080, 1920, null, cancel);
            trackSplit += ProcessCpu.Seconds().Total - cpu;
            cpu = ProcessCpu.Seconds().Total;
            single = await tracker.TrackAsync(d.File, media, 0, d.DurationSeconds, 1080, 1920, null, cancel, ClipLayouts.Single);
            trackSingle += ProcessCpu.Seconds().Total - cpu;
            // the same split side by side in a 16:9 output (two columns' windows instead of two halves')
            cpu = ProcessCpu.Seconds().Total;
            wide = await tracker.TrackAsync(d.File, media, 0, d.DurationSeconds, 1920, 1080, null, cancel);
            trackWide += ProcessCpu.Seconds().Total - cpu;
        }

        var encoder = new ClipEncoder(new EncodeOptions());
        var clip = new ScoredClip(1, 0, d.DurationSeconds, 80, new Scores(80, 80, 80, 80), "bench", "bench");
        var output = Path.Combine(benchDir, "split-encode");
        double encodeSplit = 0, encodeSingle = 0;
        for (int round = 0; round < Rounds; round++)
        {
            double cpu = ProcessCpu.Seconds().Total;
            await encoder.EncodeAsync(new EncodeRequest(d.File, clip, [], split, 1080, 1920, output, "split"), null, cancel);
            encodeSplit += ProcessCpu.Seconds().Total - cpu;
            cpu = ProcessCpu.Seconds().Total;
            await encoder.EncodeAsync(new EncodeRequest(d.File, clip, [], single, 1080, 1920, output, "single"), null, cancel);
            encodeSingle += ProcessCpu.Seconds().Total - cpu;
        }

        Directory.Delete(output, true);
        stdout.WriteLine(string.Create(Inv,
            $"split layout, 720p overlapping dialogue of {d.DurationSeconds:0.0} s ({split.Layout}: {split.LayoutReason}), {Rounds} rounds: tracker CPU per clip "
            + $"{trackSplit / Rounds:0.00} s choosing split, {trackSingle / Rounds:0.00} s with the job's single (baseline), ratio {trackSplit / trackSingle:0.00}; "
            + $"encode CPU per clip at 1080x1920 {encodeSplit / Rounds:0.00} s split, {encodeSingle / Rounds:0.00} s single (baseline), ratio {encodeSplit / encodeSingle:0.00}; "
            + $"tracker CPU per clip choosing split for 1920x1080 {trackWide / Rounds:0.00} s against {trackSplit / Rounds:0.00} s for 1080x1920 (ratio {trackWide / trackSplit:0.00}; {wide.Layout}: {wide.LayoutReason})"));
    }

    /// <summary>The two-person dialogue of the active-speaker tests (or another script of it), built into the bench directory.</summary>
    internal static async Task<Dialogue> DialogueAsync(string benchDir, CancellationToken cancel, IReadOnlyList<DialogueLine>? script = null,
        string name = "dialogue.mp4")
    {
        using var detector = new BlazeFace(Assets.FaceModel());
        async Task<Speaker> SpeakerAsync(string photo, string voice)
        {
            var file = Assets.Photo(photo);
            var f = detector.Detect(await RgbFrame.ReadAsync(file, cancel)).OrderByDescending(x => x.Area).First();
            return new Speaker(file, new PhotoFace(f.X, f.Y, f.Width, f.Height, f.Keypoints[Face.Nose].Y), voice);
        }

        Directory.CreateDirectory(benchDir);
        return await TwoSpeakerMedia.BuildAsync(await SpeakerAsync("anne_helene.jpg", "slt"), await SpeakerAsync("jesper_2.jpg", "kal"),
            Path.Combine(benchDir, name), cancel: cancel, script: script);
    }

    /// <summary>
    /// What extra renditions cost the tracker (<c>--ratio 9:16,1:1,16:9</c>): CPU of this process and its ffmpegs tracking
    /// the two-person dialogue (faces, voice level, cuts) for 9:16 alone (the baseline) and for three ratios from one
    /// sampling pass, alternated. Also <c>clipper bench track-ratios</c> alone.
    /// </summary>
    public static async Task<int> RatiosAsync(string benchDir, TextWriter stdout, CancellationToken cancel)
    {
        var d = await DialogueAsync(benchDir, cancel);
        var media = await Probe.ProbeAsync(d.File, cancel);
        using var tracker = new FaceTracker(Assets.FaceModel(), new TrackOptions());
        (int, int)[] one = [(1080, 1920)];
        (int, int)[] three = [(1080, 1920), (1080, 1080), (1920, 1080)];
        await tracker.TrackAsync(d.File, media, 0, 3, three, null, cancel); // warm-up
        // the fits are cheap against the sampling: more rounds than the others to see the difference through the noise
        const int rounds = 2 * Rounds;
        double single = 0, several = 0;
        int frames = 0;
        for (int round = 0; round < rounds; round++)
        {
            double cpu = ProcessCpu.Seconds().Total;
            await tracker.TrackAsync(d.File, media, 0, d.DurationSeconds, one, null, cancel);
            single += ProcessCpu.Seconds().Total - cpu;
            cpu = ProcessCpu.Seconds().Total;
            frames = (await tracker.TrackAsync(d.File, media, 0, d.DurationSeconds, three, null, cancel)).SampledFrames;
            several += ProcessCpu.Seconds().Total - cpu;
        }

        stdout.WriteLine(string.Create(Inv,
            $"ratios, 720p two-person dialogue of {d.DurationSeconds:0.0} s, {rounds} rounds: tracker CPU per clip {single / rounds:0.00} s for 9:16 alone (baseline), "
            + $"{several / rounds:0.00} s for 9:16, 1:1 and 16:9 from one pass of {frames} sampled frames; ratio {several / single:0.00} "
            + $"(three separate passes: about {3 * single / rounds:0.00} s)"));
        return 0;
    }

    /// <summary>
    /// What putting each cut on its own frame costs (<see cref="TrackOptions.CutFrames"/>): CPU of this process and its
    /// ffmpegs tracking a cut-heavy 720p source with it and without it (the baseline), alternated.
    /// </summary>
    private static async Task CutFramesAsync(string benchDir, TextWriter stdout, CancellationToken cancel)
    {
        const double seconds = CutSeconds;
        var file = await CutSourceAsync(benchDir, cancel);
        var media = await Probe.ProbeAsync(file, cancel);
        using var exact = new FaceTracker(Assets.FaceModel(), new TrackOptions());
        using var midpoint = new FaceTracker(Assets.FaceModel(), new TrackOptions { CutFrames = false });
        await exact.TrackAsync(file, media, 0, 3, 1080, 1920, null, cancel); // warm-up
        await midpoint.TrackAsync(file, media, 0, 3, 1080, 1920, null, cancel);
        double with = 0, without = 0;
        string reason = "";
        for (int round = 0; round < Rounds; round++)
        {
            double cpu = ProcessCpu.Seconds().Total;
            reason = (await exact.TrackAsync(file, media, 0, seconds, 1080, 1920, null, cancel)).Reason ?? "";
            with += ProcessCpu.Seconds().Total - cpu;
            cpu = ProcessCpu.Seconds().Total;
            await midpoint.TrackAsync(file, media, 0, seconds, 1080, 1920, null, cancel);
            without += ProcessCpu.Seconds().Total - cpu;
        }

        int cuts = CutMedia.ShotStarts(seconds).Count - 1;
        stdout.WriteLine(string.Create(Inv,
            $"cut frames, 720p, {seconds:0} s with {cuts} cuts, {Rounds} rounds: CPU {with:0.0} s placing each cut on its frame, {without:0.0} s at the midpoint between samples (baseline); ratio {with / without:0.00}, {(with - without) / Rounds / cuts * 1000:0} ms per cut ({reason})"));
    }

    /// <summary>
    /// What the editor's framing (issue 20) adds to tracking as a whole: the tracker as it is against the tracker before it
    /// (<see cref="TrackOptions.FollowSpeaker"/>, <see cref="TrackOptions.CutFrames"/> and
    /// <see cref="TrackOptions.ScreenDetection"/> off; the layout per shot costs no decoding of its own), tracker CPU per
    /// clip of this process and its ffmpegs, alternated, on the two-person dialogue and on the cut-heavy 60 s source.
    /// </summary>
    public static async Task<int> FramingAsync(string benchDir, TextWriter stdout, CancellationToken cancel)
    {
        var dialogue = await DialogueAsync(benchDir, cancel);
        var cutFile = await CutSourceAsync(benchDir, cancel);
        using var now = new FaceTracker(Assets.FaceModel(), new TrackOptions());
        using var before = new FaceTracker(Assets.FaceModel(), new TrackOptions { FollowSpeaker = false, CutFrames = false, ScreenDetection = false });
        foreach (var (name, file, seconds) in new[] { ("two-person dialogue", dialogue.File, dialogue.DurationSeconds), ($"cut-heavy source ({CutMedia.ShotStarts(CutSeconds).Count - 1} cuts)", cutFile, CutSeconds) })
        {
            var media = await Probe.ProbeAsync(file, cancel);
            await now.TrackAsync(file, media, 0, 3, 1080, 1920, null, cancel); // warm-up
            await before.TrackAsync(file, media, 0, 3, 1080, 1920, null, cancel);
            double with = 0, without = 0;
            for (int round = 0; round < Rounds; round++)
            {
                with += await CpuOfAsync(() => now.TrackAsync(file, media, 0, seconds, 1080, 1920, null, cancel));
                without += await CpuOfAsync(() => before.TrackAsync(file, media, 0, seconds, 1080, 1920, null, cancel));
            }

            stdout.WriteLine(string.Create(Inv,
                $"framing, 720p {name} of {seconds:0.0} s, {Rounds} rounds: tracker CPU per clip {with / Rounds:0.00} s as it is, {without / Rounds:0.00} s "
                + $"with FollowSpeaker, CutFrames and ScreenDetection off (baseline, the tracker before issue 20); ratio {with / without:0.00}"));
        }

        return 0;
    }

    /// <summary>The length of the cut-heavy source (<see cref="CutMedia"/>) the cut-frame and framing benches share.</summary>
    private const double CutSeconds = 60;

    /// <summary>The cut-heavy 720p source of <see cref="CutSeconds"/>, built once into the bench directory.</summary>
    private static async Task<string> CutSourceAsync(string benchDir, CancellationToken cancel)
    {
        var file = Path.Combine(benchDir, "track-bench-cuts.mp4");
        if (!File.Exists(file))
        {
            await CutMedia.BuildAsync(file, CutSeconds, cancel: cancel);
        }

        return file;
    }

    /// <summary>The CPU seconds of this process and its children (ffmpeg) while <paramref name="work"/> runs.</summary>
    private static async Task<double> CpuOfAsync(Func<Task> work)
    {
        double cpu = ProcessCpu.Seconds().Total;
        await work();
        return ProcessCpu.Seconds().Total - cpu;
    }
}
