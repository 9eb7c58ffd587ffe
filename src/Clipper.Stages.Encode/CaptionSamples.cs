using System.Globalization;
using Clipper.Core.Processes;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Encode;

/// <summary>
/// One generated frame per caption preset (<c>clipper samples captions DIR</c>; the README shows them): a sample line
/// of words drawn by ffmpeg's libass, with the preset's ASS script as the encoder writes it, over a picture scaled
/// and cropped to the frame, at a moment when a word in the middle of the line is being spoken.
/// </summary>
public static class CaptionSamples
{
    /// <summary>The sample line: eight words of 0.4 s, 0.45 s apart.</summary>
    public static readonly IReadOnlyList<Word> Words =
        [.. "Every talk hides a story worth sharing today".Split(' ').Select((w, i) => new Word(w, i * 0.45, i * 0.45 + 0.4, 0.9))];

    /// <summary>The moment shown: the second word is being spoken (a frame time of the image's 1/25 s time base).</summary>
    public const double At = 0.6;

    /// <summary>
    /// Writes <paramref name="preset"/>'s frame to <paramref name="outFile"/> (a JPEG, <paramref name="width"/>×<paramref
    /// name="height"/>) over <paramref name="picture"/>; throws <see cref="Core.Errors.ErrorCode.CaptionFontMissing"/>
    /// when the preset's font is not installed and <see cref="Core.Errors.ErrorCode.ToolFailed"/> when ffmpeg fails.
    /// </summary>
    public static async Task WriteFrameAsync(CaptionPreset preset, string picture, int width, int height, string outFile,
        CancellationToken cancel = default)
    {
        var font = CaptionFont.Of(preset);
        var ass = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outFile))!, $".{preset.Name}.{Guid.NewGuid():N}.ass");
        await File.WriteAllTextAsync(ass, new Captions(Words, 4).Ass(width, height, new CaptionOptions(), font, preset), cancel);
        try
        {
            string at = (At * 25).ToString("0", CultureInfo.InvariantCulture);
            string filter = $"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height},setsar=1,"
                + $"setpts=PTS+{at},ass=filename={ClipEncoder.FilterValue(ass)}"
                + (font.Dir is null ? "" : ":fontsdir=" + ClipEncoder.FilterValue(font.Dir));
            await ProcessRunner.RunCheckedAsync(
                ["ffmpeg", "-nostdin", "-v", "error", "-y", "-framerate", "25", "-i", picture, "-vf", filter, "-frames:v", "1",
                    "-q:v", "5", "-f", "image2", outFile], TimeSpan.FromSeconds(60), cancel);
        }
        finally
        {
            File.Delete(ass);
        }
    }
}
