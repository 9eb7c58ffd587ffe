using System.Text.RegularExpressions;
using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Media;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Encode;

/// <summary>
/// One clip to encode: the source file, the clip window, the words (source times; words outside the clip are
/// ignored, so the whole transcript may be passed), the crop path, the output size, and where the results go:
/// <c>OutputDir/Stem.mp4</c>, <c>.srt</c>, <c>.vtt</c>, <c>.jpg</c>. The constructor rejects what cannot be
/// encoded with an <see cref="ArgumentException"/>.
/// </summary>
public sealed partial record EncodeRequest
{
    public EncodeRequest(string Source, ScoredClip Clip, IReadOnlyList<Word> Words, CropPath Crop, int Width, int Height,
        string OutputDir, string Stem)
    {
        if (string.IsNullOrEmpty(Source) || Clip is null || Crop is null || string.IsNullOrEmpty(OutputDir) || Words is null)
        {
            throw new ArgumentException("source, clip, words, crop and outputDir are required");
        }

        if (!(Clip.End > Clip.Start) || Clip.Start < 0)
        {
            throw new ArgumentException($"bad clip window {Clip.Start}..{Clip.End}");
        }

        if (Width < 64 || Height < 64 || Width % 2 != 0 || Height % 2 != 0)
        {
            throw new ArgumentException($"output size must be even and at least 64, got {Width}x{Height}");
        }

        if (Crop.Keyframes.Count == 0)
        {
            throw new ArgumentException("crop path has no keyframes");
        }

        // the window is scaled to the output size; a different shape would stretch faces (even sizes round a little)
        double cropAspect = (double)Crop.Width / Crop.Height;
        double outAspect = (double)Width / Height;
        if (Math.Abs(cropAspect / outAspect - 1) > 0.03)
        {
            throw new ArgumentException(
                $"crop window {Crop.Width}x{Crop.Height} does not have the output's shape {Width}x{Height}");
        }

        // the stem becomes a file name: no separators, no dot-files, nothing a shell or filter would mangle
        if (Stem is null || !StemPattern().IsMatch(Stem))
        {
            throw new ArgumentException($"bad file stem: {Stem}");
        }

        this.Source = Source;
        this.Clip = Clip;
        this.Words = Words.ToList();
        this.Crop = Crop;
        this.Width = Width;
        this.Height = Height;
        this.OutputDir = OutputDir;
        this.Stem = Stem;
    }

    /// <summary>The output size taken from the user's clip options.</summary>
    public EncodeRequest(string source, ScoredClip clip, IReadOnlyList<Word> words, CropPath crop, ClipOptions options,
        string outputDir, string stem)
        : this(source, clip, words, crop, options.Width, options.Height, outputDir, stem)
    {
    }

    public string Source { get; }

    public ScoredClip Clip { get; }

    public IReadOnlyList<Word> Words { get; }

    public CropPath Crop { get; }

    public int Width { get; }

    public int Height { get; }

    public string OutputDir { get; }

    public string Stem { get; }

    public double Duration => Clip.End - Clip.Start;

    /// <summary>
    /// The source's time base and frame facts (<see cref="SourceTiming"/>); the encoder probes the source for them
    /// when they are not given.
    /// </summary>
    public SourceTiming? SourceTiming { get; init; }

    /// <summary>The job's caption preset (<see cref="CaptionPresets"/>); null for the operator's default.</summary>
    public string? CaptionPreset { get; init; }

    /// <summary>
    /// Seconds from the clip's start during which its title is drawn at the top of the safe area (the hook title
    /// overlay, <see cref="HookTitle"/>); 0, the default, draws none.
    /// </summary>
    public double HookSeconds { get; init; }

    public void Deconstruct(out string source, out ScoredClip clip, out IReadOnlyList<Word> words, out CropPath crop,
        out int width, out int height, out string outputDir, out string stem) =>
        (source, clip, words, crop, width, height, outputDir, stem) = (Source, Clip, Words, Crop, Width, Height, OutputDir, Stem);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\z")]
    private static partial Regex StemPattern();
}
