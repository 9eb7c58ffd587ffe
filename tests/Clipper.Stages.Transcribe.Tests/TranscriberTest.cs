using Clipper.Core.Errors;
using Clipper.Core.Transcripts;
using Clipper.Samples;
using Clipper.TestSupport;

namespace Clipper.Stages.Transcribe.Tests;

/// <summary>Three sentences spoken by flite (about ten seconds), built once for the class.</summary>
public sealed class TeamsSpeechFixture : IAsyncLifetime
{
    public static readonly string[] Sentences =
    [
        "Why do some teams thrive while others fall apart?",
        "Researchers studied hundreds of teams to find the answer.",
        "The best teams were not the ones with the smartest people.",
    ];

    public string Dir { get; } = TestMedia.TempDir("transcriber-test");

    public BuiltMedia Speech { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Speech = await SampleVideo.SpeechAsync(Sentences, 0.6, Path.Combine(Dir, "teams.wav"));

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}

[Trait("Category", "media")]
public sealed class TranscriberTest(TeamsSpeechFixture fixture) : IClassFixture<TeamsSpeechFixture>
{
    private readonly Transcriber transcriber = Transcriber.Standard(new TranscribeOptions());

    private string Dir => fixture.Dir;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private Task<string> FfmpegAsync(string name, params string[] args) => TestMedia.FfmpegAsync(Path.Combine(Dir, name), args);

    [Fact]
    public async Task SilenceIsNoSpeech()
    {
        var silence = await FfmpegAsync("silence.wav", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "20");
        var e = await Assert.ThrowsAsync<ClipperException>(() =>
            transcriber.TranscribeAsync(new TranscribeRequest(silence, null, Dir), null, Cancel));
        Assert.Equal(ErrorCode.NoSpeech, e.Code);
        Assert.Contains("pocketsphinx recognised 0 words in 20.0 s", e.Message);
    }

    [Fact]
    public async Task AVideoWithoutSoundOrCaptionsIsNoAudio()
    {
        var mute = await FfmpegAsync("mute.mp4", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-t", "3",
            "-c:v", "libx264", "-preset", "ultrafast");
        var e = await Assert.ThrowsAsync<ClipperException>(() =>
            transcriber.TranscribeAsync(new TranscribeRequest(mute, null, Dir), null, Cancel));
        Assert.Equal(ErrorCode.NoAudio, e.Code);
    }

    [Fact]
    public async Task AFileThatIsNotMediaIsNotAVideo()
    {
        var text = Path.Combine(Dir, "notes.mp4");
        await File.WriteAllTextAsync(text, "these are not moving pictures", Cancel);
        var e = await Assert.ThrowsAsync<ClipperException>(() =>
            transcriber.TranscribeAsync(new TranscribeRequest(text, null, Dir), null, Cancel));
        Assert.Equal(ErrorCode.NotAVideo, e.Code);
    }

    [Fact]
    public async Task SideCarCaptionsWinOverTheRecogniser()
    {
        var vtt = Path.Combine(Dir, "teams.vtt");
        await File.WriteAllTextAsync(vtt, "WEBVTT\n\n00:00.000 --> 00:03.000\n" + TeamsSpeechFixture.Sentences[0]
            + "\n\n00:03.600 --> 00:07.000\n" + TeamsSpeechFixture.Sentences[1] + "\n", Cancel);
        var progress = new ProgressLog();
        var t = await transcriber.TranscribeAsync(new TranscribeRequest(fixture.Speech.File, vtt, Dir), progress, Cancel);
        Assert.Equal("captions", t.Provider);
        Assert.StartsWith("Why do some teams thrive while others fall apart?", t.Text);
        Assert.Equal([1.0], progress.Values);
    }

    [Fact]
    public async Task CaptionsWithoutWordsFallThroughToTheRecogniser()
    {
        var srt = Path.Combine(Dir, "music.srt");
        await File.WriteAllTextAsync(srt, "1\n00:00:00,000 --> 00:00:09,000\n[Music]\n\n2\n00:00:09,000 --> 00:00:09,500\n♪ ♪\n", Cancel);
        var work = Path.Combine(Dir, "fall-through");
        var progress = new ProgressLog();
        var t = await transcriber.TranscribeAsync(new TranscribeRequest(fixture.Speech.File, srt, work), progress, Cancel);
        Assert.Equal("pocketsphinx", t.Provider);
        var wer = WordErrorRate.Measure(fixture.Speech.Text, t.Text);
        Assert.True(wer.Rate < 0.3, wer.ToString());
        Assert.Equal(1.0, progress.Values[^1]);
        Assert.Empty(Directory.GetFileSystemEntries(work)); // scratch files removed
    }

    [Fact]
    public async Task ARecogniserThatCannotStartIsAToolFailureWithItsOwnExplanation()
    {
        var broken = new TranscribeOptions { ModelDir = Path.Combine(Dir, "no-such-model") };
        var e = await Assert.ThrowsAsync<ClipperException>(() => new PocketsphinxProvider(broken)
            .TranscribeAsync(new TranscribeRequest(fixture.Speech.File, null, Dir), null, Cancel));
        Assert.Equal(ErrorCode.ToolFailed, e.Code);
        Assert.True(e.IsTransient);
        Assert.StartsWith("pocketsphinx_batch failed with exit code", e.Message);
        Assert.Contains("no-such-model", e.Detail);
    }

    [Fact]
    public async Task AMissingRecogniserIsAToolFailure()
    {
        var missing = new TranscribeOptions { PocketsphinxBatch = Path.Combine(Dir, "no-such-recogniser") };
        var e = await Assert.ThrowsAsync<ClipperException>(() => new PocketsphinxProvider(missing)
            .TranscribeAsync(new TranscribeRequest(fixture.Speech.File, null, Dir), null, Cancel));
        Assert.Equal(ErrorCode.ToolFailed, e.Code);
        Assert.StartsWith("no-such-recogniser could not be started", e.Message);
    }

    [Fact]
    public void AFewWordsInALongRecordingAreNotEnoughSpeech()
    {
        var few = new Transcript(
        [
            new Word("hello", 1, 1.4, 0.9), new Word("there", 1.4, 1.8, 0.9), new Word("friends", 1.8, 2.3, 0.9),
            new Word("and", 2.3, 2.5, 0.9), new Word("family", 2.5, 3.0, 0.9),
        ], "pocketsphinx");
        Assert.Equal("pocketsphinx found words covering only 2.0 s of 600.0 s (0.3%, at least 5% needed)", transcriber.TooLittleSpeech(few, 600));
        Assert.Null(transcriber.TooLittleSpeech(few, 30));
        var one = new Transcript([new Word("hello", 1, 1.4, 0.9)], "pocketsphinx");
        Assert.Equal("pocketsphinx recognised 1 word in 30.0 s of audio (at least 5 needed)", transcriber.TooLittleSpeech(one, 30));
    }

    [Fact]
    public void OptionsOutOfRangeAreABadOption()
    {
        Assert.Equal(ErrorCode.BadOption, Assert.Throws<ClipperException>(() => Transcriber.Standard(new TranscribeOptions { ChunkSeconds = 5 })).Code);
        Assert.Equal(ErrorCode.BadOption, Assert.Throws<ClipperException>(() => Transcriber.Standard(new TranscribeOptions { Parallelism = 0 })).Code);
        Assert.Equal(ErrorCode.BadOption, Assert.Throws<ClipperException>(() => Transcriber.Standard(new TranscribeOptions { MinSpeechFraction = 1 })).Code);
    }
}
