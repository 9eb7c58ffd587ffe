using Clipper.Core.Configuration;
using Clipper.Grains;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Clipper.Grains.Tests;

/// <summary>
/// The silo's options are checked when the host starts (the startup validator that <c>ValidateOnStart</c> registers),
/// and each failure names its configuration key and the reason.
/// </summary>
[Trait("Category", "unit")]
public sealed class OptionsValidationTests
{
    [Fact]
    public void TheDefaultsPass()
    {
        Assert.Null(StartWith([]));
    }

    [Theory]
    [InlineData("Clipper:Job:MaxAttempts", "0", "Clipper:Job:MaxAttempts must be at least 1, got 0")]
    [InlineData("Clipper:Job:RetryJitter", "1.5", "Clipper:Job:RetryJitter must be in [0, 1), got 1.5")]
    [InlineData("Clipper:Job:Track:Concurrency", "0", "Clipper:Job:Track:Concurrency must be at least 1, got 0")]
    [InlineData("Clipper:Job:Encode:Timeout", "-00:01:00", "Clipper:Job:Encode:Timeout must be a positive time span (hh:mm:ss), got -00:01:00")]
    [InlineData("Clipper:JanitorInterval", "00:00:00", "Clipper:JanitorInterval must be a positive time span (hh:mm:ss), got 00:00:00")]
    [InlineData("Clipper:Score:MinScore", "120", "Clipper:Score:MinScore must be 0..100, got 120")]
    [InlineData("Clipper:Score:Rank", "llm", "Clipper:Score:Rank is 'llm' but no OpenAI API key is configured: set CLIPPER_OPENAI_API_KEY (or Clipper:OpenAI:ApiKey)")]
    [InlineData("Clipper:Score:Rank", "gpt", "Clipper:Score:Rank must be 'heuristic' or 'llm', got 'gpt'")]
    [InlineData("Clipper:Track:MinFaceScore", "2", "Clipper:Track:MinFaceScore must be between 0 and 1, was 2")]
    [InlineData("Clipper:Transcribe:Parallelism", "0", "Clipper:Transcribe:Parallelism must be at least 1, got 0")]
    [InlineData("Clipper:Fetch:MaxRedirects", "-1", "Clipper:Fetch:MaxRedirects must not be negative, got -1")]
    [InlineData("Clipper:Encode:Crf", "60", "Clipper:Encode:Crf must be 0..51, got 60")]
    [InlineData("Clipper:Encode:Captions:Preset", "neon", "Clipper:Encode:Captions:Preset must be one of bold, karaoke, pop, lower-third, got 'neon'")]
    [InlineData("Clipper:Prices:TranscriptionPerAudioMinute", "-0.006", "Clipper:Prices:TranscriptionPerAudioMinute must be a price of 0 or more, got -0.006")]
    [InlineData("Clipper:Prices:LlmOutputPerMillion", "-1", "Clipper:Prices:LlmOutputPerMillion must be a price of 0 or more, got -1")]
    public void AValueOutOfRangeStopsTheStartNamingItsKey(string key, string value, string expected)
    {
        Assert.Equal(expected, StartWith(new() { [key] = value }));
    }

    [Theory]
    [InlineData("Clipper:Encode:FontName", "League Spartan Black")]
    [InlineData("Clipper:Encode:Captions:HighlightColour", "#00FF00")]
    public void ACaptionKeyFromBeforeThePresetsStopsTheStartNamingIt(string key, string value)
    {
        Assert.Equal($"{key} is no longer read: captions are styled by a preset (Clipper:Encode:Captions:Preset, or a job's --captions; "
            + "see README \"Caption presets\")", StartWith(new() { [key] = value }));
    }

    [Theory]
    [InlineData("Clipper:Transcribe:RecogniserTimeoutPerSecond", "Clipper:Transcribe:RecogniserTimeoutPerSecond is not a setting (did you mean Clipper:Transcribe:RecogniserCpuPerSecond?)")]
    [InlineData("Clipper:Job:Transcribe:Concurency", "Clipper:Job:Transcribe:Concurency is not a setting (did you mean Clipper:Job:Transcribe:Concurrency?)")]
    [InlineData("Clipper:Transcribe:Whisper:Modle", "Clipper:Transcribe:Whisper:Modle is not a setting (did you mean Clipper:Transcribe:Whisper:Model?)")]
    [InlineData("Clipper:Trak:ReactionShots", "Clipper:Trak is not a setting (did you mean Clipper:Track?)")]
    [InlineData("Clipper:CacheBudget", "Clipper:CacheBudget is not a setting (did you mean Clipper:CacheBudgetBytes?)")]
    [InlineData("Clipper:Encode:Zebra", "Clipper:Encode:Zebra is not a setting")]
    public void AKeyNoSettingReadsStopsTheStartWithTheNearestName(string key, string expected)
    {
        Assert.Equal(expected, StartWith(new() { [key] = "3" }));
    }

