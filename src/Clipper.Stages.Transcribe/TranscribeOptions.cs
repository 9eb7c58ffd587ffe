using Clipper.Core.Errors;
using Clipper.Stages.Transcribe.Local;
using Clipper.Stages.Transcribe.Remote;

namespace Clipper.Stages.Transcribe;

/// <summary>
/// Tunables of the transcribe stage, bound from configuration (defaults as the Java reference.conf).
/// </summary>
public sealed class TranscribeOptions
{
    /// <summary>The engines this build knows: <see cref="Engine"/> takes one of them.</summary>
    public static readonly IReadOnlyList<string> Engines = ["pocketsphinx", "openai", "whisper"];

    /// <summary>
    /// The speech-to-text engine used when the source brings no captions: "pocketsphinx" (local, offline, the default),
    /// "openai" (the OpenAI transcription API of Clipper:OpenAI, with pocketsphinx for any piece it fails on) or "whisper"
    /// (local Whisper on the ggml model file of <see cref="Whisper"/>).
    /// </summary>
    public string Engine { get; set; } = "pocketsphinx";

    /// <summary>The local Whisper engine's model file, language and threads (Clipper:Transcribe:Whisper).</summary>
    public WhisperOptions Whisper { get; set; } = new();

    /// <summary>How the remote engine cuts, sends and retries (Clipper:Transcribe:Remote).</summary>
    public RemoteTranscribeOptions Remote { get; set; } = new();

    /// <summary>
    /// How pocketsphinx listens: <see cref="PocketsphinxMethod.Utterances"/> (the default) cuts the audio in its
    /// pauses and decodes every piece whole with <c>pocketsphinx_batch</c>; <see cref="PocketsphinxMethod.Continuous"/>
    /// streams each chunk through <c>pocketsphinx_continuous</c>, whose own voice detector splits it (the way before).
    /// </summary>
    public PocketsphinxMethod Method { get; set; } = PocketsphinxMethod.Utterances;

    /// <summary>The recogniser binary of <see cref="PocketsphinxMethod.Continuous"/>.</summary>
    public string Pocketsphinx { get; set; } = "/usr/bin/pocketsphinx_continuous";

    /// <summary>The recogniser binary of <see cref="PocketsphinxMethod.Utterances"/>.</summary>
    public string PocketsphinxBatch { get; set; } = "/usr/bin/pocketsphinx_batch";

    /// <summary><see cref="PocketsphinxMethod.Utterances"/>: no cut leaves a piece shorter than this.</summary>
    public double UtteranceMinSeconds { get; set; } = 2;

    /// <summary><see cref="PocketsphinxMethod.Utterances"/>: a piece longer than this is cut at its quietest moment.</summary>
    public double UtteranceMaxSeconds { get; set; } = 25;

    /// <summary>
    /// <see cref="PocketsphinxMethod.Utterances"/>: a quiet 0.3 s no louder than the audio's noise floor (its 5th
    /// percentile) plus this many dB is a pause, and the audio is cut there.
    /// </summary>
    public double PauseDb { get; set; } = 10;

    /// <summary>The model directory: acoustic model <c>en-us/</c>, <c>en-us.lm.bin</c> and <c>cmudict-en-us.dict</c>.</summary>
    public string ModelDir { get; set; } = "/usr/share/pocketsphinx/model/en-us";

    /// <summary>
    /// Long audio is cut near every this many seconds, at the quietest moment nearby. In a silo each chunk is a unit of
    /// work of its own (spread over the silos' transcribe slots); in one process they run <see cref="Parallelism"/> at once.
    /// </summary>
    public double ChunkSeconds { get; set; } = 60;

    /// <summary>
    /// Seconds of audio a chunk unit decodes beyond each end of its chunk: a word a seam cuts (a cut with no pause near
    /// it) is heard whole on both sides, and kept by the chunk its middle falls in.
    /// </summary>
    public double ChunkOverlap { get; set; } = 0.5;

    /// <summary>
    /// Search settings handed to pocketsphinx after the model files, e.g. <c>-ds 2</c>. Empty: pocketsphinx's own
    /// defaults, except that <see cref="PocketsphinxMethod.Utterances"/> skips the second, flat-lexicon pass
    /// (<c>-fwdflat no</c>) unless these name <c>-fwdflat</c>.
    /// </summary>
    public List<string> DecoderArguments { get; set; } = [];

    /// <summary>How many recogniser processes run at once for one source (one pocketsphinx uses one core).</summary>
    public int Parallelism { get; set; } = 2;

