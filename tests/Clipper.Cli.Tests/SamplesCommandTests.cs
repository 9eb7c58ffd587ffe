using Clipper.Core.Processes;
using Clipper.TestSupport;

namespace Clipper.Cli.Tests;

/// <summary>
/// <c>clipper samples captions DIR</c> writes one small frame of each caption preset, <c>clipper samples layouts DIR</c>
/// one of each aspect ratio and of the fit layout, and the README's frames (docs/captions, docs/layouts) are what they
/// make, not drawn by hand.
/// </summary>
[Trait("Category", "media")]
public sealed class SamplesCommandTests : IDisposable
{
    private readonly string _home = TestMedia.TempDir("samples-home");

    public void Dispose() => Directory.Delete(_home, true);

    [Fact]
    public async Task SamplesCaptionsWritesTheReadmesFrameOfEachPreset()
    {
        var (dir, stdout) = await SamplesAsync("captions", TimeSpan.FromMinutes(1));
        foreach (var preset in new[] { "bold", "karaoke", "pop", "lower-third" })
        {
            Assert.Contains($"{preset} ", stdout);
            Assert.InRange(new FileInfo(Path.Combine(dir, preset + ".jpg")).Length, 5_000, 100_000);
            await AssertTheReadmesCopyAsync(dir, "captions", preset + ".jpg", 360, 640);
        }
    }

    [Fact]
    public async Task SamplesLayoutsWritesTheReadmesFrameOfEachRatioAndOfTheFitLayout()
    {
        var (dir, stdout) = await SamplesAsync("layouts", TimeSpan.FromMinutes(2));
        // the tracker chose each layout: the face is followed in every ratio, the slide with no face is shown whole (a
        // screen with no face to inset), the screen share with its webcam face is the screen layout
        Assert.Matches(@"9:16  ratio-9x16\.jpg +layout single \(a face in \d+ of \d+ sampled frames\)", stdout);
        Assert.Matches(@"fit\.jpg +layout fit \(a screen with no face to inset \(detail in [\d.]+ % of pixels .*\): no face in 0 of \d+ sampled frames\)", stdout);
        Assert.Matches(@"split\.jpg +layout split \(both faces spoke in [\d.]+ of [\d.]+ s; stacked for a 270x480 output; ", stdout);
        Assert.Matches(@"16:9  split-16x9\.jpg +layout split \(both faces spoke in [\d.]+ of [\d.]+ s; side by side for a 480x270 output; ", stdout);
        Assert.Matches(@"screen\.jpg +layout screen \(a screen share: detail in [\d.]+ % of pixels .*; a face in \d+ of \d+ sampled frames\)", stdout);
        foreach (var (file, width, height) in new[]
        {
            ("ratio-9x16.jpg", 270, 480), ("ratio-1x1.jpg", 270, 270), ("ratio-4x5.jpg", 272, 340), ("ratio-16x9.jpg", 480, 270), ("fit.jpg", 270, 480),
            ("split.jpg", 270, 480), ("split-16x9.jpg", 480, 270), ("split-1x1.jpg", 270, 270), ("screen.jpg", 270, 480),
        })
        {
            await AssertTheReadmesCopyAsync(dir, "layouts", file, width, height);
        }
    }

    private async Task<(string Dir, string Stdout)> SamplesAsync(string what, TimeSpan timeout)
    {
        var dir = Path.Combine(_home, "frames");
        var run = await Cli.ClipperAsync(_home, _home, timeout, "samples", what, dir);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return (dir, run.Stdout);
    }

    /// <summary>The frame made is of its size, and docs/&lt;docs&gt;/&lt;file&gt; is the same picture.</summary>
    private static async Task AssertTheReadmesCopyAsync(string dir, string docs, string file, int width, int height)
    {
        var pixels = await GrayAsync(Path.Combine(dir, file));
        Assert.Equal(width * height, pixels.Length);
        // a JPEG encoder of another build may round a few levels
        var committed = await GrayAsync(Path.Combine(RepoRoot.Dir, "docs", docs, file));
        double diff = pixels.Zip(committed, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(diff < 1.5, $"docs/{docs}/{file} differs from what the command makes by {diff:0.00} levels a pixel");
    }

    private static async Task<byte[]> GrayAsync(string jpeg) =>
        (await ProcessRunner.RunCheckedAsync(["ffmpeg", "-nostdin", "-v", "error", "-i", jpeg, "-f", "rawvideo", "-pix_fmt", "gray", "-"],
            TimeSpan.FromSeconds(30))).Stdout;
}