    [Fact]
    public void KeysReadByOtherPartsAndListEntriesAreNotUnknown()
    {
        Assert.Null(StartWith(new()
        {
            ["Clipper:Home"] = "/tmp/clipper-home",
            ["Clipper:Gateway:Web"] = "http://127.0.0.1:0",
            ["Clipper:Cluster:Redis"] = "localhost:6379",
            ["Clipper:Blob:Container"] = "clips",
            ["Clipper:Kubernetes:Hosting"] = "false",
            ["Clipper:Storage:Provider"] = "sqlite",
            ["Clipper:Transcribe:DecoderArguments:0"] = "-beam",
            ["Clipper:Transcribe:Whisper:Model"] = "/models/ggml-base.en.bin",
            ["Clipper:Job:Transcribe:Concurrency"] = "2",
            ["Clipper:Track:FollowSpeaker"] = "true",
        }));
    }

    [Fact]
    public void TheOpenAiEngineWithoutAKeyStopsTheStartNamingTheVariable()
    {
        Assert.Equal("Clipper:Transcribe:Engine is 'openai' but no OpenAI API key is configured: set CLIPPER_OPENAI_API_KEY (or Clipper:OpenAI:ApiKey)",
            StartWith(new() { ["Clipper:Transcribe:Engine"] = "openai" }));
        Assert.Null(StartWith(new() { ["Clipper:Transcribe:Engine"] = "openai", ["Clipper:OpenAI:ApiKey"] = "sk-test" }));
        Assert.Equal("Clipper:Transcribe:Engine must be one of pocketsphinx, openai, whisper, got 'whisperx'",
            StartWith(new() { ["Clipper:Transcribe:Engine"] = "whisperx" }));
    }

