using Clipper.Core.Transcripts;
using Clipper.TestSupport;

namespace Clipper.Stages.Transcribe.Tests;

[Trait("Category", "unit")]
public sealed class CaptionFileProviderTest : IDisposable
{
    private readonly string dir = TestMedia.TempDir("captions-test");

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static List<string> Texts(IEnumerable<Word> words) => words.Select(w => w.Text).ToList();

    private static void AssertInOrder(IReadOnlyList<Word> words)
    {
        for (int i = 1; i < words.Count; i++)
        {
            Assert.True(words[i].Start >= words[i - 1].End - 1e-9, $"words in order, no overlap at {words[i]}");
        }
    }

    [Fact]
    public void SrtCuesWithTagsEntitiesAndTwoLinesBecomeTimedWordsWithPunctuation()
    {
        const string srt = """
            1
            00:00:01,000 --> 00:00:04,000
            Here is the secret nobody tells you
            about building a <i>small</i> business.

            2
            00:00:04,600 --> 00:00:07,250
            <font color="#ffff00">Most people think</font> the hard part
            is the idea &amp; the plan...

            3
            00:00:08,000 --> 00:00:09,000
            [Music]

            4
            00:01:02,500 --> 00:01:04,000
            - Really? Yes!
            """;
        var words = CaptionFileProvider.Parse(srt);

        Assert.Equal(["Here", "is", "the", "secret", "nobody", "tells", "you", "about", "building", "a", "small",
            "business.", "Most", "people", "think", "the", "hard", "part", "is", "the", "idea", "&", "the", "plan...",
            "Really?", "Yes!"], Texts(words));
        Assert.Equal(1.0, words[0].Start, 9);
        Assert.Equal(4.0, words[11].End, 9); // the cue's last word ends with the cue
        Assert.Equal(4.6, words[12].Start, 9);
        Assert.Equal(62.5, words[24].Start, 9); // hours:minutes:seconds,millis
        // times are shared by length: "building" (8 letters) lasts longer than "a"
        Assert.True(words[8].End - words[8].Start > 3 * (words[9].End - words[9].Start));
        AssertInOrder(words);
        Assert.All(words, w => Assert.Equal(1.0, w.Confidence));
    }

    [Fact]
    public void WebVttWithHeaderNotesStylesIdsVoicesAndSettings()
    {
        const string vtt = """
            ﻿WEBVTT
            Kind: captions
            Language: en

            STYLE
            ::cue { color: yellow }

            NOTE This note spans
            two lines and is not spoken

            intro
            00:02.000 --> 00:05.500 align:start position:10%
            <v Roger Bingham>Why do some teams thrive</v>
            <v Roger Bingham>while others <b>fall apart</b>?</v>

            00:00:06.000 --> 00:00:08.000
            Researchers studied &lt;hundreds&gt; of teams.
            """;
        Assert.StartsWith("\uFEFF", vtt);
        var words = CaptionFileProvider.Parse(vtt);

        Assert.Equal(["Why", "do", "some", "teams", "thrive", "while", "others", "fall", "apart?", "Researchers",
            "studied", "<hundreds>", "of", "teams."], Texts(words));
        Assert.Equal(2.0, words[0].Start, 9); // minutes:seconds.millis without hours
        Assert.Equal(5.5, words[8].End, 9);
        Assert.Equal(6.0, words[9].Start, 9);
    }

    [Fact]
    public void YoutubeRollingAutoCaptionsUseWordTimestampsAndDropRepeatedLines()
    {
        // the shape yt-dlp downloads for auto-captions: each cue repeats the previous line above the new one
        const string vtt = """
            WEBVTT
            Kind: captions
            Language: en

            00:00:00.240 --> 00:00:02.790 align:start position:0%
             
            the<00:00:00.480><c> average</c><00:00:00.960><c> person</c><00:00:01.440><c> checks</c><00:00:01.920><c> their</c><00:00:02.160><c> phone</c>

            00:00:02.790 --> 00:00:02.800 align:start position:0%
            the average person checks their phone
             

            00:00:02.800 --> 00:00:05.600 align:start position:0%
            the average person checks their phone
            about<00:00:03.200><c> ninety</c><00:00:03.700><c> times</c><00:00:04.100><c> a</c><00:00:04.250><c> day</c>

            00:00:05.600 --> 00:00:05.610 align:start position:0%
            about ninety times a day
             
            """;
        var words = CaptionFileProvider.Parse(vtt);

        Assert.Equal(["the", "average", "person", "checks", "their", "phone", "about", "ninety", "times", "a", "day"], Texts(words));
        Assert.Equal(0.24, words[0].Start, 9);
        Assert.Equal(0.48, words[1].Start, 9);
        Assert.Equal(2.16, words[5].Start, 9);
        Assert.Equal(2.80, words[6].Start, 9);
        Assert.Equal(3.20, words[7].Start, 9);
        Assert.Equal(4.25, words[10].Start, 9);
        // the last word of a line must not stretch over the pause that follows it
        Assert.True(words[10].End < 5.0, $"'day' ends at {words[10].End}");
        Assert.True(words[5].End < 2.8, $"'phone' ends at {words[5].End}");
    }

