using System.Text;
using System.Text.RegularExpressions;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Score;

/// <summary>
/// A short, hook-like title from a clip's own words: its opening sentence, stripped of a leading "and so" or
/// "um", cut at a clause boundary (or a word boundary, with an ellipsis) to at most <see cref="Max"/>
/// characters, and title-cased. A question keeps (or, from an unpunctuated transcript, gains) its question mark,
/// which also stands in for the ellipsis when a question is cut short. Text in another language keeps its words as said
/// (only the first letter is raised): English fillers and title case would mangle it.
/// </summary>
public static partial class Titles
{
    public const int Max = 60;

    private static readonly HashSet<string> Small =
    [
        "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "at", "by", "in", "of", "on", "to", "up",
        "as", "per", "via", "vs",
    ];

    private static readonly HashSet<string> Skip =
    [
        "now", "so", "and", "but", "well", "um", "uh", "okay", "ok", "oh", "yeah", "like", "anyway", "also", "then",
        "because", "plus", "right",
    ];

    public static string Of(Window w)
    {
        var tokens = w.First.Words.Select(x => x.Text).ToList();
        if (tokens.Count < 3 && w.Sentences.Count > 1)
        {
            tokens.AddRange(w.Sentences[1].Words.Select(x => x.Text));
        }

        bool english = !Languages.IsOtherThanEnglish(w.Language);
        while (english && tokens.Count > 3 && Skip.Contains(Lexicon.Norm(tokens[0])))
        {
            tokens.RemoveAt(0);
        }

        var opener = Lexicon.Norm(tokens[0]);
        bool question = tokens.Any(t => t.Contains('?')) || (english && Lexicon.QuestionOpeners.Contains(opener));

        var kept = Fit(tokens);
        bool truncated = kept.Count < tokens.Count && !EndsClause(kept[^1]);
        var title = TrailingPunctuation().Replace(english ? TitleCase(kept) : Capitalise(string.Join(' ', kept)), "");
        // a cut-short question still reads as a question ("What Is the One Thing I Want Them to Remember Tomorrow?")
        if (question)
        {
            return title + "?";
        }

        return truncated ? title + "…" : title;
    }

    /// <summary>The longest prefix within <see cref="Max"/> characters, preferring one that ends a clause.</summary>
    private static List<string> Fit(List<string> tokens)
    {
        if (TrailingStops().Replace(string.Join(' ', tokens), "").Length <= Max)
        {
            return tokens;
        }

        int length = -1;
        int lastFit = 0;
        int lastClause = 0;
        for (int i = 0; i < tokens.Count; i++)
        {
            length += 1 + tokens[i].Length;
            if (length > Max - 1)
            {
                break; // leave room for the ellipsis
            }

            lastFit = i + 1;
            if (EndsClause(tokens[i]) && length >= 20)
            {
                lastClause = i + 1;
            }
        }

        return tokens[..Math.Max(1, lastClause > 0 ? lastClause : lastFit)];
    }

    private static bool EndsClause(string token) => ClauseEnd().IsMatch(token);

    internal static string TitleCase(IReadOnlyList<string> tokens)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            bool edge = i == 0 || i == tokens.Count - 1;
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(!edge && Small.Contains(Lexicon.Norm(t)) ? t.ToLowerInvariant() : Capitalise(t));
        }

        return sb.ToString();
    }

    /// <summary>Upper-cases the first letter; leaves the rest alone so "iPhone" and "NASA" survive.</summary>
    private static string Capitalise(string t)
    {
        for (int i = 0; i < t.Length; i++)
        {
            if (char.IsLetter(t[i]))
            {
                return string.Concat(t.AsSpan(0, i), char.ToUpperInvariant(t[i]).ToString(), t.AsSpan(i + 1));
            }
        }

        return t;
    }

    [GeneratedRegex(@"[\s.,;:!?…\-–—]+$")]
    private static partial Regex TrailingPunctuation();

    [GeneratedRegex("[.,;:!…]+$")]
    private static partial Regex TrailingStops();

    [GeneratedRegex("[,;:.?!—–]$")]
    private static partial Regex ClauseEnd();
}
