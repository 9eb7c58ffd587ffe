using System.Globalization;
using Clipper.Core.Media;
using Clipper.Core.Processes;
using Clipper.Core.Samples;
using Clipper.Core.Transcripts;

namespace Clipper.Samples;

/// <summary>A sentence of the speech and where it sits in the audio, in seconds.</summary>
public sealed record Sentence(string Text, double Start, double End);

/// <summary>Built media and the truth about it.</summary>
public sealed record BuiltMedia(string File, IReadOnlyList<Sentence> Sentences, double DurationSeconds)
{
    public string Text => string.Join(' ', Sentences.Select(s => s.Text));

    /// <summary>
    /// Word timings: each sentence's known span shared among its words in proportion to their length. Not what a
    /// recogniser would say to the millisecond, but an encoder only has to follow the times it is given.
    /// </summary>
    public IReadOnlyList<Word> Words()
    {
        var output = new List<Word>();
        foreach (var s in Sentences)
        {
            var ws = s.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            int letters = ws.Sum(w => w.Length + 1);
            double t = s.Start;
            double perLetter = (s.End - s.Start) / letters;
            foreach (var w in ws)
            {
                double d = (w.Length + 1) * perLetter;
                output.Add(new Word(w, t, t + (d * 0.9), 0.9));
                t += d;
            }
        }

        return output;
    }
}

/// <summary>
/// How the video looks: output size, frame rate, and the face motion (the picture pans horizontally by
/// PanPixels·sin(2πt/PanPeriod); 0 keeps it still). With PhotoHeight 0 the photo is scaled to 1.5× the frame
/// width (a close-up); otherwise it is scaled to that fraction of the frame height and set on a plain dark wall
/// 1.5× the frame width, like a person filmed at a talking-head distance.
/// </summary>
public sealed record Look(int Width, int Height, int Fps, double PanPixels, double PanPeriod, double PhotoHeight = 0)
{
    public static readonly Look Hd = new(1280, 720, 25, 280, 8, 0.6);
    public static readonly Look FullHd = new(1920, 1080, 30, 420, 8, 0.6);

    public int CanvasWidth => Width * 3 / 2;

    /// <summary>Left edge of the visible frame on the canvas at time t.</summary>
    public double CropX(double t) =>
        (CanvasWidth - Width) / 2.0 + (PanPixels == 0 ? 0 : PanPixels * Math.Sin(2 * Math.PI * t / PanPeriod));
}

