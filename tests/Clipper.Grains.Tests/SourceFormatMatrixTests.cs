using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Clipper.Abstractions.Jobs;
using Clipper.Core;
using Clipper.Core.Crop;
using Clipper.Core.Media;
using Clipper.Core.Processes;
using Clipper.Core.Samples;
using Clipper.Samples;
using Clipper.Stages.Track;
using Clipper.TestSupport;

namespace Clipper.Grains.Tests;

/// <summary>
/// A file as phones, cameras, broadcast captures, screen recorders and web downloads write it, made with ffmpeg
/// from the sample talk. <paramref name="Args"/> follow <c>-i talk.mp4</c> (a second <c>-i</c> may follow too);
/// <paramref name="Then"/>, when given, is a second, stream-copying pass over the first file (metadata only).
/// <paramref name="SpeechShift"/> is how much later the speech sits in the file's presentation time than in the
/// talk; <paramref name="SlowestFps"/> the lowest frame rate anywhere in it (a clip's length is checked to two of
/// its frames); <paramref name="Holds"/> checks that the file really is what its name says.
/// </summary>
public sealed record FormatVariant(string Name, string Extension, string[] Args, string[]? Then, double SpeechShift, double SlowestFps,
    Func<MediaInfo, bool> Holds, string Claim)
{
    public override string ToString() => Name;
}

/// <summary>Builds every variant once (cached by its recipe) and submits one job per variant to one silo, all at once.</summary>
public sealed class FormatMatrixFixture : IAsyncLifetime
{
    public static readonly ClipSettings Settings = new(MaxClips: 1, MinSeconds: 15, MaxSeconds: 20, Width: 270, Height: 480);

    private static readonly string[] H264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "26"];

    /// <summary>A close-up talk (jesper_2.jpg panning under a 640x360 frame): the tracker finds this face in nearly every frame.</summary>
    public static Task<BuiltMedia> TalkAsync() =>
        TestMedia.CachedTalkAsync("formats-talk", SampleVideo.Talk(0.5), new Look(640, 360, 25, 100, 6), "jesper_2.jpg");

    public static readonly IReadOnlyList<FormatVariant> Variants =
    [
        // the failing file: ffmpeg's TS muxer starts the clock at 1.4 s, as broadcast captures start anywhere
        new("ts-h264-aac-start-1.4s", "ts", [.. H264, "-c:a", "aac", "-f", "mpegts"], null, 0, 25,
            m => m.Timing.StartSeconds > 1.3, "an MPEG-TS starting at 1.4 s"),
        new("ts-mpeg2-mp2-interlaced", "ts",
            ["-c:v", "mpeg2video", "-flags", "+ilme+ildct", "-top", "1", "-q:v", "4", "-c:a", "mp2", "-ar", "48000", "-ac", "2", "-b:a", "192k", "-f", "mpegts"], null, 0, 25,
            m => m.Timing.Interlaced && m.Timing.StartSeconds > 1.3 && m.VideoCodec == "mpeg2video", "interlaced MPEG-2 (top field first) in TS"),
        new("mp4-start-10s-22050hz-mono", "mp4", [.. H264, "-c:a", "aac", "-ar", "22050", "-ac", "1", "-output_ts_offset", "10"], null, 0, 25,
            m => m.Timing.StartSeconds > 9.9 && m.Timing.SampleRate == 22050 && m.Timing.Channels == 1, "an MP4 starting at 10 s, 22050 Hz mono"),
        // a phone held upright: the sensor's pixels turned a quarter, with a display matrix turning them back, frames at a varying rate
        new("mov-phone-rotated-vfr", "mov",
            ["-vf", "transpose=clock,select='lt(mod(t\\,4)\\,2)+not(mod(n\\,2))'", "-vsync", "vfr", .. H264, "-c:a", "aac", "-f", "mov"],
            ["-c", "copy", "-metadata:s:v:0", "rotate=90", "-f", "mov"], 0, 12.5,
            m => m.Timing.QuarterTurn && m.Timing.VariableFrameRate && (m.Width, m.Height) == (640, 360),
            "a rotated (display matrix 90°) variable-frame-rate phone video"),
        new("webm-vp9-opus", "webm",
            ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "600k", "-c:a", "libopus", "-f", "webm"], null, 0, 25,
            m => m.VideoCodec == "vp9" && m.AudioCodec == "opus", "VP9 and Opus in WebM"),
        // the sound half a second behind the picture's start: word times must be counted from the container's start
        new("mkv-h264-5.1-audio-late", "mkv",
            ["-itsoffset", "0.5", "-i", "{talk}", "-map", "0:v:0", "-map", "1:a:0", .. H264, "-c:a", "aac", "-ac", "6", "-f", "matroska"], null, 0.5, 25,
            m => m.Timing.Channels == 6 && m.Timing.AudioDelaySeconds > 0.4, "5.1 sound starting 0.5 s after the picture, in Matroska"),
        new("avi-mjpeg-pcm-11025hz", "avi", ["-c:v", "mjpeg", "-q:v", "5", "-c:a", "pcm_s16le", "-ar", "11025", "-ac", "1", "-f", "avi"], null, 0, 25,
            m => m.VideoCodec == "mjpeg" && m.Timing.SampleRate == 11025, "Motion JPEG with 11025 Hz PCM in AVI"),
    ];

    private readonly string _home = TestMedia.TempDir("formats-home");
    private readonly Dictionary<string, (string File, string JobId)> _jobs = [];

    public JobCluster Cluster { get; private set; } = null!;

    public BuiltMedia Talk { get; private set; } = null!;

    public BlazeFace Detector { get; } = new(Assets.FaceModel());

    public string Dir => _home;

    public (string File, string JobId) Job(string variant) => _jobs[variant];

    public async ValueTask InitializeAsync()
    {
        Talk = await TalkAsync();
        Cluster = await JobCluster.StartAsync(1, _home);
        // every variant built first (the cluster idles meanwhile), then every job submitted at once, so fetches,
        // transcriptions and encodes of different variants overlap
        var files = new Dictionary<string, string>();
        foreach (var v in Variants)
        {
            files[v.Name] = await BuildAsync(v, Talk.File);
        }

        foreach (var v in Variants)
        {
            var id = Jobs.NewId("fmt-" + v.Name.Split('-')[0]);
            await Cluster.Grains.GetGrain<IVideoJobGrain>(id).Submit(new JobSpec(files[v.Name], Settings));
            _jobs[v.Name] = (files[v.Name], id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Detector.Dispose();
        Directory.Delete(_home, true);
    }

    /// <summary>Makes the variant beside the cached talks, named by a hash of its recipe so a changed recipe is rebuilt.</summary>
    private static async Task<string> BuildAsync(FormatVariant v, string talk)
    {
        var recipe = string.Join('\u0001', [talk, .. v.Args, "|", .. v.Then ?? []]);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recipe)))[..10];
        var dir = Path.Combine(TestMedia.CacheDir(), "formats");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, $"{v.Name}-{hash}.{v.Extension}");
        if (File.Exists(file))
        {
            return file;
        }

        var args = v.Args.Select(a => a == "{talk}" ? talk : a).ToArray();
        var first = Path.Combine(dir, $".{v.Name}-{Guid.NewGuid():N}.{v.Extension}");
        await TestMedia.FfmpegAsync(first, ["-i", talk, .. args]);
        if (v.Then is { } then)
        {
            var second = Path.Combine(dir, $".{v.Name}-{Guid.NewGuid():N}.{v.Extension}");
            await TestMedia.FfmpegAsync(second, ["-i", first, .. then]);
            File.Delete(first);
            first = second;
        }

        File.Move(first, file, overwrite: true);
        return file;
    }
}

