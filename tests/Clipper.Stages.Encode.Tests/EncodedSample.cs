using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Transcripts;
using Clipper.Samples;
using Clipper.TestSupport;

namespace Clipper.Stages.Encode.Tests;

/// <summary>
/// The short talking video (640×360, a face photo panning, flite speech) and a 20 s clip of it encoded once at
/// 360×640 with a crop that jumps at known times, with captions and without, shared by the encoder tests.
/// </summary>
public sealed class EncodedSample : IAsyncLifetime
{
    public const int W = 360;
    public const int H = 640;
    public const double ClipStart = 3.0;
    public const double ClipEnd = 23.0;
    public const int CropW = 202;
    public const int CropRight = 640 - CropW;

    /// <summary>Left edge until 5 s into the clip, right edge until 10 s, then the middle.</summary>
    public static readonly CropPath Moving = new(640, 360, CropW, 360,
        [new Keyframe(0, 0, 0), new Keyframe(5, CropRight, 0), new Keyframe(10, 219, 0)], "face", "test path");

    public string Dir { get; } = TestMedia.TempDir("clipper-encode");

    public BuiltMedia Source { get; private set; } = null!;

    public IReadOnlyList<Word> Words { get; private set; } = [];

    public ScoredClip Clip { get; } = new(1, ClipStart, ClipEnd, 80, new Scores(80, 80, 80, 80), "test", "Test");

    public EncodedClip Captioned { get; private set; } = null!;

    public EncodedClip Plain { get; private set; } = null!;

    internal ProgressLog Progress { get; } = new();

    /// <summary>An awkward directory name proves the filter arguments are escaped.</summary>
    public string OddDir => Path.Combine(Dir, "out dir, with: 'odd' [chars]; \\ too");

    public async ValueTask InitializeAsync()
    {
        Source = await TestMedia.ShortTalkAsync();
        Assert.True(Source.DurationSeconds > ClipEnd + 1, $"sample lasts {Source.DurationSeconds}");
        Words = Source.Words();
        // a dead attempt's leftovers, which the next attempt must clear
        Directory.CreateDirectory(Path.Combine(OddDir, ".clip-01.work-deadbeef"));
        await File.WriteAllTextAsync(Path.Combine(OddDir, ".clip-01.mp4.deadbeef.tmp"), "partial");
        // someone else's file in the same directory stays
        await File.WriteAllTextAsync(Path.Combine(OddDir, ".clip-011.mp4.deadbeef.tmp"), "not ours");
        Captioned = await new ClipEncoder(new EncodeOptions()).EncodeAsync(Request(Moving, W, H, OddDir, "clip-01"), Progress);
        Plain = await new ClipEncoder(new EncodeOptions { BurnCaptions = false })
            .EncodeAsync(Request(Moving, W, H, Path.Combine(Dir, "plain"), "clip-01"));
    }

    public EncodeRequest Request(CropPath crop, int w, int h, string dir, string stem) =>
        new(Source.File, Clip, Words, crop, w, h, dir, stem);

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}
