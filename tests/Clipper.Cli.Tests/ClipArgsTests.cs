using Clipper.Abstractions.Jobs;
using Clipper.Core.Clips;
using Clipper.Core.Errors;
using Clipper.Host.Cli;
using ErrorCode = Clipper.Core.Errors.ErrorCode;

namespace Clipper.Cli.Tests;

/// <summary>
/// The <c>clip</c> command line as the CLI's parser reads it: defaults, every option, and a bad_option naming what is
/// wrong.
/// </summary>
[Trait("Category", "unit")]
public sealed class ClipArgsTests
{
    [Fact]
    public void TheInputAloneGetsTheDefaults()
    {
        var a = Clip("talk.mp4");
        Assert.Equal("talk.mp4", a.Input);
        Assert.Null(a.Out);
        Assert.Equal(ClipOptions.Defaults, a.Options);
    }

    [Fact]
    public void EveryOptionIsRead()
    {
        var a = Clip("--clips", "8", "https://example.com/talk.mp4", "--out", "out dir", "--min", "20.5", "--max", "60");
        Assert.Equal("https://example.com/talk.mp4", a.Input);
        Assert.Equal("out dir", a.Out);
        Assert.Equal(ClipOptions.Defaults with { MaxClips = 8, MinSeconds = 20.5, MaxSeconds = 60 }, a.Options);
    }

    [Fact]
    public void OptionsTakeTheirValueAfterAnEqualsSignToo()
    {
        var a = Clip("talk.mp4", "--clips=3", "--out=o", "--max=40");
        Assert.Equal(("o", 3, 40.0), (a.Out, a.Options.MaxClips, a.Options.MaxSeconds));
    }

    [Fact]
    public void TheEngineRankingAndLanguageAreTheJobsOwnChoices()
    {
        var a = Clip("talk.mp4", "--asr", "OpenAI", "--rank=llm", "--language", "De", "--captions", "Lower-Third");
        Assert.Equal(("openai", "llm", "de", "lower-third"), (a.JobSettings.Asr, a.JobSettings.Rank, a.JobSettings.Language, a.JobSettings.Captions));
        Assert.Equal(ClipOptions.Defaults, a.JobSettings.ToOptions());
        var none = Clip("talk.mp4").JobSettings;
        Assert.Equal((null, null, null, null), (none.Asr, none.Rank, none.Language, none.Captions));
    }

    [Theory]
    [InlineData("1:1", 1080, 1080)]
    [InlineData("4:5", 1080, 1350)]
    [InlineData("16:9", 1920, 1080)]
    public void TheRatioSetsTheOutputSize(string ratio, int width, int height)
    {
        var a = Clip("talk.mp4", "--ratio", ratio, "--layout", "Fit");
        Assert.Equal((width, height, "fit"), (a.JobSettings.Width, a.JobSettings.Height, a.JobSettings.Layout));
        Assert.Equal(ClipOptions.Defaults with { Width = width, Height = height }, a.Options);
        Assert.Null(Clip("talk.mp4").JobSettings.Layout);
    }

    [Fact]
    public void ARatioListKeepsTheFirstAsTheOutputSizeAndTheOthersAsExtraRenditions()
    {
        var a = Clip("talk.mp4", "--ratio", "16:9,9:16,1:1");
        Assert.Equal((1920, 1080), (a.JobSettings.Width, a.JobSettings.Height));
        Assert.Equal(ClipOptions.Defaults with { Width = 1920, Height = 1080 }, a.Options);
        Assert.Equal([new OutputSize(1080, 1920), new OutputSize(1080, 1080)], a.JobSettings.Renditions());
        Assert.Equal(new SizeList([new(1080, 1920), new(1080, 1080)]), a.JobSettings.Extras);
        Assert.Empty(Clip("talk.mp4", "--ratio", "1:1").JobSettings.Renditions());
    }

