using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Transcribe;

/// <summary>
/// Reads the side-car captions that came with the source (SRT or WebVTT, including YouTube's rolling
/// auto-captions). Human captions beat any recogniser we can run offline, so this provider goes first.
/// Words keep their punctuation because the scorer finds sentence ends by it. Word times come from VTT inline
/// timestamps (<c>&lt;00:00:01.200&gt;</c>) when present; otherwise a cue's time is shared among its words in
/// proportion to their length, which is within a few hundred milliseconds for ordinary speech.
/// <para>
/// Speaker marks become each word's <see cref="Word.Speaker"/> (<see cref="SpeakerRun"/>): a WebVTT voice span
/// (<c>&lt;v Roger Bingham&gt;</c>, also with classes, <c>&lt;v.loud Esme&gt;</c>; the span's annotation is the voice's name,
/// and a <c>&lt;v&gt;</c> without one names nobody), an upper-case name and a colon at the start of a cue line
/// (<c>ANN:</c>, <c>DR. SMITH:</c>), and <c>&gt;&gt;</c>, which only says that someone new speaks: each one starts an
/// unnamed turn of its own (<see cref="SpeakerRun.Unnamed"/>), and the tracker tells which face each turn is. A mark
/// labels the words after it up to the next mark or the end of its cue; words before the first mark of a cue have none.
/// Dialogue dashes are not read as speakers (a dash's line may be the one who spoke before).
/// </para>
/// </summary>
public sealed partial class CaptionFileProvider : ITranscriptProvider
{
    private const string Ts = @"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})";

    /// <summary>The last word of a timestamped segment ends at the next timestamp, which may include a pause.</summary>
    private const double SecondsPerChar = 0.09;

    /// <summary>Starts a marker token that Tokens reads as "from here on, this speaker" (private use: never in captions' text).</summary>
    private const char SpeakerToken = '\uE000';

    /// <summary>Stands for a space inside a marker token's label.</summary>
    private const char LabelSpace = '\uE001';

    /// <summary>Symbols that stand for a spoken word ("&amp;" is "and") rather than punctuation.</summary>
    private static readonly HashSet<string> SpokenSymbols = ["&", "%", "$", "€", "£", "+", "="];

    public string Name => "captions";

    public bool NeedsAudio => false;

    public async Task<Transcript?> TranscribeAsync(TranscribeRequest request, IProgress<double>? progress, CancellationToken cancel)
    {
        if (request.Captions is null || !File.Exists(request.Captions))
        {
            return null;
        }

        string text;
        try
        {
            text = await File.ReadAllTextAsync(request.Captions, Encoding.UTF8, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a broken side-car file must not fail the job: the recogniser can still do the work
            return null;
        }

        var words = Parse(text);
        return words.Count == 0 ? null : new Transcript(words, Name, Language: LanguageOf(text, request.Captions));
    }

    /// <summary>
    /// The captions' own language: a WebVTT header's <c>Language:</c> line (YouTube writes one), else a language between
    /// the file's stem and its extension (<c>talk.de.vtt</c>, <c>talk.pt-BR.srt</c>); null when neither says.
    /// </summary>
    public static string? LanguageOf(string text, string path)
    {
        foreach (var line in LineBreak().Split(StripBom(text)).Take(20))
        {
            if (Timing().IsMatch(line))
            {
                break; // the header ends at the first cue
            }

            if (line.StartsWith("Language:", StringComparison.OrdinalIgnoreCase) && Languages.Code(line["Language:".Length..]) is { } header)
            {
                return header;
            }
        }

        var parts = Path.GetFileName(path).Split('.');
        return parts.Length >= 3 ? Languages.Code(parts[^2]) : null;
    }

    /// <summary>Parses SRT or WebVTT (told apart by the WEBVTT header; both share the cue grammar used here).</summary>
    public static IReadOnlyList<Word> Parse(string text) => ParseCues(StripBom(text));

    /// <summary>
    /// Both formats are "timing line, then text lines up to an empty line"; the line just before a timing line
    /// is an SRT index or a VTT cue id, never text. Header, NOTE, STYLE and REGION blocks hold no timing line and
    /// are skipped by construction.
    /// </summary>
    private static List<Word> ParseCues(string text)
    {
        var lines = LineBreak().Split(text);
        var words = new List<Word>();
        string lastLine = "";
        int changes = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            var m = Timing().Match(lines[i]);
            if (!m.Success)
            {
                continue;
            }

            double start = Seconds(m, 1);
            double end = Seconds(m, 5);
            var cueLines = new List<string>();
            for (int j = i + 1; j < lines.Length && lines[j].Length > 0; j++)
            {
                if (Timing().IsMatch(lines[j]) || (j + 1 < lines.Length && Timing().IsMatch(lines[j + 1])))
                {
                    break;
                }

                if (!string.IsNullOrWhiteSpace(lines[j]))
                {
                    cueLines.Add(lines[j]);
                }
            }

            // rolling captions (YouTube) repeat the previous line on top of the new one: keep only new lines
            var fresh = new List<string>();
            foreach (var line in cueLines)
            {
                var plain = PlainText(line);
                if (plain.Length == 0 || plain == lastLine)
                {
                    continue;
                }

                fresh.Add(line);
                lastLine = plain;
            }

            if (fresh.Count == 0 || end <= start)
            {
                continue;
            }

            AddCueWords(string.Join(' ', fresh.Select(l => MarkSpeakers(l, ref changes))), start, end, words);
        }

        return Untangle(words);
    }

