using System.Text.RegularExpressions;
using Clipper.Core.Errors;

namespace Clipper.Stages.Transcribe.Local;

/// <summary>
/// The local Whisper engine (Clipper:Transcribe:Whisper), used when <see cref="TranscribeOptions.Engine"/> is "whisper":
/// whisper.cpp through Whisper.net on a ggml model file the operator provides (none ships with Clipper).
/// </summary>
public sealed partial class WhisperOptions
{
    /// <summary>
    /// The ggml model file, e.g. <c>/models/ggml-base.en.bin</c> (CLIPPER_WHISPER_MODEL); from
    /// https://huggingface.co/ggerganov/whisper.cpp. Checked at start-up when the engine is "whisper".
    /// </summary>
    public string Model { get; set; } = "";

    /// <summary>The spoken language as an ISO 639-1 code ("en", "de"), or "auto" to let Whisper detect it.</summary>
    public string Language { get; set; } = "auto";

    /// <summary>
    /// In a job, audio is cut in its pauses near every this many minutes, each piece a chunk unit of its own (spread over
    /// the silos, stored as it lands); audio of at most 1.25 times it is heard whole.
    /// </summary>
    public double ChunkMinutes { get; set; } = 5;

    /// <summary>Threads whisper.cpp computes with; 0: one per core.</summary>
    public int Threads { get; set; }

    /// <summary>The threads used: <see cref="Threads"/>, or the core count when it is 0.</summary>
    public int ThreadCount => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>The model file's name without ".bin", in letters, digits, '.', '-' and '_' ("ggml-base.en").</summary>
    public string ModelName =>
        new(Path.GetFileNameWithoutExtension(Model.Trim()).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray());

    /// <summary>Throws <see cref="ErrorCode.BadOption"/> naming the first setting out of range (the model file is not read).</summary>
    public WhisperOptions Validate()
    {
        if (Threads < 0)
        {
            throw new ClipperException(ErrorCode.BadOption, $"Whisper:Threads must not be negative (0: one per core), got {Threads}");
        }

        if (!(ChunkMinutes >= 0.25))
        {
            throw new ClipperException(ErrorCode.BadOption, $"Whisper:ChunkMinutes must be at least 0.25, got {ChunkMinutes}");
        }

        if (Language != "auto" && !LanguageCode().IsMatch(Language))
        {
            throw new ClipperException(ErrorCode.BadOption, $"Whisper:Language must be 'auto' or a language code Whisper knows, like 'en' or 'de', got '{Language}'");
        }

        return this;
    }

    [GeneratedRegex("^[a-z]{2,3}$")]
    private static partial Regex LanguageCode();
}
