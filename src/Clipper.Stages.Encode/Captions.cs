using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Clipper.Core.Crop;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Encode;

/// <summary>
/// The words of one clip, with times in seconds from the clip's start, and the caption files made from them:
/// SRT and WebVTT cues of a few words, and an ASS script for burning in, in a caption preset's look, that shows
/// lines of a few words with the word being spoken highlighted, filled or popping in.
/// </summary>
public sealed partial class Captions
{
    private const string Style = "Caption";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="words">the clip's words, in order, times relative to the clip start and within [0, duration]</param>
    /// <param name="duration">the clip's length in seconds</param>
    public Captions(IReadOnlyList<Word> words, double duration)
    {
        Words = words.ToList();
        Duration = duration;
    }

    public IReadOnlyList<Word> Words { get; }

    public double Duration { get; }

    /// <summary>A subtitle cue (SRT/VTT), clip-relative.</summary>
    public sealed record Cue(double Start, double End, IReadOnlyList<Word> Words)
    {
        public string Text => Join(Words);
    }

    /// <summary>A burned-in caption line, shown from <see cref="Start"/> to <see cref="End"/>, clip-relative.</summary>
    public sealed record Line(double Start, double End, IReadOnlyList<Word> Words)
    {
        public string Text => Join(Words);
    }

    /// <summary>
    /// Takes the words of a source transcript that belong to the clip [clipStart, clipEnd) — those whose middle
    /// falls inside it, so a word cut by the clip's edge is kept only when most of it is heard — and shifts them to
    /// clip time, clamped to the clip. Whitespace inside a word is collapsed.
    /// </summary>
    public static Captions ForClip(IEnumerable<Word> sourceWords, double clipStart, double clipEnd)
    {
        if (!(clipEnd > clipStart))
        {
            throw new ArgumentException("clip ends before it starts");
        }

        double duration = clipEnd - clipStart;
        var output = new List<Word>();
        foreach (var w in sourceWords)
        {
            double middle = (w.Start + w.End) / 2;
            if (middle < clipStart || middle >= clipEnd)
            {
                continue;
            }

            string text = Whitespace().Replace(w.Text.Trim(), " ");
            double start = Math.Max(0, w.Start - clipStart);
            double end = Math.Min(duration, w.End - clipStart);
            output.Add(new Word(text, start, Math.Max(start, end), w.Confidence));
        }

        // OrderBy is stable: words starting together keep their transcript order
        return new Captions(output.OrderBy(w => w.Start).ToList(), duration);
    }

    // ---- SRT / WebVTT ----------------------------------------------------------------------------------------

    /// <summary>Cues for SRT/VTT: sentence- and pause-aware groups within the cue limits; never overlapping.</summary>
    public IReadOnlyList<Cue> Cues(CaptionOptions o)
    {
        var groups = Partition(Words, 1, o.CueMaxWords, new Limit(g => Join(g).Length, o.CueMaxChars, 1),
            o.CueMaxSeconds, o.PauseBreakSeconds);
        var cues = new List<Cue>();
        for (int i = 0; i < groups.Count; i++)
        {
            var g = groups[i];
            double start = g[0].Start;
            double limit = i + 1 < groups.Count ? groups[i + 1][0].Start : Duration;
            // a very short cue is unreadable: keep it up to 0.7 s when the next one leaves room
            double end = Math.Min(Math.Max(g[^1].End, start + 0.7), limit);
            if (end <= start)
            {
                end = Math.Min(start + 0.01, Duration);
            }

            cues.Add(new Cue(start, end, g));
        }

        return cues;
    }

    public string Srt(CaptionOptions o)
    {
        var sb = new StringBuilder();
        int n = 1;
        foreach (var c in Cues(o))
        {
            sb.Append(n++).Append('\n')
                .Append(Timestamp(c.Start, ',')).Append(" --> ").Append(Timestamp(c.End, ',')).Append('\n')
                .Append(c.Text.Replace("-->", "->")).Append("\n\n");
        }

        return sb.ToString();
    }