    /// <summary>Splits a cue at its inline timestamps and times the words of each piece.</summary>
    private static void AddCueWords(string raw, double cueStart, double cueEnd, List<Word> output)
    {
        var pieces = new List<string>();
        var starts = new List<double>();
        int from = 0;
        double pieceStart = cueStart;
        foreach (Match ts in InlineTs().Matches(raw))
        {
            pieces.Add(raw[from..ts.Index]);
            starts.Add(pieceStart);
            pieceStart = Math.Max(cueStart, Math.Min(cueEnd, Seconds(ts, 1)));
            from = ts.Index + ts.Length;
        }

        pieces.Add(raw[from..]);
        starts.Add(pieceStart);
        bool timed = pieces.Count > 1;
        string? speaker = null;
        for (int p = 0; p < pieces.Count; p++)
        {
            var tokens = Tokens(pieces[p], ref speaker);
            if (tokens.Count == 0)
            {
                continue;
            }

            double s = starts[p];
            double e = p + 1 < pieces.Count ? starts[p + 1] : cueEnd;
            if (timed)
            {
                // a timestamp only says when a word begins; don't let the last word swallow the pause after it
                int chars = tokens.Sum(t => t.Text.Length);
                e = Math.Min(e, s + 0.15 + SecondsPerChar * chars);
            }

            Spread(tokens, s, Math.Max(s, e), output);
        }
    }

    /// <summary>Shares [start, end] among the words in proportion to their length (plus one for the gap after each).</summary>
    private static void Spread(List<(string Text, string? Speaker)> tokens, double start, double end, List<Word> output)
    {
        double total = tokens.Sum(t => t.Text.Length + 1);
        double at = start;
        double acc = 0;
        foreach (var (t, speaker) in tokens)
        {
            acc += t.Length + 1;
            double next = start + ((end - start) * acc / total);
            output.Add(new Word(t, at, next, 1.0) { Speaker = speaker });
            at = next;
        }
    }

    /// <summary>
    /// Words of a piece of cue text, tags and sound annotations removed; lone punctuation joins the word before. Each word
    /// carries <paramref name="speaker"/>, which a marker token (<see cref="MarkSpeakers"/>) changes for the words after it.
    /// </summary>
    private static List<(string Text, string? Speaker)> Tokens(string raw, ref string? speaker)
    {
        var output = new List<(string Text, string? Speaker)>();
        foreach (var tok in PlainText(raw).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (tok[0] == SpeakerToken)
            {
                speaker = tok.Length > 1 ? tok[1..].Replace(LabelSpace, ' ') : null;
                continue;
            }

            if (!tok.EnumerateRunes().Any(Rune.IsLetterOrDigit) && !SpokenSymbols.Contains(tok))
            {
                if (output.Count > 0 && SentencePunctuation().IsMatch(tok))
                {
                    output[^1] = output[^1] with { Text = output[^1].Text + NotSentencePunctuation().Replace(tok, "") };
                }

                continue;
            }

            output.Add((tok, speaker));
        }

        return output;
    }

    /// <summary>
    /// One cue line with its speaker marks replaced by marker tokens: a voice span's start tag by its name, a leading
    /// upper-case <c>NAME:</c> by the name, and each <c>&gt;&gt;</c> by the next unnamed turn (<paramref name="changes"/>
    /// counts them through the file). A <c>&gt;&gt;</c> right before a name is the name's.
    /// </summary>
    internal static string MarkSpeakers(string line, ref int changes)
    {
        var marked = Voice().Replace(line, m => " " + Marker(Decode(m.Groups[1].Value)) + " ");
        var named = NamePrefix().Match(marked);
        if (named.Success)
        {
            marked = Marker(named.Groups[1].Value) + " " + marked[named.Length..];
        }

        int n = changes;
        marked = ChangeMark().Replace(marked, _ => " " + SpeakerToken + SpeakerRun.Unnamed(++n) + " ");
        changes = n;
        return marked;
    }