/// <summary>
/// Builds talking videos from real public media: a real face photo panning under a 16:9 frame, with speech of
/// known text (ffmpeg's flite voice). Used by the demo, the benchmark and the tests, which know every sentence's
/// text and time span, and so can measure word error rate, sentence alignment and face position against the truth.
/// </summary>
public static class SampleVideo
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// Where the point (px, py) of a photoWidth×photoHeight photo appears in the frame of a talking video made
    /// with <paramref name="look"/>, at time t, in frame pixels. Tests use it as the truth for face positions.
    /// </summary>
    public static (double X, double Y) FramePosition(Look look, int photoWidth, int photoHeight, double px, double py, double t)
    {
        if (look.PhotoHeight == 0)
        {
            double s = look.CanvasWidth / (double)photoWidth;
            int scaledHeight = (int)Math.Round(photoHeight * s / 2, MidpointRounding.AwayFromZero) * 2;
            double top = Math.Max(0, Math.Min(scaledHeight - look.Height, (scaledHeight - look.Height) / 3.0));
            return (px * s - look.CropX(t), py * s - top);
        }

        int fh = Even(look.Height * look.PhotoHeight);
        int fw = Even(photoWidth * (double)fh / photoHeight);
        double scale = fh / (double)photoHeight;
        double left = (look.CanvasWidth - fw) / 2.0;
        double topY = (look.Height - fh) / 2.0;
        return (left + px * scale - look.CropX(t), topY + py * scale);
    }

    /// <summary>
    /// Speaks the sentences one by one (flite's <paramref name="voice"/>: slt, kal, kal16, awb or rms), each followed by
    /// gapSeconds of silence, into a 16 kHz mono WAV.
    /// </summary>
    public static async Task<BuiltMedia> SpeechAsync(IReadOnlyList<string> sentences, double gapSeconds, string outWav, CancellationToken cancel = default,
        string voice = "slt")
    {
        var dir = Directory.CreateTempSubdirectory("clipper-speech").FullName;
        try
        {
            var spans = new List<Sentence>();
            var wavs = new List<string>();
            double t = 0;
            for (int i = 0; i < sentences.Count; i++)
            {
                var txt = Path.Combine(dir, $"s{i}.txt");
                await File.WriteAllTextAsync(txt, sentences[i], cancel);
                var wav = Path.Combine(dir, $"s{i}.wav");
                await ProcessRunner.RunCheckedAsync(
                [
                    "ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", $"flite=textfile={txt}:voice={voice}",
                    "-af", $"aresample=16000,apad=pad_dur={gapSeconds.ToString(Inv)}", "-ac", "1", "-ar", "16000",
                    "-c:a", "pcm_s16le", wav,
                ], TimeSpan.FromSeconds(60), cancel);
                double d = (await Probe.ProbeAsync(wav, cancel)).DurationSeconds;
                spans.Add(new Sentence(sentences[i], t, t + d - gapSeconds));
                t += d;
                wavs.Add(wav);
            }

            await ConcatAsync(wavs, ["-c:a", "pcm_s16le"], outWav, cancel);
            return new BuiltMedia(outWav, spans, (await Probe.ProbeAsync(outWav, cancel)).DurationSeconds);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// The LibriVox recordings (real people reading, 16 kHz mono), one after another with gapSeconds of silence
    /// between, into one WAV; each recording is a sentence of its transcription.
    /// </summary>
    public static async Task<BuiltMedia> RecordingsAsync(double gapSeconds, string outWav, CancellationToken cancel = default)
    {
        var dir = Directory.CreateTempSubdirectory("clipper-readings").FullName;
        try
        {
            var librivox = Assets.LibriVox();
            var spans = new List<Sentence>();
            var wavs = new List<string>();
            double t = 0;
            // lines like "<s> he was not an ill disposed young man </s> (sense_and_sensibility_01_austen_64kb-0880)"
            foreach (var line in File.ReadLines(Path.Combine(librivox, "transcription")).Where(l => l.Contains('(')))
            {
                var id = line[(line.LastIndexOf('(') + 1)..line.LastIndexOf(')')];
                var text = line[..line.LastIndexOf('(')].Replace("<s>", "").Replace("</s>", "").Trim();
                var wav = Path.Combine(dir, id + ".wav");
                await ProcessRunner.RunCheckedAsync(
                [
                    "ffmpeg", "-nostdin", "-v", "error", "-y", "-i", Path.Combine(librivox, id + ".wav"),
                    "-af", $"apad=pad_dur={gapSeconds.ToString(Inv)}", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", wav,
                ], TimeSpan.FromSeconds(60), cancel);
                double d = (await Probe.ProbeAsync(wav, cancel)).DurationSeconds;
                spans.Add(new Sentence(text, t, t + d - gapSeconds));
                t += d;
                wavs.Add(wav);
            }

            await ConcatAsync(wavs, ["-c:a", "pcm_s16le"], outWav, cancel);
            return new BuiltMedia(outWav, spans, (await Probe.ProbeAsync(outWav, cancel)).DurationSeconds);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Joins <paramref name="files"/> (ffmpeg's concat demuxer) into <paramref name="output"/> with the given output arguments.</summary>
    public static async Task ConcatAsync(IEnumerable<string> files, IReadOnlyList<string> outputArgs, string output, CancellationToken cancel)
    {
        var listFile = output + ".list.txt";
        await File.WriteAllLinesAsync(listFile, files.Select(f => $"file '{f}'"), cancel);
        try
        {
            await ProcessRunner.RunCheckedAsync(
                ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", listFile, .. outputArgs, output],
                TimeSpan.FromMinutes(10), cancel);
        }
        finally
        {
            File.Delete(listFile);
        }
    }

    /// <summary>A talking video: the photo panning under the frame as <paramref name="look"/> says, with the sentences spoken. H.264 + AAC in MP4.</summary>
    public static async Task<BuiltMedia> TalkingVideoAsync(string photo, IReadOnlyList<string> sentences, Look look, string outMp4, CancellationToken cancel = default,
        string voice = "slt")
    {
        var dir = Directory.CreateTempSubdirectory("clipper-talk").FullName;
        try
        {
            var audio = await SpeechAsync(sentences, 0.6, Path.Combine(dir, "talk.wav"), cancel, voice);
            return await VideoOverAsync(photo, audio, look, outMp4, cancel);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The photo panning under the frame as <paramref name="look"/> says, for as long as <paramref name="audio"/> (a WAV) lasts, with it as the sound.</summary>
    public static async Task<BuiltMedia> VideoOverAsync(string photo, BuiltMedia audio, Look look, string outMp4, CancellationToken cancel = default)
    {
        var dir = Directory.CreateTempSubdirectory("clipper-talk").FullName;
        try
        {
            var wav = audio.File;
            int cw = look.CanvasWidth;
            string picture = photo;
            string fit;
            if (look.PhotoHeight > 0)
            {
                // the backdrop and the framed photo, rendered once rather than for every frame
                var canvas = Path.Combine(dir, "canvas.png");
                int fh = Even(look.Height * look.PhotoHeight);
                await ProcessRunner.RunCheckedAsync(
                [
                    "ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", $"color=c=0x283038:s={cw}x{look.Height}",
                    "-i", photo, "-filter_complex", $"[1:v]scale=-2:{fh}[fg];[0:v][fg]overlay=(W-w)/2:(H-h)/2",
                    "-frames:v", "1", canvas,
                ], TimeSpan.FromSeconds(60), cancel);
                picture = canvas;
                fit = "";
            }
            else
            {
                fit = $"scale={cw}:-2,";
            }

            string pan = look.PanPixels == 0 ? "(in_w-out_w)/2"
                : $"(in_w-out_w)/2+{look.PanPixels.ToString(Inv)}*sin(2*PI*t/{look.PanPeriod.ToString(Inv)})";
            string filter = $"[0:v]{fit}crop={look.Width}:{look.Height}:x='{pan}':y='max(0,min(in_h-out_h,(in_h-out_h)/3))',format=yuv420p[v]";
            await ProcessRunner.RunCheckedAsync(
            [
                "ffmpeg", "-nostdin", "-v", "error", "-y", "-loop", "1", "-framerate", look.Fps.ToString(Inv), "-i", picture,
                "-i", wav, "-filter_complex", filter, "-map", "[v]", "-map", "1:a", "-t", audio.DurationSeconds.ToString(Inv),
                "-c:v", "libx264", "-preset", "ultrafast", "-crf", "26", "-g", (look.Fps * 2).ToString(Inv),
                "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", outMp4,
            ], TimeSpan.FromMinutes(20), cancel);
            return new BuiltMedia(outMp4, audio.Sentences, (await Probe.ProbeAsync(outMp4, cancel)).DurationSeconds);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Sentences of the bundled sample talk, cycling through it until the speech would last about
    /// <paramref name="minutes"/> (flite's slt voice speaks about 3.1 words a second, plus the 0.6 s gaps).
    /// Past 3.4 minutes the same passages come round again, which is what the repeat tests want.
    /// </summary>
    public static IReadOnlyList<string> Talk(double minutes) => Fill(TalkSentences(), minutes);

    /// <summary>
    /// Like <see cref="Talk"/>, but through all three parts of the sample talk (about 13 minutes of distinct speech)
    /// before anything repeats: the demo's and the benchmark's source, where every passage should be clippable.
    /// </summary>
    public static IReadOnlyList<string> LongTalk(double minutes) => Fill([.. TalkParts().SelectMany(p => p)], minutes);

    /// <summary>Every sentence of the bundled sample talk's first part, in order.</summary>
    public static IReadOnlyList<string> TalkSentences() => Lines("sample-talk.txt");

    /// <summary>The three parts of the bundled sample talk, each its sentences in order.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> TalkParts() =>
        [TalkSentences(), Lines("sample-talk-2.txt"), Lines("sample-talk-3.txt")];

    /// <summary>
    /// The first sentences of <paramref name="all"/> (cycling when they run out) that flite's slt voice speaks in about
    /// <paramref name="minutes"/> (3.1 words a second plus the 0.6 s gaps), at least one.
    /// </summary>
    public static List<string> Fill(IReadOnlyList<string> all, double minutes)
    {
        var output = new List<string>();
        double seconds = 0;
        for (int i = 0; seconds < minutes * 60; i++)
        {
            var s = all[i % all.Count];
            output.Add(s);
            seconds += s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length / 3.1 + 0.6;
        }

        return output;
    }

    private static List<string> Lines(string resource)
    {
        using var stream = typeof(SampleVideo).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{resource} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
    }

    private static int Even(double v) => (int)Math.Round(v / 2, MidpointRounding.AwayFromZero) * 2;
}
