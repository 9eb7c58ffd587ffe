using System.Globalization;
using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Media;
using Clipper.Core.Processes;
using Clipper.Core.Samples;
using Clipper.Samples;
using Clipper.Stages.Encode;
using Clipper.Stages.Track;

namespace Clipper.Host.Cli;

/// <summary>
/// <c>clipper samples layouts [DIR]</c>: one generated frame of each aspect ratio (<c>DIR/ratio-9x16.jpg</c>, …: a
/// kphotoalbum face tracked and cropped, the sample caption line burned in) and of the fit layout (<c>DIR/fit.jpg</c>:
/// a slide with no face, 9:16), of the split layout (<c>DIR/split.jpg</c>: two kphotoalbum faces talking at once, 9:16,
/// stacked; <c>DIR/split-16x9.jpg</c> and <c>DIR/split-1x1.jpg</c>: the same side by side)
/// and of the screen layout (<c>DIR/screen.jpg</c>: a slide of real text with a kphotoalbum face in the webcam corner, 9:16).
/// Each is a real clip: the tracker chooses the layout (auto) and the encoder renders it,
/// at a quarter of the ratio's size; the frame is the one at <see cref="CaptionSamples.At"/>.
/// </summary>
public static class LayoutSamples
{
    private const double Seconds = 2;

    /// <summary>The split sample's clip: long enough for the tracker to see both faces talk (a shot under SplitMinShot is not split).</summary>
    private const double SplitSeconds = 6;

    /// <summary>A quarter-size output of the ratio's exact shape, both sides even (270×480 for 9:16, 272×340 for 4:5).</summary>
    public static (int Width, int Height) SampleSize(AspectRatio ratio)
    {
        int a = ratio.Width, b = ratio.Height;
        int g = a;
        for (int r = b; r != 0;)
        {
            (g, r) = (r, g % r);
        }

        (a, b) = (a / g, b / g);
        int k = (int)Math.Ceiling(270.0 / Math.Min(a, b));
        while (k * a % 2 != 0 || k * b % 2 != 0)
        {
            k++;
        }

        return (k * a, k * b);
    }

    public static string FileName(AspectRatio ratio) => "ratio-" + ratio.Name.Replace(':', 'x') + ".jpg";

    public static async Task<int> WriteAsync(TextWriter stdout, string dirArg, CancellationToken cancel)
    {
        var dir = Path.GetFullPath(dirArg);
        Directory.CreateDirectory(dir);
        var work = Path.Combine(dir, ".work-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            var face = Path.Combine(work, "face.mp4");
            var slide = Path.Combine(work, "slide.mp4");
            await LayoutMedia.FaceShotAsync(face, Seconds, cancel: cancel);
            await LayoutMedia.SlideAsync(slide, Seconds, cancel: cancel);
            using var tracker = new FaceTracker(Assets.FaceModel(), new TrackOptions());
            var encoder = new ClipEncoder(new EncodeOptions());
            foreach (var ratio in AspectRatio.All)
            {
                var path = await WriteFrameAsync(tracker, encoder, face, ratio, work, Path.Combine(dir, FileName(ratio)), cancel);
                stdout.WriteLine($"{ratio.Name,-5} {FileName(ratio),-16} layout {path.Layout} ({path.LayoutReason})");
            }

            var fit = await WriteFrameAsync(tracker, encoder, slide, AspectRatio.Vertical, work, Path.Combine(dir, "fit.jpg"), cancel);
            stdout.WriteLine($"{"9:16",-5} {"fit.jpg",-16} layout {fit.Layout} ({fit.LayoutReason})");
            // two people talking at once: the overlapping dialogue of the split tests, its first seconds
            var dialogue = await Bench.TrackBench.DialogueAsync(work, cancel, TwoSpeakerMedia.Overlapping, "overlap.mp4");
            var split = await WriteFrameAsync(tracker, encoder, dialogue.File, AspectRatio.Vertical, work, Path.Combine(dir, "split.jpg"), cancel,
                SplitSeconds);
            stdout.WriteLine($"{"9:16",-5} {"split.jpg",-16} layout {split.Layout} ({split.LayoutReason})");
            // the same two side by side in the wide and square outputs
            foreach (var ratio in new[] { AspectRatio.Landscape, AspectRatio.Square })
            {
                string name = "split-" + ratio.Name.Replace(':', 'x') + ".jpg";
                var columns = await WriteFrameAsync(tracker, encoder, dialogue.File, ratio, work, Path.Combine(dir, name), cancel, SplitSeconds);
                stdout.WriteLine($"{ratio.Name,-5} {name,-16} layout {columns.Layout} ({columns.LayoutReason})");
            }

            var share = Path.Combine(work, "screen-share.mp4");
            await LayoutMedia.ScreenShareAsync(share, Seconds, cancel: cancel);
            var screen = await WriteFrameAsync(tracker, encoder, share, AspectRatio.Vertical, work, Path.Combine(dir, "screen.jpg"), cancel);
            stdout.WriteLine($"{"9:16",-5} {"screen.jpg",-16} layout {screen.Layout} ({screen.LayoutReason})");
            return 0;
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }

    private static async Task<CropPath> WriteFrameAsync(FaceTracker tracker, ClipEncoder encoder, string source, AspectRatio ratio,
        string work, string jpeg, CancellationToken cancel, double seconds = Seconds)
    {
        var (w, h) = SampleSize(ratio);
        var media = await Probe.ProbeAsync(source, cancel);
        var path = await tracker.TrackAsync(source, media, 0, seconds, w, h, null, cancel);
        var clip = new ScoredClip(1, 0, seconds, 80, new Scores(80, 80, 80, 80), "sample", "sample");
        var stem = "sample-" + Path.GetFileNameWithoutExtension(jpeg);
        var encoded = await encoder.EncodeAsync(new EncodeRequest(source, clip, CaptionSamples.Words, path, w, h, work, stem), null, cancel);
        await ProcessRunner.RunCheckedAsync(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", CaptionSamples.At.ToString("0.00", CultureInfo.InvariantCulture),
            "-i", encoded.Video, "-frames:v", "1", "-q:v", "5", "-f", "image2", jpeg,
        ], TimeSpan.FromSeconds(60), cancel);
        return path;
    }
}
