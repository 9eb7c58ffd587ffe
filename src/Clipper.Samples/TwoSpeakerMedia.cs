using System.Globalization;
using Clipper.Core.Processes;

namespace Clipper.Samples;

/// <summary>A face in a photo, in the photo's pixels: its box and the height of its nose tip (the warp starts below it).</summary>
public sealed record PhotoFace(double X, double Y, double Width, double Height, double NoseY);

/// <summary>One of the two people: a kphotoalbum photo, where the face is in it, and the flite voice that speaks for it.</summary>
public sealed record Speaker(string Photo, PhotoFace Face, string Voice);

/// <summary>
/// Who speaks when, in seconds of the video, measured from the voice's own samples (first and last sample above the
/// noise floor). An interjection is a short remark into the other's turn that a tracker must not follow.
/// </summary>
public sealed record SpeakerTurn(int Speaker, double Start, double End, string Text, bool Interjection = false);

/// <summary>
/// One line of a dialogue: who says what, and the pause before it in seconds: after the end of everything said so far,
/// or with <paramref name="AfterOwn"/> after the speaker's own last line, so that both can talk at once (a negative
/// pause starts that long before).
/// </summary>
public sealed record DialogueLine(int Speaker, string Text, double Gap, bool Interjection = false, bool AfterOwn = false);

/// <summary>The built dialogue and the truth about it: the turns, and where each face's centre is in the frame.</summary>
public sealed record Dialogue(string File, double DurationSeconds, IReadOnlyList<SpeakerTurn> Turns, int Width, int Height,
    IReadOnlyList<double> FaceCentreX, double FaceCentreY, double FaceHeight)
{
    /// <summary>The speakers talking at time t (empty in a pause, two where they overlap).</summary>
    public IReadOnlyList<int> SpeakingAt(double t) => Turns.Where(u => u.Start <= t && t < u.End).Select(u => u.Speaker).Distinct().ToList();
}

/// <summary>
/// A two-person conversation with known ground truth (issue 20): two real faces side by side in a 16:9 frame, each
/// speaking in its own flite voice in alternating turns of known times, with one short interjection and one passage
/// where both talk at once. Each face's lower half moves with its own voice: every frame, the rows below the nose are
/// stretched down by up to <see cref="JawStretch"/> of the face height, following the voice's short-time energy, so
/// a mouth opens as its voice sounds; the upper face stays still. Frames are composed here and piped into ffmpeg.
/// </summary>
public static class TwoSpeakerMedia
{
    /// <summary>The largest stretch of the lower face, as a fraction of the face height, at the voice's loudest.</summary>
    public const double JawStretch = 0.10;

    private const int AudioRate = 16000;
    private const int Fps = 25;
    private const int Wall = 0x283038;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Alternating turns (the default): one short interjection, and one passage where both talk at once.</summary>
    public static readonly IReadOnlyList<DialogueLine> Alternating =
    [
        new(0, "Welcome back to the show. Today we talk about tools that cut long videos into short clips for phones.", 0.3),
        new(1, "Thanks for having me. I have spent a few years on exactly this problem, mostly on where to put the frame.", 0.5),
        new(0, "So what goes wrong most often, when a clip is cut for a tall screen?", 0.5),
        new(1, "Oh, yes.", 0.25, Interjection: true),
        new(0, "I mean with two people in the picture, talking in turns.", 0.25),
        new(1, "The camera stays on the wrong person. Someone starts to talk, and the frame is still on the listener.", 0.6),
        new(0, "That happens to us all the time, and it looks careless. Nobody wants to watch the one who listens.", -1.4),
        new(1, "Then it is the first thing worth fixing, before anything else.", 0.6),
    ];

