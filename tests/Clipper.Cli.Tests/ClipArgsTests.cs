using Clipper.Core.Clips;
using Clipper.Core.Errors;
using Clipper.Host.Cli;
using ErrorCode = Clipper.Core.Errors.ErrorCode;

namespace Clipper.Cli.Tests;

/// <summary>The <c>clip</c> command line: defaults, every option, and a bad_option naming what is wrong.</summary>
[Trait("Category", "unit")]
public sealed class ClipArgsTests
{
    [Fact]
    public void TheInputAloneGetsTheDefaults()
    {
        var a = ClipArgs.Parse(["talk.mp4"]);
        Assert.Equal("talk.mp4", a.Input);
        Assert.Null(a.Out);
        Assert.Equal(ClipOptions.Defaults, a.Options);
    }

    [Fact]
    public void EveryOptionIsRead()
    {
        var a = ClipArgs.Parse(["--clips", "8", "https://example.com/talk.mp4", "--out", "out dir", "--min", "20.5", "--max", "60"]);
        Assert.Equal("https://example.com/talk.mp4", a.Input);
        Assert.Equal("out dir", a.Out);
        Assert.Equal(ClipOptions.Defaults with { MaxClips = 8, MinSeconds = 20.5, MaxSeconds = 60 }, a.Options);
    }

    [Theory]
    [InlineData("no input", new string[] { })]
    [InlineData("only one input", new[] { "a.mp4", "b.mp4" })]
    [InlineData("--out needs a value", new[] { "a.mp4", "--out" })]
    [InlineData("--min needs a number, got 'ten'", new[] { "a.mp4", "--min", "ten" })]
    [InlineData("--clips needs a whole number", new[] { "a.mp4", "--clips", "2.5" })]
    [InlineData("--max needs a number, got 'NaN'", new[] { "a.mp4", "--max", "NaN" })]
    [InlineData("unknown option --fast", new[] { "a.mp4", "--fast" })]
    [InlineData("--max (20) must not be below --min (30)", new[] { "a.mp4", "--min", "30", "--max", "20" })]
    public void MistakesAreBadOptionsThatSayWhat(string expected, string[] args)
    {
        var e = Assert.Throws<ClipperException>(() => ClipArgs.Parse(args));
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData(59.6, "0:01:00")]
    [InlineData(3725, "1:02:05")]
    public void ClockTimesRoundToTheSecond(double seconds, string expected) => Assert.Equal(expected, ClipCommand.Clock(seconds));
}
