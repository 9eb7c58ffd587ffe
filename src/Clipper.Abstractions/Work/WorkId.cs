using System.Globalization;
using Clipper.Abstractions.Jobs;

namespace Clipper.Abstractions.Work;

/// <summary>
/// One unit of a job's work: a stage and, for the stages that run once per clip, the clip's index (0 for the stages
/// that run once per job; for transcribe, the chunk's index, or 0 for the unit that stitches the chunks). Its text form ("fetch", "track-3") is what the API, the pages and the logs show. A value
/// type: grain storage's JSON tracks references of objects, and an id shared by two records must not become one.
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.WorkId")]
public readonly record struct WorkId([property: Id(0)] Stage Stage, [property: Id(1)] int Index = 0)
{
    public static readonly WorkId Fetch = new(Stage.Fetch);
    public static readonly WorkId Transcribe = new(Stage.Transcribe);
    public static readonly WorkId Score = new(Stage.Score);
    public static readonly WorkId Split = new(Stage.Split);

    /// <summary>A link's audio stream fetched ahead of its video ("fetch-audio").</summary>
    public static readonly WorkId FetchAudio = new(Stage.FetchAudio);

    private const string FetchAudioText = "fetch-audio";

    public static WorkId Track(int clip) => new(Stage.Track, clip);

    public static WorkId Encode(int clip) => new(Stage.Encode, clip);

    /// <summary>Chunk <paramref name="index"/> (from 1) of the audio, recognised on its own ("transcribe-3").</summary>
    public static WorkId Chunk(int index) => new(Stage.Transcribe, index);

    /// <summary>A transcribe unit of one chunk of the audio (the one without an index stitches them into the transcript).</summary>
    public bool IsChunk => Stage == Stage.Transcribe && Index > 0;

    /// <summary>Units that spread over the silos (per clip, and the audio's chunks) rather than run near their job.</summary>
    public bool Spreads => StageInfo.Of(Stage).PerClip || IsChunk;

    /// <summary>The stage unit grain's key: one activation per job and unit.</summary>
    public string GrainKey(string jobId) => $"{jobId}/{this}";

    public override string ToString() => Stage == Stage.FetchAudio ? FetchAudioText
        : Index == 0
        ? Stage.ToString().ToLowerInvariant()
        : string.Create(CultureInfo.InvariantCulture, $"{Stage.ToString().ToLowerInvariant()}-{Index}");

    /// <summary>Reads the text form; false for anything else (a state written by an older build uses it as a key).</summary>
    public static bool TryParse(string? text, out WorkId id)
    {
        id = Fetch;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text == FetchAudioText)
        {
            id = FetchAudio;
            return true;
        }

        int dash = text.IndexOf('-', StringComparison.Ordinal);
        var name = dash < 0 ? text : text[..dash];
        int index = 0;
        if (!Enum.TryParse<Stage>(name, ignoreCase: true, out var stage) || stage == Stage.FetchAudio || !string.Equals(name, stage.ToString(), StringComparison.OrdinalIgnoreCase)
            || (dash >= 0 && (!int.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out index) || index <= 0)))
        {
            return false;
        }

        id = new WorkId(stage, index);
        return true;
    }
}
