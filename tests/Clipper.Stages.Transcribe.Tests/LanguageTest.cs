using Clipper.Core.Transcripts;
using Clipper.TestSupport;

namespace Clipper.Stages.Transcribe.Tests;

/// <summary>The transcript's language: from the captions' header or name, the job, or pocketsphinx's one model.</summary>
[Trait("Category", "media")]
public sealed class LanguageTest(TeamsSpeechFixture fixture) : IClassFixture<TeamsSpeechFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RussianSideCarCaptionsKeepTheirLanguageFromTheHeaderOrTheFileName()
    {
        var transcriber = Transcriber.Standard(new TranscribeOptions());
        var named = Path.Combine(fixture.Dir, "teams.ru.vtt");
        await File.WriteAllTextAsync(named, ForeignCaptions.RussianVtt(fixture.Speech.DurationSeconds, header: false), Cancel);
        var headed = Path.Combine(fixture.Dir, "teams-captions.vtt");
        await File.WriteAllTextAsync(headed, ForeignCaptions.RussianVtt(fixture.Speech.DurationSeconds), Cancel);

        var byName = await transcriber.TranscribeAsync(new TranscribeRequest(fixture.Speech.File, named, fixture.Dir), null, Cancel);
        var byHeader = await transcriber.TranscribeAsync(new TranscribeRequest(fixture.Speech.File, headed, fixture.Dir), null, Cancel);

        Assert.Equal(("captions", "ru"), (byName.Provider, byName.Language));
        Assert.Equal(("captions", "ru"), (byHeader.Provider, byHeader.Language));
        Assert.StartsWith("Сегодня я расскажу", byName.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PocketsphinxSaysEnglishAndTheJobsLanguageWins()
    {
        var transcriber = Transcriber.Standard(new TranscribeOptions());

        var guessed = await transcriber.TranscribeAsync(new TranscribeRequest(fixture.Speech.File, null, fixture.Dir), null, Cancel);
        var given = await transcriber.TranscribeAsync(new TranscribeRequest(fixture.Speech.File, null, fixture.Dir, "de"), null, Cancel);

        Assert.Equal(("pocketsphinx", "en"), (guessed.Provider, guessed.Language));
        Assert.Equal(("pocketsphinx", "de"), (given.Provider, given.Language));
        Assert.Equal(["pocketsphinx recognises English only; this source is 'de' (German): its words and captions will be wrong — give captions, "
            + "or use --asr openai or --asr whisper (a multilingual model)"], LanguageWarnings.For(given, "de"));
    }
}

[Trait("Category", "unit")]
public sealed class LanguagesTest
{
    [Theory]
    [InlineData("english", "en")]
    [InlineData("German", "de")]
    [InlineData("de-DE", "de")]
    [InlineData("pt_BR", "pt")]
    [InlineData("en-orig", "en")]
    [InlineData("iw", "he")]
    [InlineData("klingon", null)]
    [InlineData("", null)]
    public void NamesAndCodesBecomeIsoCodes(string given, string? code) => Assert.Equal(code, Languages.Code(given));

    [Fact]
    public void EnglishNamesForThePromptDefaultToEnglish() =>
        Assert.Equal(["German", "Russian", "English", "English"], new[] { "de", "ru", null, "xx" }.Select(Languages.EnglishName));

    [Fact]
    public void OnlyPocketsphinxOnANonEnglishSourceIsWarnedOf()
    {
        Word[] words = [new("hello", 0, 0.5, 1)];
        var local = new Transcript(words, "pocketsphinx", Language: "en");
        var captions = new Transcript(words, "captions", Language: "de");
        var remoteWithFallback = new Transcript(words, "openai", [new TranscriptChunk(0, 30, "pocketsphinx", 1, 3, "HTTP 500")], Language: "ru");

        Assert.Empty(LanguageWarnings.For(local, null));
        Assert.Empty(LanguageWarnings.For(local, "en"));
        Assert.Empty(LanguageWarnings.For(captions, "de"));
        Assert.Contains("'ru' (Russian): the pieces it recognised", Assert.Single(LanguageWarnings.For(remoteWithFallback, "ru")), StringComparison.Ordinal);
        Assert.Contains("this source is 'de' (German): its words and captions will be wrong", Assert.Single(LanguageWarnings.For(local, "de")),
            StringComparison.Ordinal);
    }

    [Fact]
    public void CaptionLanguageComesFromTheHeaderElseTheFileName()
    {
        Assert.Equal("ru", CaptionFileProvider.LanguageOf("WEBVTT\nKind: captions\nLanguage: ru\n\n00:00:01.000 --> 00:00:02.000\nПривет\n", "x.vtt"));
        Assert.Equal("de", CaptionFileProvider.LanguageOf("1\n00:00:01,000 --> 00:00:02,000\nHallo\n", "/tmp/talk.de-DE.srt"));
        Assert.Null(CaptionFileProvider.LanguageOf("1\n00:00:01,000 --> 00:00:02,000\nHallo\n", "/tmp/talk.srt"));
    }
}