    [Fact]
    public void TheWhisperEngineWithoutAUsableModelStopsTheStartNamingThePath()
    {
        var dir = Directory.CreateTempSubdirectory("whisper-start").FullName;
        try
        {
            var missing = Path.Combine(dir, "ggml-base.en.bin");
            var text = Path.Combine(dir, "ggml-small.bin");
            File.WriteAllText(text, "not a model");
            const string Fix = "download a ggml model such as ggml-base.en.bin from https://huggingface.co/ggerganov/whisper.cpp";
            Assert.Equal($"Clipper:Transcribe:Whisper:Model (CLIPPER_WHISPER_MODEL) is not set: the whisper engine needs a ggml model file; {Fix}",
                StartWith(new() { ["Clipper:Transcribe:Engine"] = "whisper" }));
            Assert.Equal($"Clipper:Transcribe:Whisper:Model (CLIPPER_WHISPER_MODEL) '{missing}' does not exist; {Fix}",
                StartWith(new() { ["Clipper:Transcribe:Engine"] = "whisper", ["Clipper:Transcribe:Whisper:Model"] = missing }));
            Assert.Equal($"Clipper:Transcribe:Whisper:Model (CLIPPER_WHISPER_MODEL) '{dir}' is a directory, not a model file; {Fix}",
                StartWith(new() { ["Clipper:Transcribe:Engine"] = "whisper", ["Clipper:Transcribe:Whisper:Model"] = dir }));
            Assert.Equal($"Clipper:Transcribe:Whisper:Model (CLIPPER_WHISPER_MODEL) '{text}' is not a ggml Whisper model (it does not start with the ggml magic); {Fix}",
                StartWith(new() { ["Clipper:Transcribe:Engine"] = "whisper", ["Clipper:Transcribe:Whisper:Model"] = text }));
            // the model matters only to the engine that uses it
            Assert.Null(StartWith(new() { ["Clipper:Transcribe:Whisper:Model"] = missing }));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void RankingWithAnLlmStartsWhenAKeyIsConfigured()
    {
        Assert.Null(StartWith(new() { ["Clipper:Score:Rank"] = "llm", ["Clipper:OpenAI:ApiKey"] = "sk-test" }));
    }

    [Fact]
    public void AValueThatDoesNotConvertNamesItsKey()
    {
        var problem = StartWith(new() { ["Clipper:Job:MaxAttempts"] = "many" });
        Assert.NotNull(problem);
        Assert.Contains("'Clipper:Job:MaxAttempts'", problem);
        Assert.Contains("Int32", problem);
    }

    [Fact]
    public void EveryBadValueIsNamedAtOnce()
    {
        var problem = StartWith(new() { ["Clipper:Job:MaxAttempts"] = "0", ["Clipper:Job:WatchInterval"] = "00:00:00", ["Clipper:Score:MinScore"] = "-1" });
        Assert.Equal(
            "Clipper:Job:MaxAttempts must be at least 1, got 0; Clipper:Job:WatchInterval must be a positive time span (hh:mm:ss), got 00:00:00; "
            + "Clipper:Score:MinScore must be 0..100, got -1",
            problem);
    }

    [Fact]
    public void TheJobOptionsReadBeforeTheHostIsBuiltAreCheckedTheSameWay()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Clipper:Job:ReminderPeriod"] = "00:00:00" }).Build();
        var e = Assert.Throws<Clipper.Core.Errors.ClipperException>(() =>
            ValidatedOptions.Read<JobOptions>(config, JobOptions.Section, (o, c) => o.Check(c)));
        Assert.Equal(Clipper.Core.Errors.ErrorCode.BadOption, e.Code);
        Assert.Equal("Clipper:Job:ReminderPeriod must be a positive time span (hh:mm:ss), got 00:00:00", e.Message);
    }

    [Fact]
    public void TheLlmPricesAreOneTableWhicheverKeySetsThem()
    {
        // the ranking's older keys fill the price table
        var (score, prices) = PricesWith(new() { ["Clipper:Score:LlmInputPricePerMillion"] = "2.5", ["Clipper:Score:LlmPricesAsOf"] = "my contract" });
        Assert.Equal((2.5, 0.60, "my contract"), (prices.LlmInputPerMillion!.Value, prices.LlmOutputPerMillion!.Value, prices.LlmAsOf));
        Assert.Equal(2.5m, score.LlmInputPricePerMillion);

        // the price table's keys win, and the ranking's recorded cost uses them too
        (score, prices) = PricesWith(new()
        {
            ["Clipper:Score:LlmInputPricePerMillion"] = "2.5",
            ["Clipper:Prices:LlmInputPerMillion"] = "1.25",
            ["Clipper:Prices:LlmOutputPerMillion"] = "5",
            ["Clipper:Prices:LlmAsOf"] = "2026-12-01 list",
        });
        Assert.Equal((1.25m, 5m, "2026-12-01 list"), (score.LlmInputPricePerMillion, score.LlmOutputPricePerMillion, score.LlmPricesAsOf));
        Assert.Equal((1.25, 5.0, "2026-12-01 list"), (prices.LlmInputPerMillion!.Value, prices.LlmOutputPerMillion!.Value, prices.LlmAsOf));

        // the defaults: each labelled with its date
        (_, prices) = PricesWith([]);
        Assert.Equal((0.006, "2026-12-06 OpenAI whisper-1 list price"), (prices.TranscriptionPerAudioMinute, prices.TranscriptionAsOf));
        Assert.Equal((0.15, "2024-07-18 gpt-4o-mini list price"), (prices.LlmInputPerMillion!.Value, prices.LlmAsOf));
        Assert.Equal(0, prices.CpuPerCoreHour);
    }

    private static (Clipper.Stages.Score.ScoreOptions Score, Cost.PriceOptions Prices) PricesWith(Dictionary<string, string?> settings)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddClipperStages(config).BuildServiceProvider();
        return (services.GetRequiredService<IOptions<Clipper.Stages.Score.ScoreOptions>>().Value,
            services.GetRequiredService<IOptions<Cost.PriceOptions>>().Value);
    }

    /// <summary>What the host's start says about the silo's options with this configuration: null when it starts.</summary>
    private static string? StartWith(Dictionary<string, string?> settings)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddClipperStages(config).BuildServiceProvider();
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return null;
        }
        catch (Exception e) when (ValidatedOptions.Describe(e) is { } problems)
        {
            return problems;
        }
    }
}
