using Clipper.Core.Clips;
using Clipper.Core.Errors;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Score.Tests;

[Trait("Category", "unit")]
public sealed class DensityFilterTest
{
    private static readonly string[] Talk =
    [
        "Here is the secret nobody tells you about building a small business.",
        "Most people think the hard part is the idea, but the idea is the easy part.",
        "The hard part is showing up every single day when nothing seems to work.",
        "I started my first company with three hundred dollars and a borrowed laptop.",
        "For the first six months, we made almost no money at all.",
        "Then one customer wrote to us and said our product saved her family business.",
    ];

    /// <summary>A word every 2.5 s: what a recogniser makes of music or a noisy room.</summary>
    private static List<Word> Sparse(double from, double to)
    {
        var output = new List<Word>();
        for (double t = from; t + 0.4 < to; t += 2.5)
        {
            output.Add(new Word("la.", t, t + 0.4, 0.9));
        }

        return output;
    }

    [Fact]
    public void AWindowOfSparseWordsIsDroppedAndADenseOneKept()
    {
        var music = Window.Of(Sentences.Split(Sparse(0, 40), HandWords.Defaults, 25).Sentences);
        var speech = HandWords.Window(Talk);
        Assert.True(music.WordsPerSecond < 0.5, $"music: {music.WordsPerSecond}");
        Assert.False(DensityFilter.Passes(music, HandWords.Defaults));
        Assert.True(DensityFilter.Passes(speech, HandWords.Defaults), $"speech: {speech.WordsPerSecond}");
    }

    [Fact]
    public void GarbledRecognitionFasterThanSpeechIsDropped()
    {
        var garbled = Window.Of(Sentences.Split(HandWords.Speak(0, 7, 0.1, Talk), HandWords.Defaults, 25).Sentences);
        Assert.False(DensityFilter.Passes(garbled, HandWords.Defaults), $"rate {garbled.WordsPerSecond}");
    }

    [Fact]
    public void WordsTheRecogniserDoubtsAreDropped()
    {
        var doubtful = HandWords.Speak(0, 3, 0.6, Talk).Select(w => new Word(w.Text, w.Start, w.End, 0.2)).ToList();
        Assert.False(DensityFilter.Passes(Window.Of(Sentences.Split(doubtful, HandWords.Defaults, 25).Sentences), HandWords.Defaults));
    }

    [Fact]
    public void ClipsNeverReachIntoTheMusic()
    {
        var words = Sparse(0, 60);
        var talk = HandWords.Speak(61, 2.8, 0.7, Talk);
        words.AddRange(talk);
        double end = talk[^1].End + 1;
        var clips = ClipSelector.Select(new Transcript(words, "captions"), end, ClipOptions.Defaults, HandWords.Defaults);
        Assert.NotEmpty(clips);
        Assert.All(clips, c => Assert.True(c.Start >= 60.5, c.ToString()));
    }

    [Fact]
    public void OnlySparseWordsIsNoSpeech()
    {
        var e = Assert.Throws<ClipperException>(() => ClipSelector.Select(
            new Transcript(Sparse(0, 120), "pocketsphinx"), 120, ClipOptions.Defaults, HandWords.Defaults));
        Assert.Equal(ErrorCode.NoSpeech, e.Code);
        Assert.Contains("holds clear speech", e.Message);
    }

    [Fact]
    public void NoWordsIsNoSpeechAndAShortSourceIsTooShort()
    {
        Assert.Equal(ErrorCode.NoSpeech, Assert.Throws<ClipperException>(() => ClipSelector.Select(
            new Transcript([], "pocketsphinx"), 60, ClipOptions.Defaults, HandWords.Defaults)).Code);
        var e = Assert.Throws<ClipperException>(() => ClipSelector.Select(
            new Transcript(HandWords.Speak(0, 3, 0.5, Talk[0]), "captions"), 10, ClipOptions.Defaults, HandWords.Defaults));
        Assert.Equal(ErrorCode.SourceTooShort, e.Code);
        Assert.Equal("the source lasts 10.0 s, shorter than the shortest clip (15 s)", e.Message);
    }

    [Fact]
    public void SpeechTooShortForAnyClipSaysHowLongItIs()
    {
        var e = Assert.Throws<ClipperException>(() => ClipSelector.Select(
            new Transcript(HandWords.Speak(0, 3, 0.5, Talk[0]), "captions"), 60, ClipOptions.Defaults, HandWords.Defaults));
        Assert.Equal(ErrorCode.NoSpeech, e.Code);
        Assert.StartsWith("no stretch of speech fits a 15–90 s clip: the speech spans only 4.", e.Message);
    }
}
