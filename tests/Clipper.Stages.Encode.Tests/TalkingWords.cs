using Clipper.Core.Samples;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Encode.Tests;

/// <summary>
/// Word timings for a sample video: each sentence's known span shared among its words in proportion to their
/// length. Not what a recogniser would say to the millisecond, but the encoder only has to follow the times it
/// is given.
/// </summary>
internal static class TalkingWords
{
    public static IReadOnlyList<Word> Of(BuiltMedia built)
    {
        var output = new List<Word>();
        foreach (var s in built.Sentences)
        {
            var ws = s.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            int letters = ws.Sum(w => w.Length + 1);
            double t = s.Start;
            double perLetter = (s.End - s.Start) / letters;
            foreach (var w in ws)
            {
                double d = (w.Length + 1) * perLetter;
                output.Add(new Word(w, t, t + d * 0.9, 0.9));
                t += d;
            }
        }

        return output;
    }
}
