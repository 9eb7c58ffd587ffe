using System.Text.RegularExpressions;
using Clipper.Core.Processes;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Encode.Tests;

[Trait("Category", "unit")]
public sealed partial class CaptionsTests : IDisposable
{
    private const double ClipStart = 100;
    private const double ClipEnd = 120;

    private static readonly CaptionOptions S = new();

    /// <summary>A transcript around the clip [100, 120): one word before it, one straddling each edge, one after.</summary>
    private static readonly Word[] Source =
    [
        W("So", 99.2, 99.5),
        W("Here", 99.9, 100.3), W("is", 100.35, 100.5), W("the", 100.55, 100.7), W("first", 100.75, 101.1),
        W("sentence.", 101.15, 101.8),
        W("Now", 103.0, 103.3), W("we", 103.35, 103.5), W("talk", 103.55, 103.9), W("about", 103.95, 104.3),
        W("information", 104.35, 105.0), W("density,", 105.05, 105.6), W("emotion", 105.65, 106.1),
        W("and", 106.15, 106.3), W("hooks", 106.35, 106.8), W("that", 106.85, 107.0), W("grab", 107.05, 107.4),
        W("attention.", 107.45, 108.2), W("Yes!", 108.3, 108.7),
        W("end", 119.8, 120.3),
    ];

    private readonly string _dir = Clipper.TestSupport.TestMedia.TempDir("clipper-captions");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Word W(string text, double start, double end) => new(text, start, end, 0.9);

    private static Captions Clip() => Captions.ForClip(Source, ClipStart, ClipEnd);

    private static CaptionFont Spartan() => CaptionFont.Of(CaptionPresets.Bold);

    private static CaptionFont Missing() => CaptionFont.Resolve("No Such Font Black", "/nonexistent/fonts", "DejaVu Sans");

    [Fact]
    public void WordsAreShiftedToClipTimeAndThoseMostlyOutsideTheClipAreDropped()
    {
        var c = Clip();
        Assert.Equal("Here", c.Words[0].Text);
        Assert.Equal(0.0, c.Words[0].Start, 9); // a word straddling the start is clamped to 0
        Assert.Equal(0.3, c.Words[0].End, 9);
        Assert.Equal("Yes!", c.Words[^1].Text); // 'end' is mostly after the clip
        Assert.Equal(18, c.Words.Count);
        Assert.Equal(20.0, c.Duration, 9);
    }

    [Fact]
    public void WhitespaceInsideAWordIsCollapsed()
    {
        var c = Captions.ForClip([W("  New \t York ", 1, 2), W("City", 2.1, 2.5)], 0, 5);
        Assert.Equal(["New York", "City"], c.Words.Select(w => w.Text));
    }

    [Fact]
    public void SrtHasNumberedCuesWithCommaMillisecondsRelativeToTheClipStart()
    {
        const string expected = """
            1
            00:00:00,000 --> 00:00:01,800
            Here is the first sentence.

            2
            00:00:03,000 --> 00:00:05,600
            Now we talk about information density,

            3
            00:00:05,650 --> 00:00:08,200
            emotion and hooks that grab attention.

            4
            00:00:08,300 --> 00:00:09,000
            Yes!


            """;
        Assert.Equal(expected.Replace("\r\n", "\n"), Clip().Srt(S));
    }

    [Fact]
    public void VttHasTheHeaderDotMillisecondsAndEscapedText()
    {
        Word[] words = [W("Fish", 10.0, 10.4), W("&", 10.5, 10.6), W("<chips>", 10.7, 11.3)];
        string vtt = Captions.ForClip(words, 9.5, 15).Vtt(S);
        Assert.Equal("WEBVTT\n\n00:00:00.500 --> 00:00:01.800\nFish &amp; &lt;chips&gt;\n\n", vtt);
    }

    [Fact]
    public void SrtNeverCarriesACueArrowInsideTheText()
    {
        string srt = Captions.ForClip([W("a-->b", 1, 1.5), W("c", 1.6, 2)], 0, 5).Srt(S);
        Assert.Equal("1\n00:00:01,000 --> 00:00:02,000\na->b c\n\n", srt);
    }

