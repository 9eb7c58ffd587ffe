using System.Globalization;
using Clipper.Core.Processes;
using Clipper.Core.Samples;

namespace Clipper.Samples;

/// <summary>
/// Short sources for the layouts (issue 20), built from real photos: a slide with no face (a title, text lines and a
/// kphotoalbum landscape photo), a face shot (a kphotoalbum portrait filling a 16:9 frame), and a screen share (a slide
/// of real text with a kphotoalbum face small in a webcam corner, or without it, over real speech). The first two carry
/// silent stereo audio, as the encoder maps the source's first audio stream.
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

    /// <summary>The screen share's text: a title and bullet lines, drawn with a font that ships with the system (DejaVu).</summary>
    public static readonly IReadOnlyList<string> ScreenLines =
    [
        "Quarterly results and next steps", "Revenue grew by twelve percent", "Support tickets fell by a third",
        "Two new regions open in March", "Hiring plan for the platform team", "Risks and open questions",
    ];

    /// <summary>What the screen share's presenter says (flite's slt voice), so the source has real speech.</summary>
    public const string ScreenSpeech = "Let me share my screen. These are the results of the last quarter. Revenue grew and support tickets fell.";

    private const string TextFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    /// <summary>
    /// A <paramref name="width"/>×<paramref name="height"/> screen share for <paramref name="seconds"/> s: a slide of real
    /// text (<see cref="ScreenLines"/> drawn with DejaVu Sans, a dark title bar) and, when <paramref name="face"/>, the
    /// presenter's webcam in the bottom-right corner, a quarter of the frame wide (a kphotoalbum portrait, default
    /// jesper_2.jpg, head and shoulders: its face about a seventh of the frame's height); speech (<see cref="ScreenSpeech"/>) as its sound.
    /// </summary>
    public static async Task ScreenShareAsync(string outMp4, double seconds, bool face = true, int width = 1280, int height = 720,
        string photo = "jesper_2.jpg", CancellationToken cancel = default)
    {
        var dir = Directory.CreateTempSubdirectory("clipper-screen").FullName;
        try
        {
            var speech = Path.Combine(dir, "speech.txt");
            await File.WriteAllTextAsync(speech, ScreenSpeech, cancel);
            int bar = height / 6;
            int camW = width / 4 - width / 4 % 2, camH = camW * 3 / 4 - camW * 3 / 4 % 2;
            int margin = width / 64 - width / 64 % 2;
            var text = new List<string>();
            for (int i = 0; i < ScreenLines.Count; i++)
            {
                var file = Path.Combine(dir, $"line{i}.txt");
                await File.WriteAllTextAsync(file, (i == 0 ? "" : "- ") + ScreenLines[i], cancel);
                text.Add(i == 0
                    ? string.Create(Inv, $"drawtext=fontfile={TitleFont}:textfile={file}:fontcolor=white:fontsize={bar / 2}:x={width / 16}:y={bar / 4}")
                    : string.Create(Inv, $"drawtext=fontfile={TextFont}:textfile={file}:fontcolor=0x202530:fontsize={height / 18}:x={width / 16}:y={bar + i * height / 9}"));
            }

            string slide = string.Create(Inv, $"[0:v]drawbox=x=0:y=0:w={width}:h={bar}:color=0x1E2A44:t=fill,") + string.Join(',', text);
            string graph = face
                ? slide + string.Create(Inv, $"[s];[1:v]scale={camW}:{camH}:force_original_aspect_ratio=increase,crop={camW}:{camH},setsar=1[cam];")
                    + string.Create(Inv, $"[s][cam]overlay=x={width - camW - margin}:y={height - camH - margin}:shortest=1,format=yuv420p[v]")
                : slide + ",format=yuv420p[v]";
            await ProcessRunner.RunCheckedAsync(
            [
                "ffmpeg", "-nostdin", "-v", "error", "-y",
                "-f", "lavfi", "-i", string.Create(Inv, $"color=c=0x{SlideBackground:X6}:s={width}x{height}:r=25:d={seconds}"),
                "-loop", "1", "-framerate", "25", "-i", Assets.Photo(photo),
                "-f", "lavfi", "-i", $"flite=textfile={speech}:voice=slt",
                "-filter_complex", graph + ";[2:a]aresample=48000,apad[a]",
                "-map", "[v]", "-map", "[a]", "-t", seconds.ToString(Inv), "-c:v", "libx264", "-preset", "ultrafast", "-crf", "20",
                "-c:a", "aac", "-ac", "2", outMp4,
            ], TimeSpan.FromMinutes(2), cancel);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
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
