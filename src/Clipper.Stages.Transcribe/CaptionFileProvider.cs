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
/// </summary>
public sealed partial class CaptionFileProvider : ITranscriptProvider
{
    private const string Ts = @"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})";

    /// <summary>The last word of a timestamped segment ends at the next timestamp, which may include a pause.</summary>
    private const double SecondsPerChar = 0.09;

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

            AddCueWords(string.Join(' ', fresh), start, end, words);
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
        for (int p = 0; p < pieces.Count; p++)
        {
            var tokens = Tokens(pieces[p]);
            if (tokens.Count == 0)
            {
                continue;
            }

            double s = starts[p];
            double e = p + 1 < pieces.Count ? starts[p + 1] : cueEnd;
            if (timed)
            {
                // a timestamp only says when a word begins; don't let the last word swallow the pause after it
                int chars = tokens.Sum(t => t.Length);
                e = Math.Min(e, s + 0.15 + SecondsPerChar * chars);
            }

            Spread(tokens, s, Math.Max(s, e), output);
        }
    }

    /// <summary>Shares [start, end] among the words in proportion to their length (plus one for the gap after each).</summary>
    private static void Spread(List<string> tokens, double start, double end, List<Word> output)
    {
        double total = tokens.Sum(t => t.Length + 1);
        double at = start;
        double acc = 0;
        foreach (var t in tokens)
        {
            acc += t.Length + 1;
            double next = start + ((end - start) * acc / total);
            output.Add(new Word(t, at, next, 1.0));
            at = next;
        }
    }

    /// <summary>Words of a piece of cue text, tags and sound annotations removed; lone punctuation joins the word before.</summary>
    private static List<string> Tokens(string raw)
    {
        var output = new List<string>();
        foreach (var tok in PlainText(raw).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!tok.EnumerateRunes().Any(Rune.IsLetterOrDigit) && !SpokenSymbols.Contains(tok))
            {
                if (output.Count > 0 && SentencePunctuation().IsMatch(tok))
                {
                    output[^1] += NotSentencePunctuation().Replace(tok, "");
                }

                continue;
            }

            output.Add(tok);
        }

        return output;
    }

    /// <summary>Cue text as a person reads it: no tags, entities decoded, no speaker arrows or dialogue dashes.</summary>
    internal static string PlainText(string raw)
    {
        var t = Tag().Replace(raw, "");
        t = t.Replace("&nbsp;", " ").Replace("&lt;", "<").Replace("&gt;", ">").Replace("&quot;", "\"")
            .Replace("&#39;", "'").Replace("&apos;", "'").Replace("&lrm;", "").Replace("&rlm;", "")
            .Replace("&amp;", "&");
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
                    output[^1] = new Word(prev.Text, prev.Start, Math.Max(prev.Start, w.Start), prev.Confidence);
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

    [GeneratedRegex("[.?!;:,]")]
    private static partial Regex SentencePunctuation();

    [GeneratedRegex("[^.?!;:,]")]
    private static partial Regex NotSentencePunctuation();
}