    [Fact]
    public void MalformedCuesAreSkippedAndTheRestKept()
    {
        // a cue that ends before it starts, a broken timing line, an empty cue and overlapping cues
        const string srt = "1\n00:00:05,000 --> 00:00:04,000\nBackwards cue.\n\n"
            + "2\n00:00:xx,000 --> 00:00:06,000\nBroken timing.\n\n"
            + "3\n00:00:06,000 --> 00:00:07,000\n\n"
            + "4\n00:00:07,000 --> 00:00:09,000\nFirst speaker talks.\n\n"
            + "5\n00:00:08,800 --> 00:00:10,000\nSecond speaker answers.\n";
        var words = CaptionFileProvider.Parse(srt);

        Assert.Equal(["First", "speaker", "talks.", "Second", "speaker", "answers."], Texts(words));
        Assert.Equal(8.8, words[2].End, 9); // trimmed where the overlapping cue begins
        AssertInOrder(words);
        Assert.Empty(CaptionFileProvider.Parse("this is not a caption file at all\n\njust text"));
        Assert.Empty(CaptionFileProvider.Parse(""));
    }

    [Fact]
    public void ByteOrderMarkAndWindowsLineEndsInAnSrtFile()
    {
        var words = CaptionFileProvider.Parse("\uFEFF1\r\n00:00:00,500 --> 00:00:02,000\r\n>> Thank you so much\r\nfor listening.\r\n\r\n"
            + "2\r00:00:02,500 --> 00:00:03,000\r(applause) Bye!\r");
        Assert.Equal(["Thank", "you", "so", "much", "for", "listening.", "Bye!"], Texts(words));
        Assert.Equal(0.5, words[0].Start, 9);
        Assert.Equal(2.5, words[6].Start, 9);
    }

    [Fact]
    public async Task ProviderReadsTheSideCarFileAndSaysWhereTheTranscriptCameFrom()
    {
        var srt = Path.Combine(dir, "INPUT.srt");
        await File.WriteAllTextAsync(srt, "1\r\n00:00:00,500 --> 00:00:02,000\r\nThank you so much for listening.\r\n\r\n");
        var t = await new CaptionFileProvider().TranscribeAsync(
            new TranscribeRequest(Path.Combine(dir, "INPUT.mp4"), srt, dir), null, TestContext.Current.CancellationToken);

        Assert.NotNull(t);
        Assert.Equal("captions", t.Provider);
        Assert.Equal("Thank you so much for listening.", t.Text);
    }

    [Fact]
    public async Task NoCaptionFileMeansTheProviderDoesNotApply()
    {
        var provider = new CaptionFileProvider();
        var media = Path.Combine(dir, "x.mp4");
        Assert.Null(await provider.TranscribeAsync(new TranscribeRequest(media, null, dir), null, TestContext.Current.CancellationToken));
        Assert.Null(await provider.TranscribeAsync(new TranscribeRequest(media, Path.Combine(dir, "missing.vtt"), dir), null,
            TestContext.Current.CancellationToken));
        var music = Path.Combine(dir, "music.vtt");
        await File.WriteAllTextAsync(music, "WEBVTT\n\n00:00.000 --> 00:09.000\n[Music]\n\n00:09.000 --> 00:09.500\n♪ ♪\n");
        Assert.Null(await provider.TranscribeAsync(new TranscribeRequest(media, music, dir), null, TestContext.Current.CancellationToken));
    }
}