    [Fact]
    public void TimestampsCountHoursAndRoundToTheMillisecond()
    {
        Assert.Equal("01:02:05,500", Captions.Timestamp(3725.4996, ','));
        Assert.Equal("00:00:59.999", Captions.Timestamp(59.9994, '.'));
        Assert.Equal("0:01:02.05", Captions.AssTime(Captions.Centis(62.049)));
        Assert.Equal("1:00:00.00", Captions.AssTime(Captions.Centis(3600)));
    }

    [Fact]
    public void CuesOfALongTalkStayWithinTheLimitsAndNeverOverlap()
    {
        var text = ("the quick brown fox jumps over the lazy dog while seven extraordinarily talkative "
            + "parrots recite the entire alphabet backwards without pausing for breath at all").Split(' ');
        var words = new List<Word>();
        double t = 50;
        foreach (var s in text)
        {
            words.Add(W(s, t, t + 0.3));
            t += 0.35;
        }

        var captions = Captions.ForClip(words, 50, 70);
        var cues = captions.Cues(S);
        string srt = captions.Srt(S);
        var blocks = srt.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(cues.Count, blocks.Length);
        foreach (var block in blocks)
        {
            Assert.Matches(SrtCue(), block + "\n");
        }

        double lastEnd = 0;
        int total = 0;
        foreach (var c in cues)
        {
            Assert.True(c.Words.Count <= S.CueMaxWords, c.Text);
            Assert.True(c.Text.Length <= S.CueMaxChars, c.Text);
            Assert.True(c.End - c.Start <= S.CueMaxSeconds, c.Text);
            Assert.True(c.Start >= lastEnd, "cues overlap at " + c.Text);
            Assert.True(c.End > c.Start);
            Assert.Equal(c.Words[0].Start, c.Start, 9); // a cue starts with its first word
            lastEnd = c.End;
            total += c.Words.Count;
        }

        Assert.Equal(text.Length, total); // every word is in exactly one cue
    }

    /// <summary>One parsed Dialogue event.</summary>
    internal sealed record Event(long Start, long End, string Highlighted, IReadOnlyList<string> LineWords);

    internal static List<Event> Events(string ass)
    {
        var output = new List<Event>();
        foreach (var line in ass.Split('\n'))
        {
            var m = Dialogue().Match(line);
            if (!m.Success)
            {
                continue;
            }

            string text = m.Groups[9].Value;
            var h = Highlight().Matches(text);
            Assert.True(h.Count == 1, "not exactly one highlighted word in " + text);
            Assert.Equal("35E1FF", h[0].Groups[1].Value); // highlight colour (BGR of #FFE135)
            // nothing that changes the layout: no scaling, size, spacing, border, font or position override
            Assert.DoesNotMatch(@"\\(fscx|fscy|fs|fsp|bord|xbord|ybord|fn|b\d|pos|move|an|N)", text.Replace("\\{", "").Replace("\\\u2060", ""));
            var words = Tags().Replace(text, "").Split(' ');
            output.Add(new Event(Centis(m, 1), Centis(m, 5), h[0].Groups[2].Value, words));
        }

        return output;
    }

    private static long Centis(Match m, int group) =>
        ((long.Parse(m.Groups[group].Value) * 60 + long.Parse(m.Groups[group + 1].Value)) * 60
            + long.Parse(m.Groups[group + 2].Value)) * 100 + long.Parse(m.Groups[group + 3].Value);

    [Fact]
    public void AssHighlightsEachWordFromItsStartUntilTheNextWordStarts()
    {
        var c = Clip();
        var events = Events(c.Ass(1080, 1920, S, Spartan()));
        Assert.Equal(c.Words.Count, events.Count); // one event per word
        for (int i = 0; i < events.Count; i++)
        {
            var word = c.Words[i];
            var e = events[i];
            Assert.Equal(word.Text.ToUpperInvariant(), e.Highlighted);
            Assert.Equal((long)Math.Round(word.Start * 100), e.Start); // highlight switches at the word's start
            Assert.True(e.End >= (long)Math.Round(word.End * 100), "highlight lasts the whole word: " + word);
            if (i + 1 < events.Count)
            {
                Assert.True(e.End <= events[i + 1].Start, "events overlap at " + word);
            }

            // at every moment inside the word's span, exactly this event is showing
            for (double t = word.Start + 0.01; t < word.End; t += 0.05)
            {
                long at = (long)Math.Round(t * 100);
                var showing = events.Where(x => x.Start <= at && at < x.End).ToList();
                Assert.Single(showing);
                Assert.Equal(e, showing[0]);
            }
        }

        // inside a line the highlight hands over without a gap, and the line's text stays the same
        Assert.Equal(events[0].LineWords, events[1].LineWords);
        Assert.Equal(events[0].End, events[1].Start);
    }

