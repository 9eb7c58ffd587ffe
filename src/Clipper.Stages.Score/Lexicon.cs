using System.Text.RegularExpressions;

namespace Clipper.Stages.Score;

/// <summary>
/// The word lists behind the heuristic scorer. Small and hand-picked for spoken English: each entry is there
/// because it marks a hook, a dangling start, emotion or filler in talks, not because a dictionary says so.
/// </summary>
public static partial class Lexicon
{
    /// <summary>Words that open a question even when no question mark is written (recognisers print none).</summary>
    public static readonly IReadOnlySet<string> QuestionOpeners = new HashSet<string>
    {
        "why", "how", "what", "who", "whose", "do", "does", "did", "is", "are", "can", "could", "should", "would",
        "will", "have", "has", "ever", "isn't", "aren't", "don't", "doesn't", "didn't", "can't", "won't", "what's",
        "how's", "who's", "shouldn't", "wouldn't", "couldn't",
    };

    /// <summary>Phrases that promise a payoff, matched on the opening's words joined by single spaces.</summary>
    public static readonly IReadOnlyList<string> Curiosity =
    [
        "here is", "here's", "secret", "nobody", "no one", "the truth", "the reason", "let me tell you", "what if",
        "imagine", "the one thing", "trick", "surprised", "surprising", "turns out", "the key", "mistake", "lesson",
        "how to", "the real", "i learned", "never told",
    ];

    /// <summary>Bold, contrarian or superlative claims.</summary>
    public static readonly IReadOnlyList<string> Bold =
    [
        "biggest", "most important", "best", "worst", "never", "always", "everyone", "everything", "nothing", "only",
        "wrong", "myth", "stop", "the most", "must", "changed my life", "changed everything", "guarantee",
        "number one", "ever",
    ];

    public static readonly IReadOnlySet<string> NumberWords = new HashSet<string>
    {
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
        "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
        "hundreds", "thousand", "thousands", "million", "millions", "billion", "percent", "half", "dozen", "double",
        "twice", "triple",
    };

    public static readonly IReadOnlySet<string> You = new HashSet<string>
    {
        "you", "your", "you're", "yours", "yourself", "you'll", "you've", "you'd",
    };

    /// <summary>Openers that continue a thought begun before the clip.</summary>
    public static readonly IReadOnlySet<string> Connectives = new HashSet<string>
    {
        "and", "but", "so", "because", "or", "then", "also", "which", "plus", "though", "although", "anyway",
        "therefore", "however", "nor", "cause", "'cause", "hence", "thus",
    };

    public static readonly IReadOnlySet<string> Fillers = new HashSet<string>
    {
        "um", "uh", "erm", "er", "ah", "hmm", "mm", "well", "like", "okay", "ok", "yeah", "right", "oh", "anyways",
        "basically",
    };

    /// <summary>Openers that point back at something said before the clip.</summary>
    public static readonly IReadOnlySet<string> BackReferences = new HashSet<string>
    {
        "it", "that", "this", "they", "he", "she", "those", "these", "them", "it's", "that's", "they're", "he's",
        "she's", "there",
    };

    /// <summary>Words a sentence cannot end on.</summary>
    public static readonly IReadOnlySet<string> DanglingEnds = new HashSet<string>
    {
        "and", "but", "so", "because", "or", "the", "a", "an", "to", "of", "with", "that", "which", "my", "your",
        "our", "their", "is", "are", "for", "in", "on", "at", "if", "when",
    };

    /// <summary>Phrases that wrap a thought up.</summary>
    public static readonly IReadOnlyList<string> Conclusions =
    [
        "so if", "remember", "that's why", "that is why", "the lesson", "the point", "in the end", "the bottom line",
        "the answer", "thank you", "that's the", "that is the", "changed everything", "so take", "so before",
    ];