    /// <summary>
    /// A chunk's recogniser may use this many CPU seconds per second of audio (plus a minute) before the kernel stops it
    /// (about 0.2 are used). CPU time, not wall time: a recogniser that waits for a core on a busy silo is slow, not stuck.
    /// </summary>
    public double RecogniserCpuPerSecond { get; set; } = 3.0;

    /// <summary>
    /// The backstop for a recogniser that hangs without using CPU: it is killed after this many times its CPU limit in
    /// wall time.
    /// </summary>
    public double RecogniserWallFactor { get; set; } = 6.0;

    /// <summary>How long ffmpeg may take to decode the audio track.</summary>
    public TimeSpan ExtractTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Fewer recognised words than this is "no speech".</summary>
    public int MinWords { get; set; } = 5;

    /// <summary>Words covering less than this fraction of the duration is "no speech".</summary>
    public double MinSpeechFraction { get; set; } = 0.05;

    /// <summary>
    /// How <paramref name="engine"/>'s transcripts are told apart in the cache: the engine's name, and for "whisper" the
    /// model file's name too ("whisper-ggml-base.en"), so a transcript made with another model is not served.
    /// </summary>
    public string CacheName(string engine) => engine == "whisper" ? "whisper-" + Whisper.ModelName : engine;

    public string AcousticModel => Path.Combine(ModelDir, "en-us");

    public string LanguageModel => Path.Combine(ModelDir, "en-us.lm.bin");

    public string Dictionary => Path.Combine(ModelDir, "cmudict-en-us.dict");

    /// <summary>Throws <see cref="ErrorCode.BadOption"/> naming the first setting out of range.</summary>
    public TranscribeOptions Validate()
    {
        if (!Engines.Contains(Engine))
        {
            Bad($"Engine must be one of {string.Join(", ", Engines)}, got '{Engine}'");
        }

        Remote.Validate();
        Whisper.Validate();
        if (Engine == "whisper")
        {
            // a model that is missing or damaged stops the start (or the job that asks for it), not whisper.cpp mid-job
            WhisperModelFile.Check(Whisper.Model);
        }

        if (double.IsNaN(ChunkSeconds) || ChunkSeconds < 10)
        {
            Bad($"ChunkSeconds must be at least 10, got {ChunkSeconds}");
        }

        if (!(ChunkOverlap >= 0 && ChunkOverlap <= ChunkSeconds / 4))
        {
            Bad($"ChunkOverlap must be between 0 and a quarter of ChunkSeconds, got {ChunkOverlap}");
        }

        if (!(UtteranceMinSeconds >= 0.5) || !(UtteranceMaxSeconds >= 2 * UtteranceMinSeconds))
        {
            Bad($"UtteranceMinSeconds must be at least 0.5 and UtteranceMaxSeconds at least twice it, got {UtteranceMinSeconds} and {UtteranceMaxSeconds}");
        }

        if (double.IsNaN(PauseDb))
        {
            Bad("PauseDb must be a number");
        }

        if (!Enum.IsDefined(Method))
        {
            Bad($"Method must be Utterances or Continuous, got {Method}");
        }

        if (Parallelism < 1)
        {
            Bad($"Parallelism must be at least 1, got {Parallelism}");
        }

        if (!(RecogniserCpuPerSecond > 0))
        {
            Bad($"RecogniserCpuPerSecond must be positive, got {RecogniserCpuPerSecond}");
        }

        if (!(RecogniserWallFactor >= 1))
        {
            Bad($"RecogniserWallFactor must be at least 1, got {RecogniserWallFactor}");
        }

        if (ExtractTimeout <= TimeSpan.Zero)
        {
            Bad($"ExtractTimeout must be positive, got {ExtractTimeout}");
        }

        if (MinWords < 0)
        {
            Bad($"MinWords must not be negative, got {MinWords}");
        }

        if (!(MinSpeechFraction >= 0) || MinSpeechFraction >= 1)
        {
            Bad($"MinSpeechFraction must be in [0, 1), got {MinSpeechFraction}");
        }

        return this;
    }

    private static void Bad(string message) => throw new ClipperException(ErrorCode.BadOption, message);
}

/// <summary>How <see cref="PocketsphinxProvider"/> runs the recogniser (see <see cref="TranscribeOptions.Method"/>).</summary>
public enum PocketsphinxMethod
{
    /// <summary>Cut in pauses, each piece decoded whole by <c>pocketsphinx_batch</c>.</summary>
    Utterances,

    /// <summary>Each chunk streamed through <c>pocketsphinx_continuous</c>.</summary>
    Continuous,
}