    [Fact]
    public void AssLinesHoldTwoToFourWordsThatFitTheFrameByMeasuredWidth()
    {
        var c = Clip();
        var font = Spartan();
        Assert.NotNull(font.File);
        double max = Captions.MaxLineWidth(1080, 1920, CaptionPresets.Bold);
        Assert.Equal(1080 - 2 * 65 - 2 * 9, max); // 6 % side margins and the outline
        int fontPx = Captions.FontPixels(1080, 1920, CaptionPresets.Bold);
        var lines = c.Lines(1080, 1920, S, font);
        int total = 0;
        foreach (var line in lines)
        {
            int n = line.Words.Count;
            Assert.True(n is >= 2 and <= 4, $"line of {n} words: {line.Text}");
            Assert.True(font.Width(line.Text, fontPx) <= max, $"{line.Text} is {font.Width(line.Text, fontPx)} px wide");
            total += n;
        }

        Assert.Equal(c.Words.Count, total);
        // the one-word sentence "Yes!" joined the line before it instead of standing alone
        Assert.Equal("YES!", lines[^1].Words[^1].Text);
        foreach (var e in Events(c.Ass(1080, 1920, S, font)))
        {
            Assert.True(e.LineWords.Count is >= 2 and <= 4, string.Join(' ', e.LineWords));
        }
    }

    [Fact]
    public void ACharacterLimitStillCapsLinesWhenConfigured()
    {
        var o = new CaptionOptions { MaxCharsPerLine = 12 };
        foreach (var line in Clip().Lines(1080, 1920, o, Spartan()))
        {
            // "INFORMATION DENSITY," cannot be split below two words; every other line keeps to 12
            Assert.True(line.Text.Length <= 12 || line.Words.Count == 2, line.Text);
        }
    }

    [Fact]
    public void InASplitShotALineSitsOnTheSeamBetweenTheHalvesAndElsewhereAtThePresetsHeight()
    {
        // the clip is split from 2.5 s: the first sentence (0-1.8 s) keeps the style's margin, the second (from 3 s) moves
        string ass = Clip().Ass(1080, 1920, S, Spartan(), null, [(2.5, 20.0)]);
        var events = ass.Split('\n').Where(l => l.StartsWith("Dialogue:", StringComparison.Ordinal)).ToList();
        // the bold preset's 108 px line: its bottom a third of a line (36 px) below the seam at 960, 924 px above the bottom
        Assert.All(events.Where(e => string.CompareOrdinal(e[12..19], "0:00:02") < 0), e => Assert.Contains(",Caption,,0,0,0,,", e));
        Assert.Contains(events, e => e.Contains(",0:00:03.", StringComparison.Ordinal));
        Assert.All(events.Where(e => string.CompareOrdinal(e[12..19], "0:00:03") > 0), e => Assert.Contains(",Caption,,0,0,924,,", e));
    }

    [Fact]
    public void AssStyleIsBoldBigCentredAndAboveTheBottomQuarter()
    {
        string ass = Clip().Ass(1080, 1920, S, Spartan());
        Assert.Contains("PlayResX: 1080\n", ass);
        Assert.Contains("PlayResY: 1920\n", ass);
        var style = StyleLine().Match(ass);
        Assert.True(style.Success, ass);
        Assert.Equal("League Spartan Black", style.Groups[1].Value);
        int size = int.Parse(style.Groups[2].Value);
        Assert.InRange(size, 80, 120);
        Assert.Equal("-1", style.Groups[3].Value); // bold
        Assert.Equal("2", style.Groups[4].Value); // bottom centre alignment
        int marginV = int.Parse(style.Groups[7].Value);
        Assert.InRange(marginV, 0.25 * 1920, 0.35 * 1920);
    }

