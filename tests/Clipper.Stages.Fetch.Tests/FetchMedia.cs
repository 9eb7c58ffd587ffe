using System.Security.Cryptography;
using Clipper.Core.Samples;
using Clipper.Samples;
using Clipper.TestSupport;

namespace Clipper.Stages.Fetch.Tests;

/// <summary>
/// Small real media for the fetch tests, built with ffmpeg on first use and cached under
/// <c>.test-media/fetch/</c> (the tests only ever read them, which one test checks).
/// </summary>
public static class FetchMedia
{
    /// <summary>About six seconds of a real face and real (synthesised) speech, H.264 + AAC, index in front.</summary>
    public static Task<BuiltMedia> TalkAsync() =>
        TestMedia.CachedTalkAsync("fetch-talk",
            ["Clipper fetches this video before anything else.", "Then it checks that people can hear it."],
            new Look(640, 360, 15, 60, 4));

    /// <summary>A test pattern with whatever audio <paramref name="audioSource"/> (a lavfi source, or null for none) makes.</summary>
    public static Task<string> PatternAsync(string name, double seconds, string? audioSource, bool faststart) =>
        CachedAsync(name, target =>
        {
            var args = new List<string> { "-f", "lavfi", "-i", $"testsrc2=size=640x360:rate=15:duration={seconds}" };
            if (audioSource is not null)
            {
                args.AddRange(["-f", "lavfi", "-i", $"{audioSource}:duration={seconds}"]);
            }

            args.AddRange(["-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p"]);
            if (audioSource is not null)
            {
                args.AddRange(["-c:a", "aac", "-b:a", "64k"]);
            }

            if (faststart)
            {
                args.AddRange(["-movflags", "+faststart"]);
            }

            return TestMedia.FfmpegAsync(target, [.. args]);
        });

    /// <summary>A long, tiny video (160x90 at 1 fps, so it builds in seconds) whose tone is muted for the first <paramref name="silentSeconds"/>.</summary>
    public static Task<string> LongVideoAsync(string name, double seconds, double silentSeconds) =>
        CachedAsync(name, target => TestMedia.FfmpegAsync(target,
            "-f", "lavfi", "-i", $"testsrc2=size=160x90:rate=1:duration={seconds}",
            "-f", "lavfi", "-i", $"sine=frequency=440:duration={seconds}",
            "-filter_complex", $"[1:a]volume=volume=0:enable='lt(t,{silentSeconds})'[a]", "-map", "0:v", "-map", "[a]",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-c:a", "aac", "-b:a", "32k", "-movflags", "+faststart"));

    /// <summary>Speech-like tone as AAC in M4A, with the photo as its cover picture (what music files look like).</summary>
    public static Task<string> AudioWithCoverAsync() =>
        CachedAsync("song.m4a", target => TestMedia.FfmpegAsync(target,
            "-f", "lavfi", "-i", "sine=frequency=300:duration=6", "-i", Assets.Photo("jesper.jpg"), "-map", "0:a", "-map", "1:v",
            "-c:a", "aac", "-c:v", "mjpeg", "-vf", "scale=160:-2", "-disposition:v:0", "attached_pic"));

    public static Task<string> WavAsync() =>
        CachedAsync("speech.wav", target => TestMedia.FfmpegAsync(target,
            "-f", "lavfi", "-i", "sine=frequency=300:duration=6", "-ac", "1", "-ar", "16000"));

    /// <summary>The first <paramref name="fraction"/> of a file's bytes, as <c>head -c</c> would cut it.</summary>
    public static async Task<string> CutAsync(string source, double fraction, string output)
    {
        var all = await File.ReadAllBytesAsync(source);
        await File.WriteAllBytesAsync(output, all[..(int)(all.Length * fraction)]);
        return output;
    }

    public static string Sha256(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    /// <summary>Everything under a directory (empty when it does not exist).</summary>
    public static IReadOnlyList<string> ListTree(string dir) =>
        Directory.Exists(dir) ? Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).ToList() : [];

    private static async Task<string> CachedAsync(string name, Func<string, Task> build)
    {
        var dir = Directory.CreateDirectory(Path.Combine(TestMedia.CacheDir(), "fetch")).FullName;
        var file = Path.Combine(dir, name);
        if (!File.Exists(file))
        {
            // Built under a temporary name and moved, so a parallel run never sees half a file.
            var tmp = Path.Combine(dir, $".{Guid.NewGuid():N}-{name}");
            await build(tmp);
            File.Move(tmp, file, overwrite: true);
        }

        return file;
    }
}
