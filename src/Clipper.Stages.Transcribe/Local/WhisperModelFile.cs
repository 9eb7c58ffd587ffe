using System.Text;
using Clipper.Core.Errors;

namespace Clipper.Stages.Transcribe.Local;

/// <summary>
/// Checks a Whisper ggml model file before whisper.cpp sees it. whisper.cpp trusts the file: a truncated or foreign file
/// with the right first bytes makes it throw a C++ exception that ends the whole process, so the file's structure is
/// walked here (the ggml magic, the hyper-parameters, the mel filters, the vocabulary, and every tensor's header and
/// data fitting in the file) and any fault is <see cref="ErrorCode.BadOption"/> naming the path.
/// </summary>
public static class WhisperModelFile
{
    /// <summary>"ggml" as whisper.cpp writes it: the 32-bit little-endian value 0x67676d6c, bytes "lmgg".</summary>
    public const uint Magic = 0x67676d6c;

    /// <summary>What the setting is called in errors (relative to Clipper:Transcribe, as the start-up check prefixes it).</summary>
    private const string Setting = "Whisper:Model (CLIPPER_WHISPER_MODEL)";

    private const string WhereToGetOne = "download a ggml model such as ggml-base.en.bin from https://huggingface.co/ggerganov/whisper.cpp";

    /// <summary>ggml tensor types a Whisper model may hold: bytes per block and values per block.</summary>
    private static readonly Dictionary<int, (int Bytes, int Values)> TensorTypes = new()
    {
        [0] = (4, 1), // f32
        [1] = (2, 1), // f16
        [2] = (18, 32), // q4_0
        [3] = (20, 32), // q4_1
        [6] = (22, 32), // q5_0
        [7] = (24, 32), // q5_1
        [8] = (34, 32), // q8_0
        [9] = (36, 32), // q8_1
        [10] = (84, 256), // q2_k
        [11] = (110, 256), // q3_k
        [12] = (144, 256), // q4_k
        [13] = (176, 256), // q5_k
        [14] = (210, 256), // q6_k
        [15] = (292, 256), // q8_k
        [30] = (2, 1), // bf16
    };

    /// <summary>What a checked model file holds, for logs and the transcript cache key.</summary>
    public sealed record Summary(string Path, long Bytes, int Vocabulary, int AudioLayers, int Tensors);

    /// <summary>The model's summary; throws <see cref="ErrorCode.BadOption"/> naming the path when it is missing, unreadable or not a Whisper ggml model.</summary>
    public static Summary Check(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw Bad($"{Setting} is not set: the whisper engine needs a ggml model file; {WhereToGetOne}");
        }

        if (Directory.Exists(path))
        {
            throw Bad($"{Setting} '{path}' is a directory, not a model file; {WhereToGetOne}");
        }

        if (!File.Exists(path))
        {
            throw Bad($"{Setting} '{path}' does not exist; {WhereToGetOne}");
        }

        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Walk(path, file);
        }
        catch (EndOfStreamException)
        {
            throw Bad($"{Setting} '{path}' ends early: it is cut short (an interrupted download?); {WhereToGetOne}");
        }
        catch (OverflowException)
        {
            throw Bad($"{Setting} '{path}' has tensor sizes no file can hold: not a Whisper model; {WhereToGetOne}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Bad($"{Setting} '{path}' cannot be read: {e.Message}");
        }
    }

    private static Summary Walk(string path, FileStream file)
    {
        long length = file.Length;
        using var r = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        if (length < 4 || r.ReadUInt32() != Magic)
        {
            throw Bad($"{Setting} '{path}' is not a ggml Whisper model (it does not start with the ggml magic); {WhereToGetOne}");
        }

        // n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype
        var h = new int[11];
        for (int i = 0; i < h.Length; i++)
        {
            h[i] = r.ReadInt32();
        }

        if (h.Take(10).Any(v => v <= 0 || v > 1 << 20) || h[10] < 0)
        {
            throw Bad($"{Setting} '{path}' has the ggml magic but not a Whisper model's header (a ggml file of another model?); {WhereToGetOne}");
        }

        int melCount = r.ReadInt32();
        int fftCount = r.ReadInt32();
        Skip(r, Size(path, melCount, fftCount, 4), length);
        int vocabulary = r.ReadInt32();
        if (vocabulary < 0 || vocabulary > h[0])
        {
            throw Bad($"{Setting} '{path}' has a vocabulary of {vocabulary} tokens, more than its header's {h[0]}: not a Whisper model");
        }

        for (int i = 0; i < vocabulary; i++)
        {
            uint tokenBytes = r.ReadUInt32();
            Skip(r, tokenBytes, length);
        }

        int tensors = 0;
        while (file.Position < length)
        {
            int dims = r.ReadInt32();
            int nameBytes = r.ReadInt32();
            int type = r.ReadInt32();
            if (dims is < 1 or > 4 || nameBytes is < 1 or > 1024 || !TensorTypes.TryGetValue(type, out var t))
            {
                throw Bad($"{Setting} '{path}' has a damaged tensor header at byte {file.Position - 12} (or tensors of a type this build does not know)");
            }

            long values = 1;
            for (int d = 0; d < dims; d++)
            {
                values = checked(values * Size(path, r.ReadInt32(), 1, 1));
            }

            Skip(r, nameBytes, length);
            Skip(r, checked(values / t.Values * t.Bytes), length);
            tensors++;
        }

        if (tensors == 0)
        {
            // whisper.cpp loads such a file as an "empty model for testing" and hears nothing in any audio
            throw Bad($"{Setting} '{path}' holds no weights (a whisper.cpp test file?); {WhereToGetOne}");
        }

        return new Summary(path, length, h[0], h[4], tensors);
    }

    private static long Size(string path, int a, int b, int unit) =>
        a < 0 || b < 0 ? throw Bad($"{Setting} '{path}' has a negative size in its header: not a Whisper model") : (long)a * b * unit;

    private static void Skip(BinaryReader r, long bytes, long length)
    {
        if (r.BaseStream.Position + bytes > length)
        {
            throw new EndOfStreamException();
        }

        r.BaseStream.Seek(bytes, SeekOrigin.Current);
    }

    private static ClipperException Bad(string message) => new(ErrorCode.BadOption, message);
}
