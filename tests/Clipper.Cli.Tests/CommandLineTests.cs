using System.Globalization;
using Clipper.Core.Clips;
using Clipper.Host.Cli;

namespace Clipper.Cli.Tests;

/// <summary>
/// The whole command line of every command, run in-process as <c>clipper</c> runs it: help, and every way a command
/// line can be wrong, which stops before anything runs with one <c>error: bad_option: …</c> line naming what, exit 2.
/// </summary>
[Trait("Category", "unit")]
public sealed class CommandLineTests
{
    private sealed record Run(int ExitCode, string Stdout, string Stderr);

    private static async Task<Run> ClipperAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);
        return new Run(exit, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task HelpNamesEveryCommandAndTheExitCodesAndExitsZero(string help)
    {
        var run = await ClipperAsync(help);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        Assert.StartsWith(CliApp.Summary, run.Stdout);
        foreach (var command in CliApp.Commands)
        {
            Assert.Contains($"    {command} ", run.Stdout);
        }

        foreach (var line in CliApp.ExitCodesLines)
        {
            Assert.Contains(line, run.Stdout);
        }
    }

    [Fact]
    public async Task NoCommandPrintsTheHelpAndExitsTwo()
    {
        var run = await ClipperAsync();
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(CliApp.Summary, run.Stdout);
        Assert.Contains("COMMANDS:", run.Stdout);
    }

    [Theory]
    [InlineData("clip", "<INPUT>", "--out <DIR>", "--clips <N>", "--min <S>", "--max <S>")]
    [InlineData("demo", "--out <DIR>", "--clips <N>", "--min <S>", "--max <S>")]
    [InlineData("submit", "<INPUT>", "--server <HOST:PORT>", "--out <DIR>", "--clips <N>", "--min <S>", "--max <S>", "--api-key <K>")]
    [InlineData("watch", "<JOB>", "--server <HOST:PORT>", "--out <DIR>", "--api-key <K>")]
    [InlineData("serve", "--grpc <HOST:PORT>", "--web <HOST:PORT>", "--silo-port <N>", "--gateway-port <N>")]
    [InlineData("bench", "[MINUTES|NAME]", "encode-overhead", "track")]
    public async Task EachCommandsHelpListsItsArgumentsAndOptions(string command, params string[] expected)
    {
        foreach (var asked in new[] { new[] { command, "--help" }, ["help", command] })
        {
            var run = await ClipperAsync(asked);
            Assert.Equal(0, run.ExitCode);
            Assert.Contains($"clipper {command}", run.Stdout);
            foreach (var e in expected)
            {
                Assert.Contains(e, run.Stdout);
            }
        }
    }

    [Fact]
    public async Task TheHelpSaysTheDefaultsClipUses()
    {
        var d = ClipOptions.Defaults;
        var run = await ClipperAsync("clip", "--help");
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"at most N clips (default {d.MaxClips})"), run.Stdout);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"shortest clip in seconds (default {d.MinSeconds})"), run.Stdout);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"longest clip in seconds (default {d.MaxSeconds})"), run.Stdout);
    }

    [Fact]
    public void TheBenchmarksNamedInTheHelpAreTheOnesThatRun() =>
        Assert.Equal(BenchCommand.NamedList, string.Join(", ", BenchCommand.Names));

    [Theory]
    [InlineData("unknown command 'frob' (clip, demo, bench, serve, submit, watch)", "frob")]
    [InlineData("unknown command 'Clip' (clip, demo, bench, serve, submit, watch)", "Clip", "a.mp4")]
    [InlineData("unknown option --frob", "--frob")]
    [InlineData("clip needs INPUT", "clip")]
    [InlineData("unknown option --frobnicate", "clip", "a.mp4", "--frobnicate", "1")]
    [InlineData("--out needs a value", "clip", "a.mp4", "--out")]
    [InlineData("--clips needs a number, got 'many'", "clip", "a.mp4", "--clips", "many")]
    [InlineData("--clips needs a whole number, got '2.5'", "clip", "a.mp4", "--clips", "2.5")]
    [InlineData("--clips must be between 1 and 50, got 51", "clip", "a.mp4", "--clips", "51")]
    [InlineData("--min must be at least 3 seconds, got 1", "clip", "a.mp4", "--min", "1")]
    [InlineData("--max needs a number, got 'Infinity'", "clip", "a.mp4", "--max", "Infinity")]
    [InlineData("--max (20) must not be below --min (30)", "clip", "a.mp4", "--min", "30", "--max", "20")]
    [InlineData("--clips needs a number, got 'x'", "demo", "--clips", "x")]
    [InlineData("unexpected argument 'a.mp4'", "demo", "a.mp4")]
    [InlineData("submit needs INPUT", "submit")]
    [InlineData("--max must be at most 600 seconds, got 601", "submit", "a.mp4", "--max", "601")]
    [InlineData("--min needs a number, got 'soon'", "submit", "a.mp4", "--min", "soon")]
    [InlineData("--server needs a value", "submit", "a.mp4", "--server")]
    [InlineData("--api-key needs a value", "submit", "a.mp4", "--api-key")]
    [InlineData("watch needs JOB", "watch")]
    [InlineData("unknown option --clips", "watch", "job-1", "--clips", "3")]
    [InlineData("unexpected argument 'job-2'", "watch", "job-1", "job-2")]
    [InlineData("--silo-port needs a port number (1-65535), got 'x'", "serve", "--silo-port", "x")]
    [InlineData("--gateway-port needs a port number (1-65535), got '70000'", "serve", "--gateway-port", "70000")]
    [InlineData("--grpc needs a value", "serve", "--grpc")]
    [InlineData("unknown option --port", "serve", "--port", "1")]
    [InlineData("bench takes MINUTES (a positive number) or a benchmark's name (encode-overhead, track, track-screen, track-ratios, track-framing, asr, fetch-overlap), not 'abc'", "bench", "abc")]
    [InlineData("bench takes MINUTES (a positive number) or a benchmark's name (encode-overhead, track, track-screen, track-ratios, track-framing, asr, fetch-overlap), not '0'", "bench", "0")]
    [InlineData("unexpected argument 'track'", "bench", "10", "track")]
    [InlineData("bench --long runs the 60-minute source and takes no MINUTES or benchmark name, not '30'", "bench", "--long", "30")]
    [InlineData("bench --long runs the 60-minute source and takes no MINUTES or benchmark name, not 'track'", "bench", "track", "--long")]
    public async Task AWrongCommandLineIsOneBadOptionLineNamingWhatAndExitsTwo(string expected, params string[] args)
    {
        var run = await ClipperAsync(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: bad_option: {expected}", Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)).TrimEnd('\r'));
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void TheClientCommandsReadTheirOptions()
    {
        var submit = CliApp.Parse<SubmitLine>(["submit", "talk.mp4", "--server", "10.0.0.5:7070", "--api-key", "k1", "--clips", "4", "--out", "o"]);
        Assert.Equal(("talk.mp4", "10.0.0.5:7070", "k1", "o"), (submit.Input, submit.Address(), submit.Key(), submit.Out));
        // only what was given goes to the server: 0 asks for its default
        var options = submit.ToRequestOptions();
        Assert.Equal((4, 0.0, 0.0), (options.MaxClips, options.MinSeconds, options.MaxSeconds));

        var watch = CliApp.Parse<WatchLine>(["watch", "job-1", "--server", "h:1", "--out", "o"]);
        Assert.Equal(("job-1", "h:1", "o"), (watch.Job, watch.Address(), watch.Out));
    }

    [Fact]
    public void ServeTurnsItsOptionsIntoConfigurationKeys()
    {
        var serve = CliApp.Parse<ServeLine>(["serve", "--grpc", "127.0.0.1:7071", "--web", "127.0.0.1:8081", "--silo-port", "11112", "--gateway-port", "30002"]);
        Assert.Equal(new Dictionary<string, string?>
        {
            ["Clipper:Gateway:Grpc"] = "127.0.0.1:7071",
            ["Clipper:Gateway:Web"] = "127.0.0.1:8081",
            ["Clipper:Cluster:SiloPort"] = "11112",
            ["Clipper:Cluster:GatewayPort"] = "30002",
        }, serve.Overrides());
        Assert.Empty(CliApp.Parse<ServeLine>(["serve"]).Overrides());
    }

    [Theory]
    [InlineData(null, 10.0, null)]
    [InlineData("2.5", 2.5, null)]
    [InlineData("track", 10.0, "track")]
    [InlineData("encode-overhead", 10.0, "encode-overhead")]
    public void BenchTakesMinutesOrABenchmarksName(string? what, double minutes, string? named)
    {
        var bench = CliApp.Parse<BenchLine>(what is null ? ["bench"] : ["bench", what]);
        Assert.Equal((minutes, named, false), (bench.Minutes, bench.Named, bench.Long));
    }

    [Fact]
    public void BenchLongIsTheSixtyMinuteWholeJobRun()
    {
        var bench = CliApp.Parse<BenchLine>(["bench", "--long"]);
        Assert.Equal((60.0, (string?)null, true), (bench.Minutes, bench.Named, bench.Long));
    }
}