    [Fact]
    public void TheHookTitleIsOffUnlessAskedAndThreeSecondsWhenGivenAlone()
    {
        Assert.Null(Clip("talk.mp4").JobSettings.HookTitle);
        var a = Clip("--hook", "talk.mp4");
        Assert.Equal(("talk.mp4", 3.0), (a.Input, a.JobSettings.HookTitle));
        Assert.Equal(4.5, Clip("talk.mp4", "--hook-seconds", "4.5").JobSettings.HookTitle);
        Assert.Equal(2.0, Clip("--hook", "--hook-seconds=2", "talk.mp4").JobSettings.HookTitle);
    }

    [Theory]
    [InlineData("hook must be between 0.5 and 10 seconds, got 20", new[] { "a.mp4", "--hook-seconds", "20" })]
    [InlineData("--hook-seconds needs a number, got 'long'", new[] { "a.mp4", "--hook-seconds=long" })]
    [InlineData("ratio must be one of 9:16, 1:1, 4:5, 16:9, got '3:2'", new[] { "a.mp4", "--ratio", "3:2" })]
    [InlineData("ratio 1:1 is asked twice in '1:1,9:16,1x1'", new[] { "a.mp4", "--ratio", "1:1,9:16,1x1" })]
    [InlineData("layout must be one of auto, single, fit, split, screen, got 'three'", new[] { "a.mp4", "--layout", "three" })]
    [InlineData("asr must be one of pocketsphinx, whisper, openai, got 'vosk'", new[] { "a.mp4", "--asr", "vosk" })]
    [InlineData("rank must be one of heuristic, llm, got 'random'", new[] { "a.mp4", "--rank", "random" })]
    [InlineData("language must be an ISO 639-1 code", new[] { "a.mp4", "--language", "english" })]
    [InlineData("captions must be one of bold, karaoke, pop, lower-third, got 'neon'", new[] { "a.mp4", "--captions", "neon" })]
    [InlineData("language must be an ISO 639-1 code", new[] { "a.mp4", "--language", "d3" })]
    [InlineData("clip needs INPUT", new string[] { })]
    [InlineData("unexpected argument 'b.mp4'", new[] { "a.mp4", "b.mp4" })]
    [InlineData("--out needs a value", new[] { "a.mp4", "--out" })]
    [InlineData("--out needs a value", new[] { "a.mp4", "--out", "--clips", "3" })]
    [InlineData("--out needs a value", new[] { "a.mp4", "--out=" })]
    [InlineData("--clips needs a value", new[] { "a.mp4", "--clips" })]
    [InlineData("--clips needs a number, got 'many'", new[] { "a.mp4", "--clips", "many" })]
    [InlineData("--clips must be between 1 and 50, got 0", new[] { "a.mp4", "--clips", "0" })]
    [InlineData("--min must be at least 3 seconds, got -5", new[] { "a.mp4", "--min", "-5" })]
    [InlineData("--max must be at most 600 seconds, got 100000", new[] { "a.mp4", "--max", "100000" })]
    [InlineData("unknown option -x", new[] { "a.mp4", "-x" })]
    [InlineData("unexpected argument 'b'", new[] { "a.mp4", "--", "b" })]
    [InlineData("--min needs a number, got 'ten'", new[] { "a.mp4", "--min", "ten" })]
    [InlineData("--clips needs a whole number", new[] { "a.mp4", "--clips", "2.5" })]
    [InlineData("--max needs a number, got 'NaN'", new[] { "a.mp4", "--max", "NaN" })]
    [InlineData("unknown option --fast", new[] { "a.mp4", "--fast" })]
    [InlineData("--max (20) must not be below --min (30)", new[] { "a.mp4", "--min", "30", "--max", "20" })]
    public void MistakesAreBadOptionsThatSayWhat(string expected, string[] args)
    {
        var e = Assert.Throws<ClipperException>(() => Clip(args));
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData(59.6, "0:01:00")]
    [InlineData(3725, "1:02:05")]
    public void ClockTimesRoundToTheSecond(double seconds, string expected) => Assert.Equal(expected, Report.Clock(seconds));

    private static ClipArgs Clip(params string[] args) => CliApp.Parse<ClipLine>(["clip", .. args]).ToArgs();
}
