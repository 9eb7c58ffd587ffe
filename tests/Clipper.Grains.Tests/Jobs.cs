using Clipper.Abstractions.Jobs;
using Clipper.TestSupport;

namespace Clipper.Grains.Tests;

/// <summary>Test jobs: the 80-second sample talk, cut into a few short, small clips so a whole job takes under a minute.</summary>
public static class Jobs
{
    public static readonly ClipSettings Small = new(MaxClips: 3, MinSeconds: 15, MaxSeconds: 25, Width: 270, Height: 480);

    public static async Task<JobSpec> ShortTalkAsync(ClipSettings? options = null) =>
        new((await TestMedia.ShortTalkAsync()).File, options ?? Small);

    public static string NewId(string what) => $"test-{what}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Every file under a directory with its last-write time (to prove nothing was rewritten).</summary>
    public static Dictionary<string, DateTime> Files(string dir, string pattern) =>
        Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, pattern, SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc)
            : [];
}