    public string Vtt(CaptionOptions o)
    {
        var sb = new StringBuilder("WEBVTT\n\n");
        foreach (var c in Cues(o))
        {
            sb.Append(Timestamp(c.Start, '.')).Append(" --> ").Append(Timestamp(c.End, '.')).Append('\n')
                .Append(c.Text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;")).Append("\n\n");
        }

        return sb.ToString();
    }

    /// <summary><c>HH:MM:SS,mmm</c> (SRT) or <c>HH:MM:SS.mmm</c> (VTT).</summary>
    internal static string Timestamp(double seconds, char separator)
    {
        long ms = (long)Math.Round(Math.Max(0, seconds) * 1000, MidpointRounding.AwayFromZero);
        return string.Create(Inv, $"{ms / 3_600_000:00}:{ms / 60_000 % 60:00}:{ms / 1000 % 60:00}{separator}{ms % 1000:000}");
    }

    // ---- ASS (burned in) -------------------------------------------------------------------------------------

    /// <summary>ASS font size in pixels: a fraction of the frame's shorter side.</summary>
    internal static int FontPixels(int width, int height, CaptionPreset p) =>
        (int)Math.Round(Math.Min(width, height) * p.FontSize, MidpointRounding.AwayFromZero);

    internal static int OutlinePixels(int width, int height, CaptionPreset p) =>
        Math.Max(1, (int)Math.Round(FontPixels(width, height, p) * p.Outline, MidpointRounding.AwayFromZero));

    /// <summary>
    /// The widest a line's text (advance width, in pixels) may be: the frame between the side margins (the safe
    /// area's sides), less the outline or box padding drawn on either side.
    /// </summary>
    public static double MaxLineWidth(int width, int height, CaptionPreset p) =>
        width - 2 * Math.Round(width * p.SideMargin, MidpointRounding.AwayFromZero) - 2 * OutlinePixels(width, height, p);

    /// <summary>
    /// The burned-in lines at this output size: the preset's <see cref="CaptionPreset.MinWordsPerLine"/>–<see
    /// cref="CaptionPreset.MaxWordsPerLine"/> words each (unless the clip has fewer words), as wide as the safe area
    /// allows by the font's measured glyph advances (or at most <see cref="CaptionOptions.MaxCharsPerLine"/>
    /// characters when that is set) where the words allow, breaking at sentence ends and pauses. A line is up
    /// from its first word's start until <see cref="CaptionOptions.HoldSeconds"/> after its last word's end, or
    /// until the next line starts. <paramref name="preset"/> defaults to the options' <see cref="CaptionOptions.Preset"/>.
    /// </summary>
    public IReadOnlyList<Line> Lines(int width, int height, CaptionOptions o, CaptionFont font, CaptionPreset? preset = null)
    {
        var p = preset ?? CaptionPresets.Get(o.Preset);
        int fontPx = FontPixels(width, height, p);
        var limit = o.MaxCharsPerLine > 0
            ? new Limit(g => Join(g).Length, o.MaxCharsPerLine, 1)
            // overflow is counted in units of about one character, as for the character limit
            : new Limit(g => font.Width(Join(g), fontPx), MaxLineWidth(width, height, p), fontPx * 0.5);
        var groups = Partition(DisplayWords(o, p), p.MinWordsPerLine, p.MaxWordsPerLine, limit, double.MaxValue,
            o.PauseBreakSeconds);
        var lines = new List<Line>();
        for (int i = 0; i < groups.Count; i++)
        {
            var g = groups[i];
            double next = i + 1 < groups.Count ? groups[i + 1][0].Start : Duration;
            // never past the next line's start: two lines up at once would be stacked by libass
            double end = Math.Min(g[^1].End + o.HoldSeconds, Math.Min(next, Duration));
            lines.Add(new Line(g[0].Start, end, g));
        }

        return lines;
    }

    /// <summary>
    /// An ASS script for a <paramref name="width"/>×<paramref name="height"/> output in the preset's look
    /// (<paramref name="preset"/>, by default the options' <see cref="CaptionOptions.Preset"/>).
    /// <para>
    /// <see cref="CaptionMotion.Highlight"/> and <see cref="CaptionMotion.Pop"/>: each line is cut into one Dialogue
    /// event per word: the event for word i runs from word i's start to word i+1's start (the last to the line's end)
    /// and draws the whole line with word i in the highlight colour. So the highlight moves exactly at each word's
    /// start, and between words the last spoken word stays lit. The highlight changes the colour only — no scaling,
    /// no change of border — so every event of a line lays out identically and the words never shift as the
    /// highlight moves; a pop line's first event alone scales the whole line in, from 70 % to full size in 90 ms.
    /// <see cref="CaptionMotion.Karaoke"/>: one event per line, each word filled left to right (<c>\kf</c>) from its
    /// start to the next word's. <see cref="CaptionMotion.Still"/>: one event per line.
    /// </para>
    /// A line wider than the safe area (a word too long for it: lines of several words are split before that) is
    /// drawn smaller, the same in each of its events, so it stays inside the side margins on one row.
    /// </summary>
    /// <param name="splitSpans">the clip's stacked split shots (seconds from its start; side-by-side ones are not given):
    /// a line that starts in one is drawn with its bottom a third of a line below the seam between the halves, where it
    /// covers neither face, instead of at the preset's height, which falls on the lower face</param>
    /// <param name="screen">the clip's screen shots and the height of the screen above the face's part: a line that starts
    /// in one is drawn just under the screen (its top a quarter of a line below it), over the face window's top, above the
    /// face and clear of the screen, instead of at the preset's height, which falls on the face</param>
    public string Ass(int width, int height, CaptionOptions o, CaptionFont font, CaptionPreset? preset = null,
        IReadOnlyList<(double Start, double End)>? splitSpans = null, (IReadOnlyList<(double Start, double End)> Spans, int Top)? screen = null)
    {
        var p = preset ?? CaptionPresets.Get(o.Preset);
        int fontPx = FontPixels(width, height, p);
        int outline = OutlinePixels(width, height, p);
        int shadow = (int)Math.Round(fontPx * p.Shadow, MidpointRounding.AwayFromZero);
        int side = (int)Math.Round(width * p.SideMargin, MidpointRounding.AwayFromZero);
        int bottom = (int)Math.Round(height * p.BottomMargin, MidpointRounding.AwayFromZero);
        double maxWidth = MaxLineWidth(width, height, p);
        string text = AssColour.Parse(p.TextColour);
        string lit = AssColour.Parse(p.HighlightColour);
        string outlineColour = AssColour.Parse(p.OutlineColour);
        string shadowColour = AssColour.WithAlpha(p.OutlineColour, 0x80);
        // karaoke fills from the secondary colour (not yet sung) to the primary (sung)
        var (primary, secondary) = p.Motion == CaptionMotion.Karaoke ? (lit, text) : (text, text);
        int borderStyle = p.Box ? 3 : 1;
        // at the seam: a one-row line straddles it, two thirds above (over the upper speaker's chest)
        int seam = height - ClipLayouts.SplitHeights(height).Top - (int)Math.Round(fontPx / 3.0, MidpointRounding.AwayFromZero);
        // under the screen: the line's bottom about a line and a quarter (and its outline) below the screen's last row
        int underScreen = screen is { } sc ? height - sc.Top - outline - (int)Math.Round(1.5 * fontPx, MidpointRounding.AwayFromZero) : 0;

        var sb = new StringBuilder();
        sb.Append("[Script Info]\n")
            .Append("; Clipper captions, preset ").Append(p.Name).Append('\n')
            .Append("ScriptType: v4.00+\n")
            .Append("PlayResX: ").Append(width).Append('\n')
            .Append("PlayResY: ").Append(height).Append('\n')
            .Append("WrapStyle: 0\n")
            .Append("ScaledBorderAndShadow: yes\n\n")
            .Append("[V4+ Styles]\n")
            .Append("Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, ")
            .Append("Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, ")
            .Append("Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n")
            // Bold -1: the heavy faces need no synthetic bolding, and a family name picks its bold face
            .Append(string.Create(Inv,
                $"Style: {Style},{font.Name},{fontPx},{primary},{secondary},{outlineColour},{shadowColour},-1,0,0,0,100,100,0,0,{borderStyle},{outline},{shadow},{p.Alignment},{side},{side},{bottom},1\n"))
            .Append("\n[Events]\n")
            .Append("Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n");
        foreach (var line in Lines(width, height, o, font, p))
        {
            var ws = line.Words;
            int marginV = splitSpans?.Any(sp => line.Start >= sp.Start && line.Start < sp.End) == true ? Math.Max(1, seam)
                : screen?.Spans.Any(sp => line.Start >= sp.Start && line.Start < sp.End) == true ? Math.Max(1, underScreen) : 0;
            // a line wider than the safe area (one long word) is drawn smaller, alike in all its events
            double drawn = font.Width(line.Text, fontPx);
            int scale = drawn > maxWidth ? Math.Max(10, (int)Math.Floor(100 * maxWidth / drawn)) : 100;
            string fit = scale < 100 ? string.Create(Inv, $"{{\\fscx{scale}\\fscy{scale}}}") : "";
            if (p.Motion is CaptionMotion.Karaoke or CaptionMotion.Still)
            {
                var t = new StringBuilder(fit);
                for (int j = 0; j < ws.Count; j++)
                {
                    if (p.Motion == CaptionMotion.Karaoke)
                    {
                        double until = j + 1 < ws.Count ? ws[j + 1].Start : ws[j].End;
                        t.Append(Inv, $"{{\\kf{Math.Max(1, Centis(until) - Centis(ws[j].Start))}}}");
                    }

                    t.Append(EscapeAss(ws[j].Text)).Append(j + 1 < ws.Count ? " " : "");
                }

                AppendEvent(sb, Centis(line.Start), Centis(line.End), t.ToString(), marginV);
                continue;
            }

            for (int i = 0; i < ws.Count; i++)
            {
                long from = Centis(ws[i].Start);
                long to = Centis(i + 1 < ws.Count ? ws[i + 1].Start : line.End);
                if (to <= from)
                {
                    continue; // two words in the same centisecond: the later one wins
                }

                var t = new StringBuilder(fit);
                if (p.Motion == CaptionMotion.Pop && i == 0)
                {
                    int small = (int)Math.Round(scale * 0.7);
                    t.Append(Inv, $"{{\\fscx{small}\\fscy{small}\\t(0,90,\\fscx{scale}\\fscy{scale})}}");
                }

                for (int j = 0; j < ws.Count; j++)
                {
                    if (j > 0)
                    {
                        t.Append(' ');
                    }

                    string w = EscapeAss(ws[j].Text);
                    // the colour goes back by \c, not \r: a reset would also undo the line's scale
                    t.Append(j == i ? "{\\c" + lit + "&}" + w + "{\\c" + text + "&}" : w);
                }

                AppendEvent(sb, from, to, t.ToString(), marginV);
            }
        }

        return sb.ToString();
    }

    /// <param name="marginV">the event's own bottom margin in pixels; 0 keeps the style's</param>
    private static void AppendEvent(StringBuilder sb, long from, long to, string text, int marginV = 0) =>
        sb.Append("Dialogue: 0,").Append(AssTime(from)).Append(',').Append(AssTime(to)).Append(',').Append(Style)
            .Append(",,0,0,").Append(marginV.ToString(Inv)).Append(",,").Append(text).Append('\n');

    /// <summary>The words as they will be drawn in the preset (upper-cased when it says so, emoji left out unless the options want them), space-joined.</summary>
    public string DrawnText(CaptionOptions o, CaptionPreset? preset = null) =>
        string.Join(' ', DisplayWords(o, preset ?? CaptionPresets.Get(o.Preset)).Select(w => w.Text));

    private List<Word> DisplayWords(CaptionOptions o, CaptionPreset p)
    {
        var output = new List<Word>();
        foreach (var w in Words)
        {
            string t = o.Emoji ? w.Text : WithoutEmoji(w.Text);
            if (t.Length > 0)
            {
                output.Add(new Word(p.Uppercase ? t.ToUpperInvariant() : t, w.Start, w.End, w.Confidence));
            }
        }

        return output;
    }

    /// <summary>
    /// The text without emoji: pictographs, dingbats, flags, keycaps and the joiners and selectors that build them
    /// (a word of emoji only becomes empty).
    /// </summary>
    internal static string WithoutEmoji(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            int c = rune.Value;
            bool emoji = c is >= 0x1F000 and <= 0x1FAFF or >= 0x2600 and <= 0x27BF or >= 0x2B00 and <= 0x2BFF
                or >= 0xE0020 and <= 0xE007F or 0x200D or 0xFE0F or 0x20E3 or 0x2122 or 0x2139 or >= 0x2194 and <= 0x21AA
                or >= 0x231A and <= 0x23FF or 0x24C2 or >= 0x25AA and <= 0x25FE or 0x3030 or 0x303D or 0x3297 or 0x3299;
            if (!emoji)
            {
                sb.Append(rune.ToString());
            }
        }

        return sb.ToString().Trim();
    }