/// <summary>
/// The files users actually have (issue 16): each variant clipped end to end by a real job on one silo, and every
/// clip checked for its length (within two of the source's frames of the plan), its size (the requested 270x480,
/// rotation honoured), its sound (48 kHz stereo, not silent) and the face in frame (the tracker's window holds the
/// face the detector finds in the source's upright frames); its start lies on a spoken sentence's start in the file's
/// own presentation time.
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "media")]
public sealed class SourceFormatMatrixTests(FormatMatrixFixture fixture) : IClassFixture<FormatMatrixFixture>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static TheoryData<string> VariantNames => [.. FormatMatrixFixture.Variants.Select(v => v.Name)];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(VariantNames))]
    public async Task EveryClipOfTheVariantHasItsLengthSizeSoundAndFace(string name)
    {
        var variant = FormatMatrixFixture.Variants.Single(v => v.Name == name);
        var (file, id) = fixture.Job(name);
        var source = await Probe.ProbeAsync(file, Token);
        Assert.True(variant.Holds(source), $"{name} is not {variant.Claim}: {source} {source.Timing}");

        var v = await fixture.Cluster.WaitAsync(id, v => v.Status.IsTerminal(), TimeSpan.FromMinutes(5));

        Assert.True(v.Status == JobStatus.Completed, $"{name}: {v.Status} {v.Error?.Code}: {v.Error?.Message}");
        Assert.NotEmpty(v.Clips);
        foreach (var c in v.Clips)
        {
            var plan = c.End - c.Start;
            var e = v.Encoded[c.Index];
            var clip = Path.Combine(fixture.Cluster.BlobDir, e.VideoKey);
            var made = await Probe.ProbeAsync(clip, Token);

            // length: within two of the source's slowest frames (and an audio frame) of the planned window
            double tolerance = 2 / variant.SlowestFps + 0.03;
            Assert.True(Math.Abs(made.DurationSeconds - plan) <= tolerance,
                $"{name} clip {c.Index}: lasts {made.DurationSeconds:0.000} s, planned {plan:0.000} s (±{tolerance:0.000})");

            // size, as displayed
            Assert.Equal((FormatMatrixFixture.Settings.Width, FormatMatrixFixture.Settings.Height), (made.Width, made.Height));
            Assert.Equal(0, made.Timing.Rotation);

            // sound: an audio stream at the rate and layout players expect, and speech in it
            Assert.True(made.HasAudio, $"{name} clip {c.Index} has no audio");
            Assert.Equal((48000, 2), (made.Timing.SampleRate, made.Timing.Channels));
            var (mean, max) = await VolumeAsync(clip);
            Assert.True(mean > -40 && max > -20, $"{name} clip {c.Index}: mean {mean:0.0} dB, max {max:0.0} dB");

            // the face: the tracker followed it, and its window holds the face wherever the detector sees it in the
            // source's frames (decoded upright, at the clip's presentation times)
            var tracked = v.Tracked[c.Index];
            Assert.True(tracked.Method == "face", $"{name} clip {c.Index}: {tracked.Method}, {tracked.Reason}");
            var crop = Json.Deserialize<CropPath>(await File.ReadAllTextAsync(Path.Combine(fixture.Cluster.BlobDir, tracked.CropKey), Token));
            Assert.Equal((640, 360), (crop.SourceWidth, crop.SourceHeight));
            var (seen, inside) = await FacesInsideTheWindowAsync(file, c.Start, plan, crop);
            Assert.True(seen >= 5 && inside == seen, $"{name} clip {c.Index}: a face seen in {seen} of 7 source frames, inside the window in {inside}");

            // time base: the clip starts where a sentence starts in the file's presentation time
            var starts = fixture.Talk.Sentences.Select(s => s.Start + variant.SpeechShift).ToList();
            double nearest = starts.MinBy(s => Math.Abs(s - c.Start));
            Assert.True(Math.Abs(nearest - c.Start) < 0.5,
                $"{name} clip {c.Index} starts at {c.Start:0.00} s; the nearest sentence starts at {nearest:0.00} s");
            Measurements.Record(string.Create(Inv,
                $"formats {name}: clip {c.Index} {made.DurationSeconds:0.000} s for {plan:0.000} s planned, {made.Width}x{made.Height}, "
                + $"mean {mean:0.0} dB, face inside the window in {inside}/{seen} frames it was seen in, "
                + $"start {c.Start - nearest:+0.00;-0.00} s from the sentence"));
        }
    }

    /// <summary>
    /// Decodes seven frames of the source spread over the clip in one pass (decoding from the start, exact in any
    /// container, with ffmpeg turning rotated video upright), finds the face in each, and counts those where one was
    /// found and those where its centre lies in the crop window as it stands at that moment (the last keyframe at or
    /// before it).
    /// </summary>
    private async Task<(int Seen, int Inside)> FacesInsideTheWindowAsync(string source, double start, double duration, CropPath crop)
    {
        const int Frames = 7;
        var dir = Directory.CreateDirectory(Path.Combine(fixture.Dir, $"frames-{Guid.NewGuid():N}")).FullName;
        var times = Enumerable.Range(1, Frames).Select(i => duration * i / (Frames + 1)).ToList();
        // trim keeps the clip's span of presentation time (ffmpeg counts it from the container's start), and select
        // passes the first frame at or after each time
        var pick = string.Join('+', times.Select(t => string.Create(Inv,
            $"gte(t\\,{t:0.000})*(isnan(prev_selected_t)+lt(prev_selected_t\\,{t:0.000}))")));
        await TestMedia.FfmpegAsync(Path.Combine(dir, "f%d.png"), "-i", source, "-map", "0:v:0", "-vf",
            string.Create(Inv, $"trim=start={start:0.000}:duration={duration:0.000},setpts=PTS-STARTPTS,select='{pick}'"), "-vsync", "vfr");
        int seen = 0, inside = 0;
        for (int i = 0; i < Frames; i++)
        {
            var png = Path.Combine(dir, $"f{i + 1}.png");
            Assert.True(File.Exists(png), $"frame {i + 1} of {Frames} at {times[i]:0.00} s was not decoded");
            var frame = await RgbFrame.ReadAsync(png, Token);
            var face = fixture.Detector.Detect(frame).MaxBy(f => f.Score);
            if (face is null)
            {
                continue;
            }

            seen++;
            var window = crop.Keyframes.Where(k => k.T <= times[i]).MaxBy(k => k.T) ?? crop.Keyframes.MinBy(k => k.T)!;
            double centre = face.X + face.Width / 2;
            if (centre >= window.X && centre <= window.X + crop.Width)
            {
                inside++;
            }
        }

        Directory.Delete(dir, true);
        return (seen, inside);
    }

    private static async Task<(double Mean, double Max)> VolumeAsync(string clip)
    {
        var r = await ProcessRunner.RunCheckedAsync(
            ["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", clip, "-map", "0:a:0", "-af", "volumedetect", "-f", "null", "-"],
            TimeSpan.FromMinutes(1));
        return (Level(r.StderrTail, "mean_volume:"), Level(r.StderrTail, "max_volume:"));
    }

    private static double Level(string stderr, string key)
    {
        var line = stderr.Split('\n').Last(l => l.Contains(key, StringComparison.Ordinal));
        var text = line[(line.IndexOf(key, StringComparison.Ordinal) + key.Length)..].Replace("dB", "", StringComparison.Ordinal).Trim();
        return double.Parse(text, NumberStyles.Float, Inv);
    }
}
