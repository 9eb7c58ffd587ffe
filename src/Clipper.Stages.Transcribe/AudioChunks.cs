using System.Buffers.Binary;
using System.Globalization;
using Clipper.Core.Processes;

namespace Clipper.Stages.Transcribe;

/// <summary>A piece of the audio, in samples: [FirstSample, EndSample).</summary>
internal sealed record AudioChunk(int Index, long FirstSample, long EndSample)
{
    public double StartSeconds => (double)FirstSample / AudioChunks.SampleRate;

    public double Seconds => (double)(EndSample - FirstSample) / AudioChunks.SampleRate;
}

/// <summary>
/// Cuts long 16 kHz mono s16le audio into pieces at its quietest moments, so the recogniser can run on several
/// pieces at once without cutting through words.
/// </summary>
internal static class AudioChunks
{
    public const int SampleRate = 16000;
    public const int FramesPerSecond = 100;
    private const int SamplesPerFrame = SampleRate / FramesPerSecond;

    /// <summary>The cut goes in the middle of the quietest stretch this long (longer than a stop consonant's closure).</summary>
    private const int QuietFrames = 30;

    /// <summary>Decodes the media's audio to 16 kHz mono s16le in <paramref name="raw"/>.</summary>
    public static Task DecodeAsync(string media, string raw, TimeSpan timeout, CancellationToken cancel) =>
        // aresample's first_pts=0 fills with silence an audio track that starts after the container's start,
        // so a word's time is its presentation time in the video (what encode's -ss and the captions count in)
        RunDecodeAsync([], media, ["-af", "aresample=async=1:first_pts=0"], raw, timeout, cancel);

    /// <summary>
    /// Decodes [<paramref name="start"/>, <paramref name="end"/>) seconds of the media's audio to 16 kHz mono s16le
    /// in <paramref name="raw"/> (the input seeks: a chunk of an hour's audio costs its own length, not the hour's).
    /// </summary>
    public static Task DecodeRangeAsync(string media, double start, double end, string raw, TimeSpan timeout, CancellationToken cancel) =>
        RunDecodeAsync(["-ss", start.ToString("0.000", CultureInfo.InvariantCulture)], media,
            ["-t", (end - start).ToString("0.000", CultureInfo.InvariantCulture)], raw, timeout, cancel);