    /// <summary>
    /// Makes a word literal in ASS text: braces would open an override block, and a backslash followed by n, N or
    /// h would become a line break or hard space, so a word joiner (U+2060, invisible) follows it.
    /// </summary>
    internal static string EscapeAss(string word)
    {
        var sb = new StringBuilder();
        foreach (char c in word)
        {
            switch (c)
            {
                case '{': sb.Append("\\{"); break;
                case '}': sb.Append("\\}"); break;
                case '\\': sb.Append("\\\u2060"); break;
                case '\n' or '\r': sb.Append(' '); break;
                default: sb.Append(c); break;
            }
        }

        return sb.ToString();
    }

    internal static long Centis(double seconds) => (long)Math.Round(Math.Max(0, seconds) * 100, MidpointRounding.AwayFromZero);

    /// <summary>ASS time: <c>H:MM:SS.cc</c>.</summary>
    internal static string AssTime(long centis) =>
        string.Create(Inv, $"{centis / 360_000}:{centis / 6000 % 60:00}:{centis / 100 % 60:00}.{centis % 100:00}");

    // ---- grouping --------------------------------------------------------------------------------------------

    /// <summary>How a group is measured (characters or pixels), its maximum, and the size of one unit of overflow.</summary>
    internal sealed record Limit(Func<IReadOnlyList<Word>, double> Measure, double Max, double Unit);

