using System.Globalization;
using System.Text;
using Clipper.Core.Processes;
using Clipper.Core.Samples;

namespace Clipper.Samples;

/// <summary>
/// A cut-heavy source (issue 20, shot changes), built from real photos: still shots of three kphotoalbum portraits by
/// turns, each framed left or right of the frame, with hard cuts every 2.2–3.6 s at times off a 5 fps grid. Video
/// only, 25 fps, encoded as a camera would (x264 with its own keyframe placement, so a cut is not always a keyframe).
/// </summary>
public static class CutMedia
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly string[] Photos = ["jesper_2.jpg", "anne_helene.jpg", "new_wave_1.jpg"];

    /// <summary>Shot lengths in turn: whole frames at 25 fps, none a multiple of 0.2 s.</summary>
    private static readonly double[] Lengths = [2.24, 3.12, 2.72, 3.56, 2.48];

    /// <summary>The shots' start times for a source of <paramref name="seconds"/> s.</summary>
    public static IReadOnlyList<double> ShotStarts(double seconds)
    {
        var starts = new List<double>();
        for (double t = 0; t < seconds - 1e-9; t += Lengths[(starts.Count - 1) % Lengths.Length])
        {
            starts.Add(Math.Round(t, 3));
        }

        return starts;
    }

    /// <summary>Writes the source to <paramref name="outMp4"/>: <paramref name="width"/>×<paramref name="height"/>, about <paramref name="seconds"/> s.</summary>
    public static async Task BuildAsync(string outMp4, double seconds, int width = 1280, int height = 720, CancellationToken cancel = default)
    {
        var starts = ShotStarts(seconds);
        var cmd = new List<string> { "ffmpeg", "-nostdin", "-v", "error", "-y" };
        var filter = new StringBuilder();
        for (int i = 0; i < starts.Count; i++)
        {
            double length = (i + 1 < starts.Count ? starts[i + 1] : seconds) - starts[i];
            cmd.AddRange(["-loop", "1", "-framerate", "25", "-t", length.ToString("0.###", Inv), "-i", Assets.Photo(Photos[i % Photos.Length])]);
            // the photo scaled to half again the frame's width, shown from its left or its right edge by turns, the
            // rows around a third of its height (where these portraits' faces are)
            int scaled = width * 3 / 2 - width * 3 / 2 % 2;
            int x = i % 2 == 0 ? 0 : scaled - width;
            filter.Append(Inv, $"[{i}:v]scale={scaled}:-2,crop={width}:{height}:{x}:'max(0,ih*0.35-{height / 2})',setsar=1,format=yuv420p[v{i}];");
        }

        for (int i = 0; i < starts.Count; i++)
        {
            filter.Append(Inv, $"[v{i}]");
        }

        filter.Append(Inv, $"concat=n={starts.Count}:v=1:a=0[v]");
        cmd.AddRange(["-filter_complex", filter.ToString(), "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", outMp4]);
        await ProcessRunner.RunCheckedAsync(cmd, TimeSpan.FromMinutes(5), cancel);
    }
}