    public static readonly IReadOnlySet<string> Emotion = new HashSet<string>
    {
        "love", "loved", "hate", "hated", "fear", "afraid", "scared", "terrified", "painful", "pain", "hurt",
        "anxious", "anxiety", "worry", "worried", "stress", "stressed", "happy", "happiness", "joy", "sad", "sadness",
        "angry", "anger", "furious", "amazing", "incredible", "awesome", "wonderful", "beautiful", "brilliant",
        "terrible", "awful", "horrible", "shocked", "shocking", "surprised", "surprising", "excited", "exciting",
        "proud", "ashamed", "embarrassed", "guilty", "lonely", "fail", "failed", "failure", "failures", "success",
        "win", "won", "lose", "lost", "dream", "dreams", "hope", "hopeless", "crazy", "ridiculous", "insane",
        "struggle", "struggled", "cry", "cried", "tears", "laugh", "laughed", "funny", "risk", "danger", "dangerous",
        "threat", "safe", "unsafe", "honest", "honesty", "courage", "brave", "desperate", "panic", "thrive", "fall",
        "fell", "mistake", "mistakes", "regret", "grateful", "thank", "thanks", "luck", "silly", "secret", "saved",
        "destroyed", "broke", "broken", "alone", "killed", "dead", "die", "died", "heart", "nervous", "frustrated",
        "disaster", "miracle", "powerful", "deeply", "passion", "obsessed",
    };

    public static readonly IReadOnlySet<string> Intensifiers = new HashSet<string>
    {
        "very", "really", "extremely", "absolutely", "totally", "completely", "incredibly", "literally", "honestly",
        "truly", "never", "always", "every", "single", "most", "biggest", "huge", "massive", "so", "such", "entire",
        "everything", "nothing", "ever", "much",
    };

    /// <summary>Function words; what is left carries the content.</summary>
    public static readonly IReadOnlySet<string> Stopwords = new HashSet<string>
    {
        "a", "an", "the", "and", "or", "but", "so", "if", "then", "than", "that", "this", "these", "those", "it", "its",
        "it's", "i", "i'm", "i've", "i'd", "i'll", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his",
        "she", "her", "they", "them", "their", "there", "here", "is", "am", "are", "was", "were", "be", "been",
        "being", "have", "has", "had", "do", "does", "did", "will", "would", "can", "could", "should", "may", "might",
        "must", "shall", "to", "of", "in", "on", "at", "by", "for", "with", "about", "from", "into", "over", "under",
        "up", "down", "out", "off", "as", "not", "no", "just", "very", "really", "what", "which", "who", "whom",
        "when", "where", "why", "how", "all", "any", "some", "more", "most", "other", "such", "only", "own", "same",
        "too", "also", "now", "well", "like", "um", "uh", "oh", "yeah", "okay", "get", "got", "go", "going", "know",
        "think", "thing", "things", "let", "say", "said", "one", "because", "while", "before", "after", "again",
        "once", "each", "both", "few", "much", "many", "every", "don't", "that's", "there's", "you're", "they're",
        "we're", "what's", "let's",
    };

    private static readonly string[] Suffixes = ["s", "es", "ed", "d", "ing", "ly"];

    /// <summary>Lower case, curly apostrophes straightened, punctuation dropped ("You're," → "you're").</summary>
    public static string Norm(string word) =>
        NotWordChar().Replace(word.ToLowerInvariant().Replace('’', '\''), "").Trim('\'');

    public static bool IsNumber(string norm) => NumberWords.Contains(norm) || norm.Any(char.IsDigit);

    /// <summary>A word or a simple inflection of it is in the set ("failures" → "failure", "worked" → "work").</summary>
    public static bool InflectionOf(IReadOnlySet<string> set, string norm)
    {
        if (set.Contains(norm))
        {
            return true;
        }

        foreach (var suffix in Suffixes)
        {
            if (norm.Length > suffix.Length + 2 && norm.EndsWith(suffix, StringComparison.Ordinal)
                && set.Contains(norm[..^suffix.Length]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first phrase that occurs, space-joined, in the space-padded text (" here is the secret "), or null.</summary>
    public static string? FirstPhraseIn(string paddedText, IReadOnlyList<string> phrases) =>
        phrases.FirstOrDefault(p => paddedText.Contains(" " + p + " ", StringComparison.Ordinal));

    // marks (\p{M}) are part of words in Devanagari, Thai, Arabic, …
    [GeneratedRegex(@"[^\p{L}\p{M}\p{N}'%$]")]
    private static partial Regex NotWordChar();
}
