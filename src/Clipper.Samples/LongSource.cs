using Clipper.Core.Media;
using Clipper.Core.Samples;

namespace Clipper.Samples;

/// <summary>
/// One part of a long source: a part of the sample talk (<see cref="Sentences"/>) spoken by a flite voice, or, with no
/// sentences, the LibriVox recordings (real people reading); either over a real photo panning under the frame.
/// </summary>
public sealed record SourcePart(IReadOnlyList<string>? Sentences, string Voice, string Photo)
{
    public bool IsReading => Sentences is null;
}

/// <summary>
/// An hour-long talking video for the benchmark, from the project's real material: the three parts of the sample
/// talk (about 13 minutes of distinct sentences) read in turn by flite's voices, the LibriVox recordings between the
/// rounds, and a different kphotoalbum photo for each part. Only the first round's 13 minutes are distinct text: later
/// rounds say the same passages in other voices, which the scorer's repeat guard clips once, so the job still finds
/// about ten clippable passages while the recogniser, the scorer and the tracker work through a full hour.
/// </summary>
public static class LongSource
{
    /// <summary>flite's voices; the first round is all slt (which the recogniser reads best), later rounds rotate.</summary>
    public static readonly IReadOnlyList<string> Voices = ["slt", "kal", "awb", "rms"];

    /// <summary>kphotoalbum photos with faces, one per part in turn.</summary>
    public static readonly IReadOnlyList<string> Photos = ["jesper.jpg", "anne_helene.jpg", "jesper_2.jpg", "bar55_2.jpg", "pool.jpg"];

    /// <summary>The LibriVox recordings' length with their gaps, for the plan (24.7 s of speech and five 0.6 s gaps).</summary>
    public const double ReadingSeconds = 27.7;

    /// <summary>
    /// The parts of a source of about <paramref name="minutes"/>: round r speaks the talk's three parts (voice slt in
    /// round 0, then <see cref="Voices"/>[(r + part) mod 4]), then the readings; the last talk part is cut to fit.
    /// </summary>
    public static IReadOnlyList<SourcePart> Plan(double minutes)
    {
        var talk = SampleVideo.TalkParts();
        var parts = new List<SourcePart>();
        double seconds = 0, goal = minutes * 60;
        for (int round = 0; seconds < goal; round++)
        {
            for (int p = 0; p < talk.Count && seconds < goal; p++)
            {
                var sentences = SampleVideo.Fill(talk[p], (goal - seconds) / 60);
                if (sentences.Count > talk[p].Count)
                {
                    sentences = [.. talk[p]];
                }

                string voice = round == 0 ? "slt" : Voices[(round + p) % Voices.Count];
                parts.Add(new SourcePart(sentences, voice, Photos[parts.Count % Photos.Count]));
                seconds += Spoken(sentences);
            }

            if (seconds < goal)
            {
                parts.Add(new SourcePart(null, "librivox", Photos[parts.Count % Photos.Count]));
                seconds += ReadingSeconds;
            }
        }

        return parts;
    }

    /// <summary>Builds the parts' videos one by one and joins them (stream copy) into <paramref name="outMp4"/>.</summary>
    public static async Task<BuiltMedia> BuildAsync(IReadOnlyList<SourcePart> parts, Look look, string outMp4, CancellationToken cancel = default)
    {
        var dir = Directory.CreateTempSubdirectory("clipper-long").FullName;
        try
        {
            var videos = new List<BuiltMedia>();
            foreach (var (part, i) in parts.Select((p, i) => (p, i)))
            {
                videos.Add(await PartAsync(part, Path.Combine(dir, $"part-{i}"), look, cancel));
            }

            // each part's sentences move by the length of the parts before it
            var starts = videos.Select(v => v.DurationSeconds).Prepend(0).SkipLast(1).ToList();
            for (int i = 1; i < starts.Count; i++)
            {
                starts[i] += starts[i - 1];
            }

            await SampleVideo.ConcatAsync(videos.Select(v => v.File), ["-c", "copy", "-movflags", "+faststart"], outMp4, cancel);
            var sentences = videos.Zip(starts).SelectMany(x => x.First.Sentences.Select(s => s with { Start = s.Start + x.Second, End = s.End + x.Second }));
            return new BuiltMedia(outMp4, [.. sentences], (await Probe.ProbeAsync(outMp4, cancel)).DurationSeconds);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>One part's video at <paramref name="stem"/>.mp4: its speech (or the readings) over its photo.</summary>
    private static async Task<BuiltMedia> PartAsync(SourcePart part, string stem, Look look, CancellationToken cancel)
    {
        var wav = stem + ".wav";
        var audio = part.Sentences is { } text
            ? await SampleVideo.SpeechAsync(text, 0.6, wav, cancel, part.Voice)
            : await SampleVideo.RecordingsAsync(0.6, wav, cancel);
        var video = await SampleVideo.VideoOverAsync(Assets.Photo(part.Photo), audio, look, stem + ".mp4", cancel);
        File.Delete(wav);
        return video;
    }

    /// <summary>The plan's estimate of a part's length: 3.1 words a second plus a 0.6 s gap per sentence.</summary>
    private static double Spoken(IReadOnlyList<string> sentences) =>
        sentences.Sum(s => (s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length / 3.1) + 0.6);
}
