using System.Text.RegularExpressions;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Score.Tests;

/// <summary>Hand-written speech for unit tests: sentences spoken at a given pace with pauses between them.</summary>
internal static partial class HandWords
{
    public static readonly ScoreOptions Defaults = new();

    /// <summary>Words of the sentences, each sentence at <paramref name="wordsPerSecond"/>, <paramref name="pause"/> seconds between sentences.</summary>
    public static List<Word> Speak(double start, double wordsPerSecond, double pause, params IEnumerable<string> sentences)
    {
        var output = new List<Word>();
        double t = start;
        foreach (var s in sentences)
        {
            foreach (var w in s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                double d = 1 / wordsPerSecond;
                output.Add(new Word(w, t, t + (d * 0.9), 0.9));
                t += d;
            }

            t += pause;
        }

        return output;
    }

    /// <summary>One window of punctuated sentences spoken at 3 words/s.</summary>
    public static Window Window(params string[] sentences) =>
        Score.Window.Of(Sentences.Split(Speak(0, 3, 0.6, sentences), Defaults, 25).Sentences);

    /// <summary>Lower case and unpunctuated, as a recogniser prints it.</summary>
    public static string Plain(string sentence) => NotLetter().Replace(sentence.ToLowerInvariant(), "");

    /// <summary>One window of lower-case, unpunctuated sentences (as a recogniser prints them), split by pauses.</summary>
    public static Window Spoken(params string[] sentences) =>
        Score.Window.Of(Sentences.Split(Speak(0, 3, 0.8, sentences.Select(Plain)), Defaults, 25).Sentences);

    [GeneratedRegex("[^a-z' ]")]
    private static partial Regex NotLetter();
}
