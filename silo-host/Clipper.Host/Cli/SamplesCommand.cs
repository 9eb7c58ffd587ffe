using System.Globalization;
using Clipper.Core.Samples;
using Clipper.Stages.Encode;

namespace Clipper.Host.Cli;

/// <summary>
/// <c>clipper samples captions [DIR]</c>: writes one generated frame of each caption preset, <c>DIR/&lt;preset&gt;.jpg</c>
/// (360×640, the sample line over a kphotoalbum demo photo; default DIR docs/captions, where the README's frames live).
/// <c>clipper samples layouts [DIR]</c>: one frame of each aspect ratio and of the fit layout (<see cref="LayoutSamples"/>).
/// </summary>
public sealed class SamplesCommand(TextWriter stdout)
{
    public const int Width = 360;
    public const int Height = 640;

    public async Task<int> RunAsync(SamplesLine line, CancellationToken cancel)
    {
        if (line.What == "layouts")
        {
            return await LayoutSamples.WriteAsync(stdout, line.Dir ?? Path.Combine("docs", "layouts"), cancel);
        }

        var dir = Path.GetFullPath(line.Dir ?? Path.Combine("docs", "captions"));
        Directory.CreateDirectory(dir);
        var photo = Assets.Photo("jesper.jpg");
        foreach (var preset in CaptionPresets.All)
        {
            var file = Path.Combine(dir, preset.Name + ".jpg");
            await CaptionSamples.WriteFrameAsync(preset, photo, Width, Height, file, cancel);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{preset.Name,-12} {file} ({new FileInfo(file).Length / 1024.0:0} KB): {preset.Description}"));
        }

        return 0;
    }
}