    /// <summary>
    /// The decoded audio (16 kHz mono s16le) as FLAC in <paramref name="flac"/>: lossless, so a range decoded from it is
    /// the samples the whole decode had; a third to a half of the raw size for speech, and a few percent of a video's.
    /// </summary>
    public static Task CompressAsync(string raw, string flac, TimeSpan timeout, CancellationToken cancel) =>
        ProcessRunner.RunCheckedAsync(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "s16le", "-ar", SampleRate.ToString(CultureInfo.InvariantCulture), "-ac", "1",
            "-i", raw, "-c:a", "flac", "-f", "flac", flac,
        ], timeout, cancel);

    /// <summary>
    /// The chunks a silo's units recognise apart (<see cref="IChunkRecogniser.PlanAsync"/>): the whole audio decoded once
    /// for its loudness and cut in its pauses near every <paramref name="chunkSeconds"/>; null when it has no audio or one
    /// chunk would hold it all. With <paramref name="speechCopy"/>, the decoded audio is kept there as FLAC.
    /// </summary>
    public static async Task<ChunkPlan?> PlanMediaAsync(string media, string workDir, double chunkSeconds, TimeSpan timeout, string? speechCopy,
        CancellationToken cancel)
    {
        var info = await Clipper.Core.Media.Probe.ProbeAsync(media, cancel).ConfigureAwait(false);
        if (!info.HasAudio)
        {
            return null;
        }

        return await AudioScratch.RunAsync<ChunkPlan?>(workDir, "split-", "recogniser", async dir =>
        {
            var raw = Path.Combine(dir, "audio.s16");
            await DecodeAsync(media, raw, timeout, cancel).ConfigureAwait(false);
            long samples = new FileInfo(raw).Length / 2;
            var loudness = await FrameLoudnessAsync(raw, cancel).ConfigureAwait(false);
            var chunks = Plan(loudness, samples, chunkSeconds);
            if (chunks.Count < 2)
            {
                return null;
            }

            if (speechCopy is not null)
            {
                await CompressAsync(raw, speechCopy, timeout, cancel).ConfigureAwait(false);
            }

            return new ChunkPlan([.. chunks.Select(c => (c.StartSeconds, c.StartSeconds + c.Seconds))], NoiseFloor(loudness));
        }, cancel).ConfigureAwait(false);
    }

    /// <summary>One ffmpeg decode to 16 kHz mono s16le: input options, the media, output options, the raw file.</summary>
    private static Task RunDecodeAsync(string[] input, string media, string[] output, string raw, TimeSpan timeout, CancellationToken cancel) =>
        ProcessRunner.RunCheckedAsync(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y", .. input, "-i", media, .. output, "-vn", "-sn", "-dn", "-ac", "1",
            "-ar", SampleRate.ToString(CultureInfo.InvariantCulture), "-acodec", "pcm_s16le", "-f", "s16le", raw,
        ], timeout, cancel);

    /// <summary>Loudness of every 10 ms frame in dB (full scale is about 90 dB).</summary>
    public static async Task<float[]> FrameLoudnessAsync(string raw, CancellationToken cancel)
    {
        long samples = new FileInfo(raw).Length / 2;
        var output = new float[(samples + SamplesPerFrame - 1) / SamplesPerFrame];
        var buf = new byte[SamplesPerFrame * 2];
        await using var input = new FileStream(raw, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        for (int f = 0; f < output.Length; f++)
        {
            int n = await input.ReadAtLeastAsync(buf, buf.Length, throwOnEndOfStream: false, cancel).ConfigureAwait(false);
            int count = n / 2;
            double sum = 0;
            for (int i = 0; i < count; i++)
            {
                double v = BinaryPrimitives.ReadInt16LittleEndian(buf.AsSpan(i * 2, 2));
                sum += v * v;
            }

            output[f] = (float)(10 * Math.Log10((sum / Math.Max(1, count)) + 1));
        }

        return output;
    }

    /// <summary>
    /// Plans pieces of about <paramref name="chunkSeconds"/>: each cut goes in the quietest 0.3 s within a quarter
    /// of a chunk of its target, so a pause between sentences wins over a breath inside a word. Audio up to 1.25
    /// chunks long stays whole; no piece is shorter than 3/8 of a chunk or longer than 1.25 chunks.
    /// </summary>
    public static IReadOnlyList<AudioChunk> Plan(float[] loudness, long totalSamples, double chunkSeconds)
    {
        int frames = loudness.Length;
        int chunk = (int)Math.Round(chunkSeconds * FramesPerSecond);
        int slack = chunk / 4;
        var output = new List<AudioChunk>();
        int from = 0;
        while (frames - from > chunk + slack)
        {
            // the last two pieces share what is left evenly, so no tiny tail gets a recogniser of its own
            int target = from + Math.Min(chunk, (frames - from) / 2);
            int cut = QuietestCentre(loudness, Math.Max(from + QuietFrames, target - slack),
                Math.Min(frames - QuietFrames, target + slack));
            output.Add(new AudioChunk(output.Count, (long)from * SamplesPerFrame, (long)cut * SamplesPerFrame));
            from = cut;
        }

        output.Add(new AudioChunk(output.Count, (long)from * SamplesPerFrame, totalSamples));
        return output;
    }

    /// <summary>
    /// Cuts a chunk into utterances for a decoder that takes each piece whole: a piece longer than
    /// <paramref name="maxSeconds"/> is cut in its quietest 0.3 s, and so is any piece whose quietest 0.3 s is a
    /// pause (no louder than the audio's noise floor plus <paramref name="pauseDb"/>); no cut leaves a piece
    /// shorter than <paramref name="minSeconds"/>. A piece that is all pause is left out: the decoder, which is
    /// told every piece holds speech, would find words in silence. Returns frame ranges [start, end) relative to
    /// the chunk, in order.
    /// </summary>
    /// <param name="noiseFloor">the noise floor to measure pauses from; null: this audio's own (<see cref="NoiseFloor"/>)</param>
    public static IReadOnlyList<(int Start, int End)> Utterances(float[] loudness, AudioChunk chunk, double minSeconds,
        double maxSeconds, double pauseDb, float? noiseFloor = null)
    {
        int first = (int)(chunk.FirstSample / SamplesPerFrame);
        int end = (int)Math.Min(loudness.Length, (chunk.EndSample + SamplesPerFrame - 1) / SamplesPerFrame);
        int min = Math.Max(QuietFrames, (int)Math.Round(minSeconds * FramesPerSecond));
        int max = Math.Max(2 * min, (int)Math.Round(maxSeconds * FramesPerSecond));
        float pause = (noiseFloor ?? NoiseFloor(loudness)) + (float)pauseDb;
        var output = new List<(int, int)>();
        Split(first, end);
        return output;

        void Split(int from, int to)
        {
            if (to - from >= 2 * min)
            {
                int cut = QuietestCentre(loudness, from + min - (QuietFrames / 2), to - min - (QuietFrames / 2) + 1);
                if (to - from > max || MeanLoudness(loudness, cut - (QuietFrames / 2)) <= pause)
                {
                    Split(from, cut);
                    Split(cut, to);
                    return;
                }
            }

            if (Loudest(loudness, from, to) > pause)
            {
                output.Add((from - first, to - first));
            }
        }
    }

    /// <summary>The 5th percentile of the frames' loudness: the level of the audio's quiet stretches.</summary>
    public static float NoiseFloor(float[] loudness)
    {
        if (loudness.Length == 0)
        {
            return 0;
        }

        var sorted = (float[])loudness.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 20];
    }

    private static float Loudest(float[] loudness, int from, int to)
    {
        float max = float.MinValue;
        for (int i = from; i < to; i++)
        {
            max = Math.Max(max, loudness[i]);
        }

        return max;
    }

    private static double MeanLoudness(float[] loudness, int start)
    {
        double sum = 0;
        for (int i = start; i < start + QuietFrames; i++)
        {
            sum += loudness[i];
        }

        return sum / QuietFrames;
    }

    /// <summary>Centre of the window of <see cref="QuietFrames"/> frames, starting in [lo, hi), with the lowest mean loudness.</summary>
    private static int QuietestCentre(float[] loudness, int lo, int hi)
    {
        double sum = 0;
        for (int i = lo; i < lo + QuietFrames; i++)
        {
            sum += loudness[i];
        }

        double best = sum;
        int bestStart = lo;
        for (int s = lo + 1; s < hi; s++)
        {
            sum += loudness[s + QuietFrames - 1] - loudness[s - 1];
            if (sum < best)
            {
                best = sum;
                bestStart = s;
            }
        }

        return bestStart + (QuietFrames / 2);
    }

    /// <summary>Copies a chunk's samples into their own raw file.</summary>
    public static async Task WriteAsync(string raw, AudioChunk chunk, string output, CancellationToken cancel)
    {
        await using var input = new FileStream(raw, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using var o = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        input.Position = chunk.FirstSample * 2;
        long left = (chunk.EndSample - chunk.FirstSample) * 2;
        var buf = new byte[1 << 16];
        while (left > 0)
        {
            int n = await input.ReadAsync(buf.AsMemory(0, (int)Math.Min(buf.Length, left)), cancel).ConfigureAwait(false);
            if (n <= 0)
            {
                break;
            }

            await o.WriteAsync(buf.AsMemory(0, n), cancel).ConfigureAwait(false);
            left -= n;
        }
    }

    public static string Describe(IReadOnlyList<AudioChunk> chunks) =>
        "[" + string.Join(", ", chunks.Select(c => c.Seconds.ToString("0.0", CultureInfo.InvariantCulture))) + "]";
}
