using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Encode;

/// <summary>
/// The words of one clip, with times in seconds from the clip's start, and the caption files made from them:
/// SRT and WebVTT cues of a few words, and an ASS script for burning in that shows lines of a few words with the
/// word being spoken highlighted.
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
    internal static int FontPixels(int width, int height, CaptionOptions o) =>
        (int)Math.Round(Math.Min(width, height) * o.FontSize, MidpointRounding.AwayFromZero);

    internal static int OutlinePixels(int width, int height, CaptionOptions o) =>
        Math.Max(1, (int)Math.Round(FontPixels(width, height, o) * o.Outline, MidpointRounding.AwayFromZero));

    /// <summary>
    /// The widest a line's text (advance width, in pixels) may be: the frame between the side margins, less the
    /// outline drawn on either side.
    /// </summary>
    public static double MaxLineWidth(int width, int height, CaptionOptions o) =>
        width - 2 * Math.Round(width * o.SideMargin, MidpointRounding.AwayFromZero) - 2 * OutlinePixels(width, height, o);

    /// <summary>
    /// The burned-in lines at this output size: <see cref="CaptionOptions.MinWordsPerLine"/>–<see
    /// cref="CaptionOptions.MaxWordsPerLine"/> words each (unless the clip has fewer words), as wide as the frame
    /// allows by the font's measured glyph advances (or at most <see cref="CaptionOptions.MaxCharsPerLine"/>
    /// characters when that is set) where the words allow, breaking at sentence ends and pauses. A line is up
    /// from its first word's start until <see cref="CaptionOptions.HoldSeconds"/> after its last word's end, or
    /// until the next line starts.
    /// </summary>
    public IReadOnlyList<Line> Lines(int width, int height, CaptionOptions o, CaptionFont font)
    {
        int fontPx = FontPixels(width, height, o);
        var limit = o.MaxCharsPerLine > 0
            ? new Limit(g => Join(g).Length, o.MaxCharsPerLine, 1)
            // overflow is counted in units of about one character, as for the character limit
            : new Limit(g => font.Width(Join(g), fontPx), MaxLineWidth(width, height, o), fontPx * 0.5);
        var groups = Partition(DisplayWords(o), o.MinWordsPerLine, o.MaxWordsPerLine, limit, double.MaxValue,
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
    /// An ASS script for a <paramref name="width"/>×<paramref name="height"/> output. Each line is cut into one
    /// Dialogue event per word: the event for word i runs from word i's start to word i+1's start (the last to
    /// the line's end) and draws the whole line with word i in the highlight colour. So the highlight moves
    /// exactly at each word's start, and between words the last spoken word stays lit. The highlight changes
    /// the colour only — no scaling, no change of border — so every event of a line lays out identically and
    /// the words never shift as the highlight moves.
    /// </summary>
    public string Ass(int width, int height, CaptionOptions o, CaptionFont font)
    {
        int fontPx = FontPixels(width, height, o);
        int outline = OutlinePixels(width, height, o);
        int shadow = (int)Math.Round(fontPx * o.Shadow, MidpointRounding.AwayFromZero);
        int side = (int)Math.Round(width * o.SideMargin, MidpointRounding.AwayFromZero);
        int bottom = (int)Math.Round(height * o.BottomMargin, MidpointRounding.AwayFromZero);
        string text = AssColour.Parse(o.TextColour);
        string outlineColour = AssColour.Parse(o.OutlineColour);
        string shadowColour = AssColour.WithAlpha(o.OutlineColour, 0x80);
        string highlight = "{\\c" + AssColour.Parse(o.HighlightColour) + "&}";

        var sb = new StringBuilder();
        sb.Append("[Script Info]\n")
            .Append("; Clipper captions: one event per spoken word, the current word highlighted\n")
            .Append("ScriptType: v4.00+\n")
            .Append("PlayResX: ").Append(width).Append('\n')
            .Append("PlayResY: ").Append(height).Append('\n')
            .Append("WrapStyle: 0\n")
            .Append("ScaledBorderAndShadow: yes\n\n")
            .Append("[V4+ Styles]\n")
            .Append("Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, ")
            .Append("Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, ")
            .Append("Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n")
            // Bold -1: the Black weight needs no synthetic bolding, and the fallback is drawn as DejaVu Sans Bold
            .Append(string.Create(Inv,
                $"Style: {Style},{font.Name},{fontPx},{text},{text},{outlineColour},{shadowColour},-1,0,0,0,100,100,0,0,1,{outline},{shadow},2,{side},{side},{bottom},1\n"))
            .Append("\n[Events]\n")
            .Append("Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n");
        foreach (var line in Lines(width, height, o, font))
        {
            var ws = line.Words;
            for (int i = 0; i < ws.Count; i++)
            {
                long from = Centis(ws[i].Start);
                long to = Centis(i + 1 < ws.Count ? ws[i + 1].Start : line.End);
                if (to <= from)
                {
                    continue; // two words in the same centisecond: the later one wins
                }

                var t = new StringBuilder();
                for (int j = 0; j < ws.Count; j++)
                {
                    if (j > 0)
                    {
                        t.Append(' ');
                    }

                    string w = EscapeAss(ws[j].Text);
                    if (j == i)
                    {
                        t.Append(highlight).Append(w).Append("{\\r}");
                    }
                    else
                    {
                        t.Append(w);
                    }
                }

                sb.Append("Dialogue: 0,").Append(AssTime(from)).Append(',').Append(AssTime(to)).Append(',').Append(Style)
                    .Append(",,0,0,0,,").Append(t).Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <summary>The words as they will be drawn (upper-cased when the options say so), space-joined.</summary>
    public string DrawnText(CaptionOptions o) => string.Join(' ', DisplayWords(o).Select(w => w.Text));

    private IReadOnlyList<Word> DisplayWords(CaptionOptions o) =>
        !o.Uppercase ? Words : Words.Select(w => new Word(w.Text.ToUpperInvariant(), w.Start, w.End, w.Confidence)).ToList();

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