    /// <summary>A marker token for <paramref name="name"/> (whitespace collapsed; characters the cleaning would eat dropped); a bare marker, "nobody", for an empty one.</summary>
    private static string Marker(string name)
    {
        var clean = Whitespace().Replace(LabelNoise().Replace(name, ""), " ").Trim();
        return SpeakerToken + clean.Replace(' ', LabelSpace);
    }

    private static string Decode(string text) =>
        text.Replace("&nbsp;", " ").Replace("&lt;", "<").Replace("&gt;", ">").Replace("&quot;", "\"")
            .Replace("&#39;", "'").Replace("&apos;", "'").Replace("&lrm;", "").Replace("&rlm;", "").Replace("&amp;", "&");

    /// <summary>Cue text as a person reads it: no tags, entities decoded, no speaker arrows or dialogue dashes.</summary>
    internal static string PlainText(string raw)
    {
        var t = Decode(Tag().Replace(raw, ""));
        t = Sound().Replace(t, " ");
        t = SpeakerMark().Replace(t, " ");
        t = InnerSpeakerMark().Replace(t, " ");
        return Whitespace().Replace(t, " ").Trim();
    }

    /// <summary>Orders words by start and trims overlaps that overlapping cues leave behind.</summary>
    private static List<Word> Untangle(List<Word> words)
    {
        var sorted = words.OrderBy(w => w.Start).ToList(); // stable: equal starts keep cue order
        var output = new List<Word>(sorted.Count);
        foreach (var w in sorted)
        {
            if (output.Count > 0)
            {
                var prev = output[^1];
                if (prev.End > w.Start)
                {
                    output[^1] = new Word(prev.Text, prev.Start, Math.Max(prev.Start, w.Start), prev.Confidence) { Speaker = prev.Speaker };
                }
            }

            output.Add(w);
        }

        return output;
    }

    private static double Seconds(Match m, int group)
    {
        double h = m.Groups[group].Success ? double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        double min = double.Parse(m.Groups[group + 1].Value, CultureInfo.InvariantCulture);
        double s = double.Parse(m.Groups[group + 2].Value, CultureInfo.InvariantCulture);
        var frac = m.Groups[group + 3].Value;
        double f = double.Parse(frac, CultureInfo.InvariantCulture) / Math.Pow(10, frac.Length);
        return (h * 3600) + (min * 60) + s + f;
    }

    private static string StripBom(string text) => text.StartsWith('\uFEFF') ? text[1..] : text;

    [GeneratedRegex(@"\r\n|\r|\n")]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"^\s*" + Ts + @"\s*-->\s*" + Ts + @"(?:\s.*)?$")]
    private static partial Regex Timing();

    [GeneratedRegex("<" + Ts + ">")]
    private static partial Regex InlineTs();

    [GeneratedRegex(@"<[^>]*>|\{\\[^}]*}")]
    private static partial Regex Tag();

    /// <summary>Non-speech annotations: [Music], (applause), ♪.</summary>
    [GeneratedRegex(@"\[[^\]]*]|\([^)]*\)|[♪♫]")]
    private static partial Regex Sound();

    [GeneratedRegex(@"^\s*(>>|-)\s*")]
    private static partial Regex SpeakerMark();

    [GeneratedRegex(@"\s>>\s")]
    private static partial Regex InnerSpeakerMark();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>A WebVTT voice span's start tag: "v", optional classes, whitespace, then the annotation (the voice's name).</summary>
    [GeneratedRegex(@"<v(?:\.[^\s>]*)?[ \t]+([^>]*)>")]
    private static partial Regex Voice();

    /// <summary>An upper-case name and a colon at the start of a line, perhaps after a dash or a speaker arrow.</summary>
    [GeneratedRegex(@"^\s*(?:(?:>>|&gt;&gt;|-)\s*)?(\p{Lu}[\p{Lu}\p{Nd}.'’ -]{0,28}?)\s*:(?=\s|$)")]
    private static partial Regex NamePrefix();

    /// <summary>A speaker arrow at the start of a line or after a space (or, escaped, right after a tag).</summary>
    [GeneratedRegex(@"(?:(?<=^|\s)>>|(?<=^|[\s>])&gt;&gt;)")]
    private static partial Regex ChangeMark();

    /// <summary>What a label must not hold: the cleaning of cue text would take tags and annotations apart.</summary>
    [GeneratedRegex(@"[<>()\[\]{}♪♫\uE000\uE001]")]
    private static partial Regex LabelNoise();

    [GeneratedRegex("[.?!;:,]")]
    private static partial Regex SentencePunctuation();

    [GeneratedRegex("[^.?!;:,]")]
    private static partial Regex NotSentencePunctuation();
}
