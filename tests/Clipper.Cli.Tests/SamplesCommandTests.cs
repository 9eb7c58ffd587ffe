using Clipper.Core.Processes;
using Clipper.TestSupport;

namespace Clipper.Cli.Tests;

/// <summary>
/// <c>clipper samples captions DIR</c> writes one small frame of each caption preset, and the README's frames
/// (docs/captions) are what it makes, not drawn by hand.
/// </summary>
[Trait("Category", "media")]
public sealed class SamplesCommandTests
{
    [Fact]
    public async Task SamplesCaptionsWritesTheReadmesFrameOfEachPreset()
    {
        var home = TestMedia.TempDir("samples-home");
        try
        {
            var dir = Path.Combine(home, "frames");
            var run = await Cli.ClipperAsync(home, home, TimeSpan.FromMinutes(1), "samples", "captions", dir);
            Assert.True(run.ExitCode == 0, run.Stderr);
            foreach (var preset in new[] { "bold", "karaoke", "pop", "lower-third" })
            {
                var made = Path.Combine(dir, preset + ".jpg");
                Assert.Contains($"{preset} ", run.Stdout);
                Assert.InRange(new FileInfo(made).Length, 5_000, 100_000);
                var pixels = await GrayAsync(made);
                Assert.Equal(360 * 640, pixels.Length);
                // the README's copy: the same picture (a JPEG encoder of another build may round a few levels)
                var committed = await GrayAsync(Path.Combine(RepoRoot.Dir, "docs", "captions", preset + ".jpg"));
                double diff = pixels.Zip(committed, (a, b) => Math.Abs(a - b)).Average();
                Assert.True(diff < 1.5, $"{preset}: docs/captions/{preset}.jpg differs from what the command makes by {diff:0.00} levels a pixel");
            }
        }
        finally
        {
            Directory.Delete(home, true);
        }
    }

    [Fact]
    public async Task SamplesLayoutsWritesTheReadmesFrameOfEachRatioAndOfTheFitLayout()
    {
        var home = TestMedia.TempDir("samples-home");
        try
        {
            var dir = Path.Combine(home, "frames");
            var run = await Cli.ClipperAsync(home, home, TimeSpan.FromMinutes(2), "samples", "layouts", dir);
            Assert.True(run.ExitCode == 0, run.Stderr);
            // the tracker chose each layout: the face is followed in every ratio, the slide with no face is shown whole
            Assert.Matches(@"9:16  ratio-9x16\.jpg +layout single \(a face in \d+ of \d+ sampled frames\)", run.Stdout);
            Assert.Matches(@"fit\.jpg +layout fit \(no face in 0 of \d+ sampled frames\)", run.Stdout);
            foreach (var (file, width, height) in new[]
                { ("ratio-9x16.jpg", 270, 480), ("ratio-1x1.jpg", 270, 270), ("ratio-4x5.jpg", 272, 340), ("ratio-16x9.jpg", 480, 270), ("fit.jpg", 270, 480) })
            {
                var pixels = await GrayAsync(Path.Combine(dir, file));
                Assert.Equal(width * height, pixels.Length);
                var committed = await GrayAsync(Path.Combine(RepoRoot.Dir, "docs", "layouts", file));
                double diff = pixels.Zip(committed, (a, b) => Math.Abs(a - b)).Average();
                Assert.True(diff < 1.5, $"docs/layouts/{file} differs from what the command makes by {diff:0.00} levels a pixel");
            }
        }
        finally
        {
            Directory.Delete(home, true);
        }
    }

    private static async Task<byte[]> GrayAsync(string jpeg) =>
        (await ProcessRunner.RunCheckedAsync(["ffmpeg", "-nostdin", "-v", "error", "-i", jpeg, "-f", "rawvideo", "-pix_fmt", "gray", "-"],
            TimeSpan.FromSeconds(30))).Stdout;
}