    [Fact]
    public void AssEscapesBracesAndBackslashesInWords()
    {
        Word[] words = [W("{\\an8}odd", 1.0, 1.4), W("back\\nslash", 1.5, 2.0)];
        string ass = Captions.ForClip(words, 0, 5).Ass(360, 640, S, Spartan());
        Assert.Contains("\\{\\\u2060AN8\\}ODD", ass);
        Assert.Contains("BACK\\\u2060NSLASH", ass);
        Assert.DoesNotContain("{\\AN8}", ass);
    }

    [Fact]
    public void AMissingFontFallsBackToDejaVuSansBold()
    {
        var font = Missing();
        Assert.True(font.Fallback);
        Assert.Equal("DejaVu Sans", font.Name);
        Assert.Null(font.Dir);
        Assert.EndsWith("DejaVuSans-Bold.ttf", font.File?.Path);
        Assert.Contains("Style: Caption,DejaVu Sans,", Clip().Ass(1080, 1920, S, font));
        var spartan = Spartan();
        Assert.False(spartan.Fallback);
        Assert.Equal(CaptionPresets.Bold.FontsDir, spartan.Dir);
        Assert.EndsWith("LeagueSpartan-Black.otf", spartan.File?.Path);
    }

    [Fact]
    public void FontNamesAreReadFromTheNameTable()
    {
        var names = FontFile.NamesOf("/usr/share/fonts/opentype/league-spartan/LeagueSpartan-Black.otf");
        Assert.Contains("league spartan black", names);
        Assert.Contains("leaguespartan-black", names);
        Assert.Empty(FontFile.NamesOf("/etc/hostname"));
    }

    // ffmpeg draws this one; the filter for the fast run leaves out anything carrying media
    [Fact]
    [Trait("Category", "media")]
    public async Task LibassDrawsWithLeagueSpartanBlackOrTheBoldFallback()
    {
        Assert.Contains("LeagueSpartan-Black", await FontSelectedAsync(Spartan()));
        Assert.Contains("DejaVuSans-Bold", await FontSelectedAsync(Missing()));
    }

    /// <summary>Renders the script with ffmpeg and returns libass's "fontselect" log lines.</summary>
    private async Task<string> FontSelectedAsync(CaptionFont font)
    {
        var ass = Path.Combine(_dir, $"c{Guid.NewGuid():N}.ass");
        await File.WriteAllTextAsync(ass, Clip().Ass(360, 640, S, font));
        string filter = "ass=filename=" + ClipEncoder.FilterValue(ass)
            + (font.Dir is null ? "" : ":fontsdir=" + ClipEncoder.FilterValue(font.Dir));
        var selected = new List<string>();
        var r = await ProcessRunner.RunAsync(
            ["ffmpeg", "-nostdin", "-v", "verbose", "-f", "lavfi", "-i", "color=c=gray:s=360x640:d=0.5", "-vf", filter, "-f", "null", "-"],
            TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken, stderrLine: line =>
            {
                if (line.Contains("fontselect"))
                {
                    lock (selected)
                    {
                        selected.Add(line);
                    }
                }
            });
        Assert.True(r.ExitCode == 0, r.StderrTail);
        lock (selected)
        {
            return string.Join("\n", selected);
        }
    }

    [GeneratedRegex(@"^\d+\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n[^\n]+\n$")]
    private static partial Regex SrtCue();

    [GeneratedRegex(@"^Dialogue: 0,(\d+):(\d\d):(\d\d)\.(\d\d),(\d+):(\d\d):(\d\d)\.(\d\d),Caption,,0,0,0,,(.*)$")]
    private static partial Regex Dialogue();

    [GeneratedRegex(@"\{\\c&H00([0-9A-F]{6})&\}(.*?)\{\\c&H00FFFFFF&\}")]
    private static partial Regex Highlight();

    [GeneratedRegex(@"\{\\[^}]*\}")]
    private static partial Regex Tags();

    [GeneratedRegex(@"(?m)^Style: Caption,([^,]+),(\d+),(?:[^,]*,){4}(-?\d),(?:[^,]*,){10}(\d),(\d+),(\d+),(\d+),1$")]
    private static partial Regex StyleLine();
}
