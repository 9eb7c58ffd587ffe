using System.Globalization;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Score;

/// <summary>
/// Publish metadata from a clip's own words, for every clip with or without an LLM: a description (its opening
/// sentences, at most <see cref="MaxDescription"/> characters) and hashtags (its most repeated content words). Words of
/// any script count; the English stop-words are left out only of English (or unknown-language) text.
/// </summary>
public static class Publish
{
    public const int MaxDescription = 200;

    public static string Description(Window w)
    {
        var text = string.Join(' ', w.Sentences.Take(2).Select(s => s.Text)).Trim();
        if (text.Length <= MaxDescription)
        {
            return text;
        }

        int cut = text.LastIndexOf(' ', MaxDescription - 1);
        return text[..(cut > 0 ? cut : MaxDescription - 1)].TrimEnd(',', ';', ':', ' ') + "…";
    }

    /// <summary>Three to five "#Word" tags: the clip's content words said most often (ties: the earlier), at least four letters.</summary>
    public static IReadOnlyList<string> Hashtags(Window w)
    {
        var counts = new Dictionary<string, (int Count, int First)>(StringComparer.Ordinal);
        int position = 0;
        bool english = !Languages.IsOtherThanEnglish(w.Language);
        foreach (var word in w.Words)
        {
            var n = Lexicon.Norm(word.Text);
            position++;
            if (n.Length < 4 || !n.All(c => char.IsLetter(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark
                    or UnicodeCategory.SpacingCombiningMark) || (english && Lexicon.Stopwords.Contains(n)))
            {
                continue;
            }

            counts[n] = counts.TryGetValue(n, out var c) ? (c.Count + 1, c.First) : (1, position);
        }

        return counts.OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Value.First).Take(5)
            .Where((kv, i) => i < 3 || kv.Value.Count > 1)
            .Select(kv => "#" + CultureInfo.InvariantCulture.TextInfo.ToTitleCase(kv.Key))
            .ToList();
    }
}
