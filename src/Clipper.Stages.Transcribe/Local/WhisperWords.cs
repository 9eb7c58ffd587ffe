using System.Text;
using Clipper.Core.Transcripts;
using Whisper.net;

namespace Clipper.Stages.Transcribe.Local;

/// <summary>
/// Whisper's segments and tokens as Clipper's words. A token whose text starts with a space (or the first of a segment)
/// begins a new word; one without continues the word before it (the rest of a long word, an apostrophe); a token of
/// punctuation only (".", ",", " -") joins the word before it whatever its spacing. Special tokens (<c>[_BEG_]</c>,
/// <c>[_TT_150]</c>, <c>&lt;|endoftext|&gt;</c>) are dropped. A word runs from its first token's start to its last token's
/// end (whisper.cpp counts token times in centiseconds) and its confidence is its tokens' mean probability.
/// </summary>
public static class WhisperWords
{
    /// <summary>The words of <paramref name="segments"/> in order, times capped at <paramref name="audioSeconds"/> (Whisper pads audio to 30 s windows).</summary>
    public static IReadOnlyList<Word> From(IEnumerable<SegmentData> segments, double audioSeconds)
    {
        var words = new List<Word>();
        Draft? current = null;
        foreach (var segment in segments)
        {
            bool firstOfSegment = true;
            foreach (var token in segment.Tokens ?? [])
            {
                var piece = token.Text ?? "";
                if (piece.Trim().Length == 0 || IsSpecial(piece))
                {
                    continue;
                }

                double from = Math.Min(Seconds(token.Start), audioSeconds);
                double to = Math.Min(Seconds(token.End), audioSeconds);
                bool mark = !piece.Any(char.IsLetterOrDigit);
                if (current is null || (!mark && (firstOfSegment || piece[0] == ' ')))
                {
                    Flush(current, words);
                    current = new Draft(from);
                }

                current.Add(mark ? piece.Trim() : piece, to, token.Probability);
                firstOfSegment = false;
            }
        }

        Flush(current, words);
        return words;
    }

    /// <summary>Whisper's markers: <c>[_BEG_]</c>, <c>[_TT_42]</c>, <c>[_SOT_]</c> as whisper.cpp names them, <c>&lt;|en|&gt;</c> as the tokenizer does.</summary>
    public static bool IsSpecial(string token) =>
        (token.StartsWith("[_", StringComparison.Ordinal) && token.EndsWith(']'))
        || (token.StartsWith("<|", StringComparison.Ordinal) && token.EndsWith("|>", StringComparison.Ordinal));

    /// <summary>whisper.cpp's token times count centiseconds.</summary>
    public static double Seconds(long centiseconds) => Math.Max(0, centiseconds) / 100.0;

    private static void Flush(Draft? draft, List<Word> words)
    {
        if (draft is null)
        {
            return;
        }

        var text = draft.Text.ToString().Trim();
        if (text.Any(char.IsLetterOrDigit))
        {
            words.Add(new Word(text, draft.Start, Math.Max(draft.Start, draft.End), Math.Clamp(draft.Probability / draft.Tokens, 0, 1)));
        }
        else if (words.Count > 0)
        {
            // marks before any word of their own (a segment that opens with punctuation) end the word before
            var last = words[^1];
            words[^1] = new Word(last.Text + text, last.Start, Math.Max(last.End, draft.End), last.Confidence);
        }
    }

    private sealed class Draft(double start)
    {
        public StringBuilder Text { get; } = new();

        public double Start { get; } = start;

        public double End { get; private set; } = start;

        public double Probability { get; private set; }

        public int Tokens { get; private set; }

        public void Add(string piece, double end, double probability)
        {
            Text.Append(piece);
            End = Math.Max(End, end);
            Probability += probability;
            Tokens++;
        }
    }
}