    /// <summary>
    /// Overlapping dialogue (about 11 s): both people talk at once nearly throughout, each on their own line of
    /// thought, the right one starting half a second after the left.
    /// </summary>
    public static readonly IReadOnlyList<DialogueLine> Overlapping =
    [
        new(0, "No, listen, the clips we made last week were far too long for anyone to watch.", 0.3, AfterOwn: true),
        new(1, "But the numbers say people stayed until the end of almost every one of them.", 0.8, AfterOwn: true),
        new(0, "Then the numbers are wrong, because I watched them myself and I got bored.", 0.3, AfterOwn: true),
        new(1, "You always say that, and then you share them with everybody you know.", 0.3, AfterOwn: true),
    ];

    /// <summary>
    /// Builds the dialogue into <paramref name="outMp4"/>: 1280×720, 25 fps, H.264 (ultrafast) with AAC audio, about 35 s.
    /// Speaker 0 sits in the left half, speaker 1 in the right, each face <paramref name="faceHeight"/> pixels high.
    /// </summary>
    /// <param name="script">what is said (<see cref="Alternating"/> when null; <see cref="Overlapping"/>)</param>
    public static async Task<Dialogue> BuildAsync(Speaker left, Speaker right, string outMp4, int faceHeight = 220, CancellationToken cancel = default,
        IReadOnlyList<DialogueLine>? script = null)
    {
        const int width = 1280, height = 720;
        var speakers = new[] { left, right };
        // Lay the turns out one after another, each voice on its own track.
        var turns = new List<SpeakerTurn>();
        var tracks = new List<short>[] { [], [] };
        double lastEnd = 0;
        var ownEnd = new double[2];
        foreach (var (who, text, gap, interjection, afterOwn) in script ?? Alternating)
        {
            var speech = await SpeakAsync(text, speakers[who].Voice, cancel);
            var (first, last) = Voiced(speech);
            int at = Math.Max(0, (int)Math.Round(((afterOwn ? ownEnd[who] : lastEnd) + gap) * AudioRate) - first);
            var track = tracks[who];
            while (track.Count < at + speech.Length)
            {
                track.Add(0);
            }

            for (int i = 0; i < speech.Length; i++)
            {
                track[at + i] = speech[i];
            }

            double start = (at + first) / (double)AudioRate;
            double end = (at + last) / (double)AudioRate;
            turns.Add(new SpeakerTurn(who, Math.Round(start, 3), Math.Round(end, 3), text, interjection));
            lastEnd = Math.Max(lastEnd, end);
            ownEnd[who] = end;
        }

        int total = (int)((lastEnd + 0.8) * AudioRate);
        var mix = new short[total];
        for (int s = 0; s < 2; s++)
        {
            for (int i = 0; i < tracks[s].Count && i < total; i++)
            {
                mix[i] = (short)Math.Clamp(mix[i] + tracks[s][i], short.MinValue, short.MaxValue);
            }
        }

        int frames = (int)Math.Floor(total / (double)AudioRate * Fps);
        var openness = new double[2][];
        for (int s = 0; s < 2; s++)
        {
            openness[s] = Envelope([.. tracks[s]], frames);
        }

        var centreX = new double[] { width / 4.0, width * 3 / 4.0 };
        double centreY = height * 0.45;
        var canvas = new byte[width * height * 3];
        Fill(canvas, Wall);
        var faces = new FaceInFrame[2];
        for (int s = 0; s < 2; s++)
        {
            faces[s] = await PlaceAsync(canvas, width, height, speakers[s], s * width / 2, width / 2, centreX[s], centreY, faceHeight, cancel);
        }

        var dir = Directory.CreateTempSubdirectory("clipper-dialogue").FullName;
        try
        {
            var audio = Path.Combine(dir, "mix.raw");
            var bytes = new byte[mix.Length * 2];
            Buffer.BlockCopy(mix, 0, bytes, 0, bytes.Length);
            await File.WriteAllBytesAsync(audio, bytes, cancel);
            var frame = new byte[canvas.Length];
            var result = await ProcessRunner.RunAsync(
            [
                "ffmpeg", "-nostdin", "-v", "error", "-y",
                "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-r", Fps.ToString(Inv), "-i", "pipe:0",
                "-f", "s16le", "-ar", AudioRate.ToString(Inv), "-ac", "1", "-i", audio,
                "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p",
                "-g", (Fps * 2).ToString(Inv), "-c:a", "aac", "-b:a", "64k", "-shortest", "-movflags", "+faststart", outMp4,
            ], TimeSpan.FromMinutes(5), cancel, stdinProducer: async (stdin, token) =>
            {
                for (int f = 0; f < frames; f++)
                {
                    Buffer.BlockCopy(canvas, 0, frame, 0, canvas.Length);
                    for (int s = 0; s < 2; s++)
                    {
                        Warp(canvas, frame, width, height, faces[s], JawStretch * faces[s].Height * openness[s][f]);
                    }

                    await stdin.WriteAsync(frame, token);
                }
            });
            ProcessRunner.RequireSuccess(["ffmpeg"], result);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        return new Dialogue(outMp4, frames / (double)Fps, turns, width, height, centreX, centreY, faceHeight);
    }

    /// <summary>Where a face ended up in the frame (frame pixels): its box and its nose height.</summary>
    private sealed record FaceInFrame(double X, double Y, double Width, double Height, double NoseY);

    /// <summary>flite speaking <paramref name="text"/>, as 16 kHz mono samples.</summary>
    private static async Task<short[]> SpeakAsync(string text, string voice, CancellationToken cancel)
    {
        var txt = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(txt, text, cancel);
            var r = await ProcessRunner.RunAsync(
            [
                "ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", $"flite=textfile={txt}:voice={voice}",
                "-ac", "1", "-ar", AudioRate.ToString(Inv), "-f", "s16le", "pipe:1",
            ], TimeSpan.FromSeconds(60), cancel);
            ProcessRunner.RequireSuccess(["ffmpeg"], r);
            var samples = new short[r.Stdout.Length / 2];
            Buffer.BlockCopy(r.Stdout, 0, samples, 0, samples.Length * 2);
            return samples;
        }
        finally
        {
            File.Delete(txt);
        }
    }

