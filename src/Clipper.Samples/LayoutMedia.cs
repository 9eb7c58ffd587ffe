using System.Globalization;
using Clipper.Core.Processes;
using Clipper.Core.Samples;

namespace Clipper.Samples;

/// <summary>
/// Short sources for the layouts (issue 20), built from real photos: a slide with no face (a title, text lines and a
/// kphotoalbum landscape photo) and a face shot (a kphotoalbum portrait filling a 16:9 frame). Both carry silent
/// stereo audio, as the encoder maps the source's first audio stream.
/// </summary>
public static class LayoutMedia
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The slide's background: an off-white far from black, so a black bar anywhere stands out.</summary>
    public const int SlideBackground = 0xF2F0EA;

    private const string TitleFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

    /// <summary>
    /// A <paramref name="width"/>×<paramref name="height"/> slide for <paramref name="seconds"/> s: a dark title bar
    /// with a title, four grey text lines on the left, the Grand Canyon (kphotoalbum) on the right. No face anywhere.
    /// </summary>
    public static async Task SlideAsync(string outMp4, double seconds, int width = 1280, int height = 720, CancellationToken cancel = default)
    {
        int bar = height / 6;
        int photoW = width * 9 / 20 - width * 9 / 20 % 2;
        int photoH = height * 3 / 5 - height * 3 / 5 % 2;
        int photoX = width - photoW - width / 20;
        int photoY = bar + (height - bar - photoH) / 2;
        var lines = string.Join(',', Enumerable.Range(0, 4).Select(i =>
            string.Create(Inv, $"drawbox=x={width / 16}:y={bar + height / 8 + i * height / 8}:w={width * (7 - i % 2) / 16}:h={height / 28}:color=0x8A8F99:t=fill")));
        string title = File.Exists(TitleFont)
            ? string.Create(Inv, $",drawtext=fontfile={TitleFont}:text=Three canyons in one day:fontcolor=white:fontsize={bar / 2}:x={width / 16}:y={bar / 4}")
            : "";
        await ProcessRunner.RunCheckedAsync(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", string.Create(Inv, $"color=c=0x{SlideBackground:X6}:s={width}x{height}:r=25:d={seconds}"),
            "-loop", "1", "-framerate", "25", "-i", Assets.Photo("grand_canyon_3.jpg"),
            "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo",
            "-filter_complex",
            string.Create(Inv, $"[1:v]scale={photoW}:{photoH}:force_original_aspect_ratio=increase,crop={photoW}:{photoH},setsar=1[p];")
            + string.Create(Inv, $"[0:v]drawbox=x=0:y=0:w={width}:h={bar}:color=0x1E2A44:t=fill{title},{lines}[s];")
            + string.Create(Inv, $"[s][p]overlay=x={photoX}:y={photoY}:shortest=1,format=yuv420p[v]"),
            "-map", "[v]", "-map", "2:a", "-t", seconds.ToString(Inv), "-c:v", "libx264", "-preset", "ultrafast", "-crf", "20",
            "-c:a", "aac", "-shortest", outMp4,
        ], TimeSpan.FromMinutes(2), cancel);
    }

    /// <summary>
    /// A <paramref name="width"/>×<paramref name="height"/> shot of a kphotoalbum portrait (default jesper.jpg: one
    /// real face) as tall as the frame, left of centre on a plain dark wall, still, for <paramref name="seconds"/> s.
    /// </summary>
    public static async Task FaceShotAsync(string outMp4, double seconds, int width = 1280, int height = 720, string photo = "jesper.jpg",
        CancellationToken cancel = default) =>
        await ProcessRunner.RunCheckedAsync(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", string.Create(Inv, $"color=c=0x283038:s={width}x{height}:r=25:d={seconds}"),
            "-loop", "1", "-framerate", "25", "-i", Assets.Photo(photo),
            "-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo",
            "-filter_complex",
            string.Create(Inv, $"[1:v]scale=-2:{height},setsar=1[p];[0:v][p]overlay=x={width / 10}:y=0:shortest=1,format=yuv420p[v]"),
            "-map", "[v]", "-map", "2:a", "-t", seconds.ToString(Inv), "-c:v", "libx264", "-preset", "ultrafast", "-crf", "20",
            "-c:a", "aac", "-shortest", outMp4,
        ], TimeSpan.FromMinutes(2), cancel);
}
