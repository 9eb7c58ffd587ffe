using System.Security.Cryptography;
using Clipper.TestSupport;

namespace Clipper.Cli.Tests;

/// <summary>
/// Every bad input ends the same way: exit 2, exactly one "error: CODE: message" line, no stack trace, the input
/// untouched and no output directory, within two minutes.
/// </summary>
[Trait("Category", "media")]
public sealed class CliErrorsTests : IClassFixture<CliErrorsTests.BadInputs>
{
    private readonly BadInputs _inputs;

    public CliErrorsTests(BadInputs inputs) => _inputs = inputs;

    public sealed class BadInputs : IAsyncLifetime
    {
        public string Dir { get; } = TestMedia.TempDir("bad-inputs");

        public async ValueTask InitializeAsync()
        {
            string P(string n) => Path.Combine(Dir, n);
            await File.WriteAllBytesAsync(P("empty.mp4"), []);
            await File.WriteAllTextAsync(P("notes.mp4"), "these are my notes, not a video\n");
            var good = await TestMedia.FfmpegAsync(P("good.mp4"), "-f", "lavfi", "-i", "testsrc=s=320x240:r=25:d=30", "-f", "lavfi",
                "-i", "sine=d=30", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest");
            var bytes = await File.ReadAllBytesAsync(good);
            await File.WriteAllBytesAsync(P("truncated.mp4"), bytes[..(bytes.Length / 3)]);
            await TestMedia.FfmpegAsync(P("audio-only.mp4"), "-f", "lavfi", "-i", "sine=d=30", "-c:a", "aac");
            await TestMedia.FfmpegAsync(P("no-audio.mp4"), "-f", "lavfi", "-i", "testsrc=s=320x240:r=25:d=30", "-c:v", "libx264", "-preset", "ultrafast");
            await TestMedia.FfmpegAsync(P("silent.mp4"), "-f", "lavfi", "-i", "testsrc=s=320x240:r=25:d=30", "-f", "lavfi",
                "-i", "anullsrc=r=16000:cl=mono", "-t", "30", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac");
            await TestMedia.FfmpegAsync(P("short.mp4"), "-f", "lavfi", "-i", "testsrc=s=320x240:r=25:d=5", "-f", "lavfi",
                "-i", "sine=d=5", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest");
        }

        public ValueTask DisposeAsync()
        {
            Directory.Delete(Dir, true);
            return ValueTask.CompletedTask;
        }
    }

    [Theory]
    [InlineData("empty.mp4", "not_a_video")]
    [InlineData("notes.mp4", "not_a_video")]
    [InlineData("truncated.mp4", "not_a_video")]
    [InlineData("audio-only.mp4", "not_a_video")]
    [InlineData("no-audio.mp4", "no_audio")]
    [InlineData("silent.mp4", "no_speech")]
    [InlineData("short.mp4", "source_too_short")]
    [InlineData("missing.mp4", "source_not_found")]
    public async Task ABadFileIsRefusedWithItsCode(string file, string code)
    {
        var input = Path.Combine(_inputs.Dir, file);
        var before = File.Exists(input) ? Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(input))) : null;
        await ExpectErrorAsync(code, "clip", input);
        var after = File.Exists(input) ? Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(input))) : null;
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/talk.mp4")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]:9/talk.mp4")]
    // a name that resolves to loopback: refused when connecting, whatever the name looked like
    [InlineData("http://localhost:9/talk.mp4")]
    public async Task AnInternalAddressIsBlocked(string url) => await ExpectErrorAsync("url_blocked", "clip", url);

    [Theory]
    [InlineData("--clips", "0")]
    [InlineData("--clips", "many")]
    [InlineData("--clips", "2.5")]
    [InlineData("--min", "1")]
    [InlineData("--max", "100000")]
    [InlineData("--frobnicate", "1")]
    public async Task ABadOptionIsRefused(string option, string value)
    {
        var error = await ExpectErrorAsync("bad_option", "clip", Path.Combine(_inputs.Dir, "short.mp4"), option, value);
        Assert.Contains(option, error);
    }

    [Theory]
    [InlineData("unknown command 'frob'", "frob")]
    [InlineData("--clips needs a number, got 'many'", "submit", "talk.mp4", "--clips", "many")]
    [InlineData("watch needs JOB", "watch")]
    [InlineData("--silo-port needs a port number", "serve", "--silo-port", "x")]
    [InlineData("unknown option --grpc-port", "serve", "--grpc-port", "1")]
    [InlineData("bench takes MINUTES", "bench", "abc")]
    [InlineData("--clips needs a value", "demo", "--clips")]
    [InlineData("samples makes: captions or layouts, not 'faces'", "samples", "faces")]
    public async Task AWrongCommandLineStopsBeforeAnythingRuns(string expected, params string[] args)
    {
        var home = TestMedia.TempDir("cli-home");
        try
        {
            var run = await Cli.ClipperAsync(home, home, TimeSpan.FromMinutes(1), args);
            Assert.Equal(2, run.ExitCode);
            var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: bad_option: ", line);
            Assert.Contains(expected, line);
            Assert.Equal("", run.Stdout);
            // nothing ran: no log, no lock, no database in the home
            Assert.Empty(Directory.GetFileSystemEntries(home));
        }
        finally
        {
            Directory.Delete(home, true);
        }
    }

    [Theory]
    [InlineData(0, "--help")]
    [InlineData(0, "clip", "--help")]
    [InlineData(0, "help", "serve")]
    [InlineData(2)]
    public async Task HelpExitsZeroAndNoCommandShowsItAndExitsTwo(int exit, params string[] args)
    {
        var home = TestMedia.TempDir("cli-home");
        try
        {
            var run = await Cli.ClipperAsync(home, home, TimeSpan.FromMinutes(1), args);
            Assert.Equal(exit, run.ExitCode);
            Assert.Equal("", run.Stderr);
            Assert.Contains("USAGE:", run.Stdout);
            Assert.Contains("exit codes: 0 done", run.Stdout);
        }
        finally
        {
            Directory.Delete(home, true);
        }
    }

    /// <summary>Runs clip (with --out) expecting one error line with <paramref name="code"/>; that line.</summary>
    private static async Task<string> ExpectErrorAsync(string code, params string[] args)
    {
        var home = TestMedia.TempDir("cli-home");
        var cwd = TestMedia.TempDir("cli-cwd");
        try
        {
            var run = await Cli.ClipperAsync(home, cwd, TimeSpan.FromMinutes(2), [.. args, "--out", Path.Combine(cwd, "out")]);
            Measurements.Record(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"bad input {string.Join(' ', args.Skip(1))}: exit {run.ExitCode}, {run.Seconds:0.0} s"));
            Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}; stderr:\n{run.Stderr}");
            var errors = run.Stderr.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
            Assert.True(errors.Count == 1, run.Stderr);
            Assert.StartsWith($"error: {code}: ", errors[0]);
            Assert.DoesNotContain("   at ", run.Stderr);
            Assert.DoesNotContain("Exception", run.Stderr);
            Assert.False(Directory.Exists(Path.Combine(cwd, "out")), "no output directory");
            return errors[0];
        }
        finally
        {
            Directory.Delete(home, true);
            Directory.Delete(cwd, true);
        }
    }
}
