namespace Clipper.Stages.Encode;

/// <summary>
/// Every tunable of the encode stage (the <c>clipper.encode</c> block of the configuration).
/// <see cref="Preset"/>/<see cref="Crf"/> go to libx264 (<see cref="X264Threads"/> 0 lets it choose);
/// <see cref="AudioBitrateKbps"/> to AAC. <see cref="BurnCaptions"/> false leaves the picture clean (SRT and VTT
/// are still written). The thumbnail is <see cref="ThumbnailWidth"/> wide (height follows the output aspect,
/// never larger than the output), taken <see cref="ThumbnailAt"/> of the way into the clip, JPEG quality
/// <see cref="JpegQuality"/> (ffmpeg's 2 = best .. 31). The encoded file must last the clip's duration within
/// <see cref="DurationTolerance"/> seconds; ffmpeg is killed after <see cref="Timeout"/>.
/// </summary>
public sealed class EncodeOptions
{
    private static readonly HashSet<string> Presets =
    [
        "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo",
    ];

    public string Preset { get; set; } = "veryfast";

    public int Crf { get; set; } = 21;

    public int X264Threads { get; set; }

    public int AudioBitrateKbps { get; set; } = 128;

    public bool BurnCaptions { get; set; } = true;

    public int ThumbnailWidth { get; set; } = 540;

    public double ThumbnailAt { get; set; } = 0.3;

    public int JpegQuality { get; set; } = 3;

    public double DurationTolerance { get; set; } = 0.3;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The captions' preset (their look: font, sizes, colours, position) and how words are grouped into lines and cues.</summary>
    public CaptionOptions Captions { get; set; } = new();

    /// <summary>
    /// Keys of the one caption style before the presets (<see cref="CaptionPresets"/>), relative to Clipper:Encode. The
    /// binder would ignore them, so an operator who set one would get a look they did not ask for without a word: the
    /// start is refused naming each, as for any bad value.
    /// </summary>
    public static readonly IReadOnlyList<string> Retired =
    [
        "FontName", "FontsDir", "Captions:FontSize", "Captions:BottomMargin", "Captions:SideMargin", "Captions:TextColour",
        "Captions:HighlightColour", "Captions:OutlineColour", "Captions:Outline", "Captions:Shadow", "Captions:Uppercase",
        "Captions:MinWordsPerLine", "Captions:MaxWordsPerLine",
    ];

    /// <summary>Records each <see cref="Retired"/> key set in <paramref name="section"/> (Clipper:Encode).</summary>
    public static void CheckRetired(Microsoft.Extensions.Configuration.IConfiguration section, Clipper.Core.Configuration.OptionChecks checks)
    {
        foreach (var key in Retired)
        {
            checks.Require(section[key] is null, key,
                "is no longer read: captions are styled by a preset (Clipper:Encode:Captions:Preset, or a job's --captions; see README \"Caption presets\")");
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public EncodeOptions Validate()
    {
        Require(Presets.Contains(Preset), $"Preset must be an x264 preset (ultrafast .. placebo), got {Preset}");
        Require(Crf is >= 0 and <= 51, $"Crf must be 0..51, got {Crf}");
        Require(X264Threads >= 0, "X264Threads must be >= 0");
        Require(AudioBitrateKbps is >= 16 and <= 512, $"AudioBitrateKbps must be 16..512, got {AudioBitrateKbps}");
        Require(ThumbnailWidth >= 16, $"ThumbnailWidth must be at least 16, got {ThumbnailWidth}");
        Require(ThumbnailAt is >= 0 and <= 1, "ThumbnailAt must be 0..1");
        Require(JpegQuality is >= 2 and <= 31, "JpegQuality must be 2..31");
        Require(DurationTolerance > 0, "DurationTolerance must be positive");
        Require(Timeout > TimeSpan.Zero, "Timeout must be positive");
        Require(Captions is not null, "Captions must be set");
        try
        {
            Captions!.Validate();
        }
        catch (ArgumentException e)
        {
            // named as the key it is under
            throw new ArgumentException($"{nameof(Captions)}:{e.Message}", e);
        }

        return this;
    }

    internal static void Require(bool ok, string message)
    {
        if (!ok)
        {
            throw new ArgumentException(message);
        }
    }
}