    /// <summary>
    /// Splits words into groups of minWords..maxWords. A sentence end or a pause of <paramref name="pauseBreak"/>
    /// always ends a group, except that a run too short to stand alone joins the neighbour it is closer to in
    /// time. Within a run the split is the one with the fewest groups that respects the limit and
    /// <paramref name="maxSeconds"/> as far as it can (overflows are penalised, not forbidden, so a long word
    /// still gets a line), preferring evenly filled groups.
    /// </summary>
    internal static List<List<Word>> Partition(IReadOnlyList<Word> words, int minWords, int maxWords, Limit limit,
        double maxSeconds, double pauseBreak)
    {
        var runs = new List<List<Word>>();
        var current = new List<Word>();
        foreach (var w in words)
        {
            if (current.Count > 0)
            {
                var prev = current[^1];
                if (EndsSentence(prev.Text) || w.Start - prev.End >= pauseBreak)
                {
                    runs.Add(current);
                    current = [];
                }
            }

            current.Add(w);
        }

        if (current.Count > 0)
        {
            runs.Add(current);
        }

        MergeShortRuns(runs, minWords);
        var groups = new List<List<Word>>();
        foreach (var run in runs)
        {
            groups.AddRange(Split(run, minWords, maxWords, limit, maxSeconds));
        }

        return groups;
    }

