using Clipper.Core;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Transcribe.Tests;

/// <summary>
/// Speaker marks in captions become the words' speaker labels: WebVTT voice spans, <c>&gt;&gt;</c> (someone new speaks:
/// an unnamed turn of its own) and an upper-case <c>NAME:</c> at a line's start; the runs a clip's tracker is given.
/// </summary>
[Trait("Category", "unit")]
public sealed class CaptionSpeakersTest
{
    private static List<(string Text, string? Speaker)> Labelled(IEnumerable<Word> words) => [.. words.Select(w => (w.Text, w.Speaker))];

    [Fact]
    public void VoiceSpansNameTheWordsAfterThemUpToTheEndOfTheirCue()
    {
        // the spec's forms: an annotation (the voice's name) with spaces, classes before it, an omitted end tag, two voices
        // in one cue, text before a span; a <v> without an annotation names nobody, and a cue without a mark has no speaker
        const string vtt = """
            WEBVTT

            00:01.000 --> 00:03.000
            <v Roger Bingham>We are in New York City

            00:03.000 --> 00:05.000
            <v.loud.first Esme>It's a blue apple tree!</v>
            <v Mary>No way!

            00:05.000 --> 00:07.000
            I said <v.blue Tom &amp; Jerry>bear is coming</v>!!

            00:07.000 --> 00:08.000
            <v>Nobody named.

            00:08.000 --> 00:09.000
            Not marked at all.
            """;
        var words = CaptionFileProvider.Parse(vtt);

        Assert.Equal(
        [
            ("We", "Roger Bingham"), ("are", "Roger Bingham"), ("in", "Roger Bingham"), ("New", "Roger Bingham"), ("York", "Roger Bingham"),
            ("City", "Roger Bingham"), ("It's", "Esme"), ("a", "Esme"), ("blue", "Esme"), ("apple", "Esme"), ("tree!", "Esme"),
            ("No", "Mary"), ("way!", "Mary"), ("I", null), ("said", null), ("bear", "Tom & Jerry"), ("is", "Tom & Jerry"),
            ("coming!!", "Tom & Jerry"), ("Nobody", null), ("named.", null), ("Not", null), ("marked", null), ("at", null), ("all.", null),
        ], Labelled(words));
    }

    [Fact]
    public void EachSpeakerArrowStartsANewUnnamedTurnNumberedThroughTheFile()
    {
        // broadcast captions: ">>" where the speaker changes, inside a line too; YouTube writes it escaped
        const string vtt = """
            WEBVTT

            00:00:01.000 --> 00:00:02.000
            &gt;&gt; Welcome back.

            00:00:02.000 --> 00:00:03.000
            Today we talk clips.

            00:00:03.000 --> 00:00:05.000
            >> Thanks. >> You are welcome.

            00:00:05.000 --> 00:00:06.000
            <c.colorE5E5E5>&gt;&gt; So</c> where
            """;
        var words = CaptionFileProvider.Parse(vtt);

        Assert.Equal(
        [
            ("Welcome", ">>1"), ("back.", ">>1"), ("Today", null), ("we", null), ("talk", null), ("clips.", null), ("Thanks.", ">>2"),
            ("You", ">>3"), ("are", ">>3"), ("welcome.", ">>3"), ("So", ">>4"), ("where", ">>4"),
        ], Labelled(words));
        Assert.True(SpeakerRun.IsUnnamed(words[0].Speaker!));
    }

    [Fact]
    public void AnUpperCaseNameAndColonAtALinesStartNamesItsSpeakerAndIsNotSpoken()
    {
        const string srt = """
            1
            00:00:01,000 --> 00:00:03,000
            ANN: Hello there.
            >> DR. SMITH: Good morning.

            2
            00:00:03,000 --> 00:00:05,000
            Note: lower case is no name.
            10:30 is a time, HERE: not at the start.
            """;
        var words = CaptionFileProvider.Parse(srt);

        Assert.Equal(
        [
            ("Hello", "ANN"), ("there.", "ANN"), ("Good", "DR. SMITH"), ("morning.", "DR. SMITH"), ("Note:", null), ("lower", null),
            ("case", null), ("is", null), ("no", null), ("name.", null), ("10:30", null), ("is", null), ("a", null), ("time,", null),
            ("HERE:", null), ("not", null), ("at", null), ("the", null), ("start.", null),
        ], Labelled(words));
    }

    [Fact]
    public void ATranscriptWithoutSpeakersIsStoredAsBeforeAndALabelRoundTrips()
    {
        var plain = new Transcript([new Word("Hi.", 0.5, 0.9, 1)], "captions");
        Assert.Equal("""
            {
              "words": [
                {
                  "word": "Hi.",
                  "start": 0.5,
                  "end": 0.9,
                  "confidence": 1
                }
              ],
              "provider": "captions"
            }
            """, Json.Serialize(plain).ReplaceLineEndings("\n"));

        var labelled = new Transcript([new Word("Hi.", 0.5, 0.9, 1) { Speaker = "Ann" }], "captions");
        var json = Json.Serialize(labelled);
        Assert.Contains("\"speaker\": \"Ann\"", json);
        Assert.Equal("Ann", Assert.Single(Json.Deserialize<Transcript>(json).Words).Speaker);
        Assert.Null(Assert.Single(Json.Deserialize<Transcript>(Json.Serialize(plain)).Words).Speaker);
    }

    [Fact]
    public void AClipsRunsJoinOneSpeakersWordsAndSplitAtAnotherSpeakerAnUnlabelledWordOrALongPause()
    {
        Word W(double start, double end, string? speaker) => new("w", start, end, 1) { Speaker = speaker };
        var words = new[]
        {
            W(9.0, 9.8, "Ann"), W(10.2, 10.6, "Ann"), W(10.6, 11.0, "Ann"), // the first starts before the clip
            W(11.1, 12.0, "Ben"), W(12.0, 12.5, "Ben"),
            W(13.8, 14.2, "Ben"), // 1.3 s after the last of Ben's: a new run
            W(14.2, 14.5, null), W(14.5, 15.0, "Ben"), // an unlabelled word between
            W(29.5, 30.5, "Ann"), // runs past the clip's end
        };

        var runs = SpeakerRun.Within(words, 9.5, 30);

        Assert.Equal(
        [
            new SpeakerRun(0, 1.5, "Ann"), new SpeakerRun(1.6, 3.0, "Ben"), new SpeakerRun(4.3, 4.7, "Ben"), new SpeakerRun(5.0, 5.5, "Ben"),
            new SpeakerRun(20.0, 20.5, "Ann"),
        ], runs.Select(r => r with { Start = Math.Round(r.Start, 6), End = Math.Round(r.End, 6) }));
        Assert.Equal(2, SpeakerRun.Labels(words));
        Assert.Empty(SpeakerRun.Within([new Word("w", 1, 2, 1)], 0, 10));
    }
}