    /// <summary>The first and last sample of the speech proper: above 2% of the peak (flite pads with near-silence).</summary>
    private static (int First, int Last) Voiced(short[] speech)
    {
        int peak = speech.Length == 0 ? 0 : speech.Max(v => Math.Abs((int)v));
        int floor = Math.Max(1, peak / 50);
        int first = Array.FindIndex(speech, v => Math.Abs((int)v) > floor);
        int last = Array.FindLastIndex(speech, v => Math.Abs((int)v) > floor);
        return first < 0 ? (0, 0) : (first, last);
    }

    /// <summary>
    /// How far the mouth is open in each video frame, 0..1: the voice's RMS over 40 ms around the frame time, relative
    /// to its 95th percentile over the voiced frames, with a quick attack and a slower release like a jaw.
    /// </summary>
    private static double[] Envelope(short[] voice, int frames)
    {
        var rms = new double[frames];
        int half = AudioRate / 50;
        for (int f = 0; f < frames; f++)
        {
            int c = (int)(f / (double)Fps * AudioRate);
            double sum = 0;
            int count = 0;
            for (int i = Math.Max(0, c - half); i < Math.Min(voice.Length, c + half); i++, count++)
            {
                sum += (double)voice[i] * voice[i];
            }

            rms[f] = count == 0 ? 0 : Math.Sqrt(sum / count);
        }

        var voiced = rms.Where(v => v > 0).Order().ToArray();
        double top = voiced.Length == 0 ? 1 : Math.Max(1, voiced[(int)(0.95 * (voiced.Length - 1))]);
        var open = new double[frames];
        double level = 0;
        for (int f = 0; f < frames; f++)
        {
            double target = Math.Min(1, rms[f] / top);
            level = target > level ? target : level + 0.5 * (target - level);
            open[f] = level;
        }

        return open;
    }

    private static void Fill(byte[] rgb, int colour)
    {
        for (int i = 0; i < rgb.Length; i += 3)
        {
            rgb[i] = (byte)(colour >> 16);
            rgb[i + 1] = (byte)(colour >> 8);
            rgb[i + 2] = (byte)colour;
        }
    }

