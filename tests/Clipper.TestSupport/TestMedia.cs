using Clipper.Core.Samples;
using Clipper.Samples;

namespace Clipper.TestSupport;

/// <summary>
/// Real talking videos for tests, built from the pinned assets on first use and cached in
/// <c>.test-media/</c> beside <c>.assets/</c> (CLIPPER_TEST_MEDIA overrides), so every test project and every
/// run after the first reuse them (SampleCache keeps parallel test processes from building one twice).
/// </summary>
public static class TestMedia
{
    public static string CacheDir()
    {
        var env = Environment.GetEnvironmentVariable("CLIPPER_TEST_MEDIA");
        var dir = !string.IsNullOrWhiteSpace(env) ? env : Path.Combine(Path.GetDirectoryName(Assets.Dir())!, ".test-media");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A fresh temporary directory for one test, removed by the caller (or left in /tmp).</summary>
    public static string TempDir(string prefix = "clipper-test") => Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>About 80 seconds, 640×360, a real face panning, the sample talk spoken.</summary>
    public static Task<BuiltMedia> ShortTalkAsync() =>
        CachedTalkAsync("short-talk", SampleVideo.Talk(1.3), new Look(640, 360, 25, 140, 8));

    /// <summary>About four minutes, 1280×720, one moving face at talking-head distance: the acceptance video.</summary>
    public static Task<BuiltMedia> FourMinuteTalkAsync() =>
        CachedTalkAsync("talk-4min", SampleVideo.Talk(4), Look.Hd);

    /// <summary>Builds (once) a talking video of <paramref name="sentences"/> with jesper.jpg, keyed by name.</summary>
    public static Task<BuiltMedia> CachedTalkAsync(string name, IReadOnlyList<string> sentences, Look look, string photo = "jesper.jpg") =>
        SampleCache.TalkAsync(CacheDir(), name, sentences, look, photo);

    /// <summary>Runs ffmpeg with the given arguments to make a small test file (fails the test on error).</summary>
    public static async Task<string> FfmpegAsync(string output, params string[] args)
    {
        await Clipper.Core.Processes.ProcessRunner.RunCheckedAsync(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", .. args, output], TimeSpan.FromMinutes(5));
        return output;
    }
}