    private static void MergeShortRuns(List<List<Word>> runs, int minWords)
    {
        bool merged = true;
        while (merged && runs.Count > 1)
        {
            merged = false;
            for (int i = 0; i < runs.Count; i++)
            {
                if (runs[i].Count >= minWords)
                {
                    continue;
                }

                double gapBefore = i > 0 ? Gap(runs[i - 1], runs[i]) : double.MaxValue;
                double gapAfter = i + 1 < runs.Count ? Gap(runs[i], runs[i + 1]) : double.MaxValue;
                int into = gapBefore <= gapAfter ? i - 1 : i + 1;
                var joined = new List<Word>(runs[Math.Min(i, into)]);
                joined.AddRange(runs[Math.Max(i, into)]);
                runs[Math.Min(i, into)] = joined;
                runs.RemoveAt(Math.Max(i, into));
                merged = true;
                break;
            }
        }
    }

    private static double Gap(List<Word> before, List<Word> after) => after[0].Start - before[^1].End;

    /// <summary>Dynamic programming over split points; every group has minWords..maxWords words when the run allows.</summary>
    private static List<List<Word>> Split(List<Word> run, int minWords, int maxWords, Limit limit, double maxSeconds)
    {
        int n = run.Count;
        if (n <= minWords)
        {
            return [run.ToList()];
        }

        var best = new double[n + 1];
        var take = new int[n + 1];
        Array.Fill(best, double.MaxValue);
        best[0] = 0;
        for (int i = 1; i <= n; i++)
        {
            for (int k = maxWords; k >= minWords; k--)
            {
                if (k > i || best[i - k] == double.MaxValue)
                {
                    continue;
                }

                double c = best[i - k] + Cost(run.GetRange(i - k, k), maxWords, limit, maxSeconds);
                if (c < best[i])
                {
                    best[i] = c;
                    take[i] = k;
                }
            }
        }

        var output = new List<List<Word>>();
        for (int i = n; i > 0; i -= take[i])
        {
            output.Insert(0, run.GetRange(i - take[i], take[i]));
        }

        return output;
    }

    /// <summary>One per group (fewest groups first), overflow heavily penalised, a small term for uneven groups.</summary>
    private static double Cost(List<Word> group, int maxWords, Limit limit, double maxSeconds)
    {
        double over = Math.Max(0, limit.Measure(group) - limit.Max) / limit.Unit;
        double seconds = group[^1].End - group[0].Start;
        int slack = maxWords - group.Count;
        return 1 + 10.0 * over + 10.0 * Math.Max(0, seconds - maxSeconds)
            + 0.5 * slack * slack / (double)(maxWords * maxWords);
    }

    private static bool EndsSentence(string word)
    {
        string w = TrailingClosers().Replace(word, "");
        return w.EndsWith('.') || w.EndsWith('!') || w.EndsWith('?') || w.EndsWith('…');
    }

    internal static string Join(IEnumerable<Word> ws) => string.Join(' ', ws.Select(w => w.Text));

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex("[\"'”’)\\]]+$")]
    private static partial Regex TrailingClosers();
}