    /// <summary>
    /// Pastes the speaker's photo into the strip [stripX, stripX + stripWidth) of the canvas, scaled so the face is
    /// faceHeight pixels high and centred on (centreX, centreY). The photo is decoded and scaled once, by ffmpeg.
    /// </summary>
    private static async Task<FaceInFrame> PlaceAsync(byte[] canvas, int width, int height, Speaker speaker, int stripX, int stripWidth,
        double centreX, double centreY, int faceHeight, CancellationToken cancel)
    {
        var probe = await ProcessRunner.RunAsync(
            ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", speaker.Photo],
            TimeSpan.FromSeconds(30), cancel);
        ProcessRunner.RequireSuccess(["ffprobe"], probe);
        var size = probe.StdoutText.Trim().Split(',');
        int pw = int.Parse(size[0], Inv), ph = int.Parse(size[1], Inv);
        var f = speaker.Face;
        double scale = faceHeight / f.Height;
        int sw = (int)Math.Round(pw * scale), sh = (int)Math.Round(ph * scale);
        var r = await ProcessRunner.RunAsync(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-i", speaker.Photo, "-vf", $"scale={sw}:{sh}:flags=bicubic",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
        ], TimeSpan.FromSeconds(60), cancel);
        ProcessRunner.RequireSuccess(["ffmpeg"], r);
        double left = centreX - (f.X + f.Width / 2) * scale;
        double top = centreY - (f.Y + f.Height / 2) * scale;
        int ox = (int)Math.Round(left), oy = (int)Math.Round(top);
        for (int y = Math.Max(0, oy); y < Math.Min(height, oy + sh); y++)
        {
            int x0 = Math.Max(stripX, ox), x1 = Math.Min(stripX + stripWidth, ox + sw);
            if (x1 > x0)
            {
                Buffer.BlockCopy(r.Stdout, (((y - oy) * sw) + (x0 - ox)) * 3, canvas, ((y * width) + x0) * 3, (x1 - x0) * 3);
            }
        }

        return new FaceInFrame(ox + f.X * scale, oy + f.Y * scale, f.Width * scale, f.Height * scale, oy + f.NoseY * scale);
    }

    /// <summary>
    /// Opens the face's mouth by <paramref name="stretch"/> pixels: below the nose, each row shows the still picture
    /// from up to that far above, most at the chin, fading to nothing at the nose and a third of a face below the chin,
    /// and across the face from its middle to its sides, so nothing tears.
    /// </summary>
    private static void Warp(byte[] still, byte[] frame, int width, int height, FaceInFrame face, double stretch)
    {
        if (stretch < 0.05)
        {
            return;
        }

        double chin = face.Y + face.Height;
        double bottom = chin + face.Height / 3;
        int x0 = Math.Max(0, (int)(face.X - 0.1 * face.Width)), x1 = Math.Min(width, (int)(face.X + 1.1 * face.Width));
        for (int y = Math.Max(0, (int)face.NoseY); y < Math.Min(height, (int)bottom); y++)
        {
            double v = y < chin ? (y - face.NoseY) / (chin - face.NoseY) : (bottom - y) / (bottom - chin);
            for (int x = x0; x < x1; x++)
            {
                double u = (x - (face.X + face.Width / 2)) / (0.6 * face.Width);
                double across = Math.Abs(u) >= 1 ? 0 : 0.5 + 0.5 * Math.Cos(Math.PI * u);
                double sy = y - stretch * v * across;
                int ya = Math.Clamp((int)Math.Floor(sy), 0, height - 1);
                int yb = Math.Min(height - 1, ya + 1);
                double w = sy - Math.Floor(sy);
                int o = ((y * width) + x) * 3, a = ((ya * width) + x) * 3, b = ((yb * width) + x) * 3;
                for (int c = 0; c < 3; c++)
                {
                    frame[o + c] = (byte)((still[a + c] * (1 - w)) + (still[b + c] * w) + 0.5);
                }
            }
        }
    }
}
