using Clipper.TestSupport;

namespace Clipper.Cli.Tests;

/// <summary>
/// A bad configuration value stops the real host process before it serves anything: exit 2 and one line,
/// <c>error: bad_option: KEY reason</c>.
/// </summary>
[Trait("Category", "cluster")]
public sealed class BadOptionTests
{
    [Theory]
    [InlineData("Clipper__Job__MaxAttempts", "0", "Clipper:Job:MaxAttempts must be at least 1, got 0")]
    [InlineData("Clipper__Job__Track__Timeout", "00:00:00", "Clipper:Job:Track:Timeout must be a positive time span (hh:mm:ss), got 00:00:00")]
    [InlineData("Clipper__Track__MinFaceScore", "1.5", "Clipper:Track:MinFaceScore must be between 0 and 1, was 1.5")]
    [InlineData("Clipper__Encode__Preset", "warp", "Clipper:Encode:Preset must be an x264 preset (ultrafast .. placebo), got warp")]
    [InlineData("Clipper__Gateway__MaxUploadBytes", "0", "Clipper:Gateway:MaxUploadBytes must be at least 1, got 0")]
    [InlineData("Clipper__Storage__PostgresMaxPoolSize", "0", "Clipper:Storage:PostgresMaxPoolSize must be at least 1.")]
    [InlineData("Clipper__Job__RetryBase", "soon", "'Clipper:Job:RetryBase'")]
    public async Task ServeRefusesABadValueNamingItsKey(string variable, string value, string expected)
    {
        var home = TestMedia.TempDir("bad-option");
        try
        {
            var run = await Cli.ClipperAsync(home, home, TimeSpan.FromSeconds(90), new Dictionary<string, string> { [variable] = value },
                "serve", "--grpc", "127.0.0.1:0", "--web", "127.0.0.1:0");
            Assert.Equal(2, run.ExitCode);
            var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: bad_option: ", line);
            Assert.Contains(expected, line);
            Assert.DoesNotContain("serving", run.Stdout);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
