using System.Globalization;
using Clipper.Core.Errors;
using Clipper.Core.Processes;
using Clipper.Core.Transcripts;

namespace Clipper.Stages.Encode.Tests;

/// <summary>
/// The caption presets as libass really draws them: for each, a 1.5 s sequence of 360×640 frames over a plain
/// background in one ffmpeg run, checked for the preset's colours, position and motion, and the font libass
/// selected (its log) checked to be the preset's; a missing font is an error naming it; emoji are left out by default.
/// </summary>
public sealed class CaptionPresetTests : IDisposable
{
    private const int Width = 360;
    private const int Height = 640;
    private const int Fps = 10;

    private readonly string _dir = Clipper.TestSupport.TestMedia.TempDir("clipper-presets");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Three words: 0.0–0.4 s, 0.5–0.9 s, 1.0–1.4 s.</summary>
    private static Captions Three() =>
        new([new Word("Every", 0.0, 0.4, 0.9), new Word("talk", 0.5, 0.9, 0.9), new Word("matters", 1.0, 1.4, 0.9)], 1.5);

    /// <summary>The frames at 0.0, 0.1, … 1.4 s, and libass's "fontselect" log lines.</summary>
    private Task<(CaptionRender[] Frames, string FontLog)> RenderAsync(string ass, CaptionFont font) => RenderAsync(ass, font, Width, Height);

    private async Task<(CaptionRender[] Frames, string FontLog)> RenderAsync(string ass, CaptionFont font, int width, int height)
    {
        var file = Path.Combine(_dir, $"p{Guid.NewGuid():N}.ass");
        await File.WriteAllTextAsync(file, ass);
        string filter = "ass=filename=" + ClipEncoder.FilterValue(file)
            + (font.Dir is null ? "" : ":fontsdir=" + ClipEncoder.FilterValue(font.Dir));
        var log = new List<string>();
        var r = await ProcessRunner.RunAsync(
        [
            "ffmpeg", "-nostdin", "-v", "verbose", "-f", "lavfi",
            "-i", $"color=c=0x{CaptionRender.Background:X6}:s={width}x{height}:r={Fps}:d=1.5,format=rgb24,{filter}",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
        ], TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken, stderrLine: line =>
        {
            if (line.Contains("fontselect"))
            {
                lock (log)
                {
                    log.Add(line);
                }
            }
        });
        Assert.True(r.ExitCode == 0, r.StderrTail);
        int size = width * height * 3;
        Assert.Equal(15 * size, r.Stdout.Length);
        var frames = Enumerable.Range(0, 15).Select(i => CaptionRender.Of(r.Stdout[(i * size)..((i + 1) * size)], width, height)).ToArray();
        lock (log)
        {
            return (frames, string.Join("\n", log));
        }
    }

    /// <summary>The same box but for a pixel of anti-aliased edge (differently coloured runs blend their outlines apart).</summary>
    private static void AssertSameBox((int Left, int Top, int Right, int Bottom) expected, (int Left, int Top, int Right, int Bottom)? actual)
    {
        Assert.NotNull(actual);
        var a = actual.Value;
        Assert.True(Math.Abs(a.Left - expected.Left) <= 1 && Math.Abs(a.Top - expected.Top) <= 1 && Math.Abs(a.Right - expected.Right) <= 1
            && Math.Abs(a.Bottom - expected.Bottom) <= 1, $"the line moved: {expected} then {a}");
    }

    private static int Rgb(string hex) => int.Parse(hex[1..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>Every preset in every output ratio (at a third of its size), and the 9:16 size the other tests use.</summary>
    public static TheoryData<string, int, int> PresetsAndRatios()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var p in CaptionPresets.All)
        {
            foreach (var (w, h) in new[] { (360, 640), (360, 360), (360, 450), (640, 360) })
            {
                data.Add(p.Name, w, h);
            }
        }

        return data;
    }

    /// <summary>
    /// A long line (eleven words, one of them 21 letters) in each preset and ratio: in every frame its ink lies between
    /// the preset's side margins and no lower than its bottom margin allows (outline, shadow and a pixel of edge), and in
    /// the lower half; the font fits the ratio's shorter side, so a 16:9 frame's line is no taller than a 9:16 one's.
    /// </summary>
    [Theory]
    [Trait("Category", "media")]
    [MemberData(nameof(PresetsAndRatios))]
    public async Task EveryPresetKeepsALongLineInsideTheSafeAreaOfEveryRatio(string name, int width, int height)
    {
        var p = CaptionPresets.Get(name);
        var font = CaptionFont.Of(p);
        string[] text = ["Every", "talk", "hides", "an", "incomprehensibilities", "idea", "that", "people", "remember", "long", "after"];
        var words = text.Select((t, i) => new Word(t, i * 0.13, (i * 0.13) + 0.12, 0.9)).ToList();
        var (frames, _) = await RenderAsync(new Captions(words, 1.5).Ass(width, height, new CaptionOptions(), font, p), font, width, height);

        int fontPx = Captions.FontPixels(width, height, p);
        int side = (int)Math.Round(width * p.SideMargin);
        int pad = Captions.OutlinePixels(width, height, p) + 1 + (int)Math.Ceiling(fontPx * p.Shadow);
        double baseline = height * (1 - p.BottomMargin);
        var boxes = frames.Select(f => f.InkBox()).Where(b => b is not null).Select(b => b!.Value).ToList();
        Assert.True(boxes.Count >= 10, $"{name} {width}x{height}: captions in {boxes.Count} of 15 frames");
        int left = boxes.Min(b => b.Left), right = boxes.Max(b => b.Right), top = boxes.Min(b => b.Top), bottom = boxes.Max(b => b.Bottom);
        string seen = string.Create(CultureInfo.InvariantCulture,
            $"caption preset {name} at {width}x{height}: ink {left}..{right} x {top}..{bottom} over 15 frames; safe area x {side}..{width - side}, baseline {baseline:0}, font {fontPx} px");
        Clipper.TestSupport.Measurements.Record(seen);
        Assert.True(left >= side - pad && right <= width - side + pad, $"{seen}: into the side margins");
        Assert.True(bottom <= baseline + pad, $"{seen}: below the bottom margin");
        Assert.True(top >= height / 2, $"{seen}: above the lower half");
    }

    [Theory]
    [Trait("Category", "media")]
    [InlineData("bold", "LeagueSpartan-Black")]
    [InlineData("karaoke", "Inter-Black")]
    [InlineData("pop", "BebasNeueBold")]
    [InlineData("lower-third", "NotoSans-Bold")]
    public async Task EachPresetIsDrawnInItsFontColoursAndPlace(string name, string fontFile)
    {
        var p = CaptionPresets.Get(name);
        var font = CaptionFont.Of(p);
        var (frames, fontLog) = await RenderAsync(Three().Ass(Width, Height, new CaptionOptions(), font, p), font);
        TestContext.Current.TestOutputHelper?.WriteLine(fontLog);

        // the font libass drew with is the preset's, not a substitute
        Assert.Contains($"({p.FontName}, 700, 0) -> ", fontLog);
        Assert.Contains(fontFile, fontLog.Split("->")[1]);

        // inside the safe area: between the side margins, its bottom at the preset's bottom margin
        int fontPx = Captions.FontPixels(Width, Height, p);
        int side = (int)Math.Round(Width * p.SideMargin);
        int pad = Captions.OutlinePixels(Width, Height, p) + 1;
        var box = frames[2].InkBox()!.Value;
        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: ink {box} at 0.2 s, font {fontPx} px");
        Assert.True(box.Left >= side - pad && box.Right <= Width - side + pad, $"{name} reaches into the side margins: {box}");
        double baseline = Height * (1 - p.BottomMargin);
        Assert.InRange(box.Bottom, baseline - fontPx, baseline + pad + fontPx * p.Shadow + 2);
        Assert.InRange(box.Top, baseline - 2.5 * fontPx, baseline);
        var text = Rgb(p.TextColour);
        var lit = Rgb(p.HighlightColour);
        Assert.NotNull(frames[7].ColourBox(text, 30));

        switch (p.Motion)
        {
            case CaptionMotion.Highlight:
                {
                    Assert.InRange((box.Left + box.Right) / 2.0, Width / 2.0 - 6, Width / 2.0 + 6);
                    // the spoken word alone is lit, and the light moves right without moving the line
                    var first = frames[2].ColourBox(lit, 40)!.Value;
                    var second = frames[7].ColourBox(lit, 40)!.Value;
                    Assert.True(second.Left > first.Right, $"lit at {first} then {second}");
                    AssertSameBox(box, frames[7].InkBox());
                    Assert.Equal(frames[2].InkColumns(), frames[7].InkColumns());
                    break;
                }

            case CaptionMotion.Karaoke:
                {
                    Assert.InRange((box.Left + box.Right) / 2.0, Width / 2.0 - 6, Width / 2.0 + 6);
                    // the fill sweeps left to right: part of the first word is green, the rest still white; later, more is green
                    var early = frames[2].ColourBox(lit, 40)!.Value;
                    var later = frames[12].ColourBox(lit, 40)!.Value;
                    var white = frames[2].ColourBox(text, 30)!.Value;
                    Assert.True(Math.Abs(early.Left - box.Left) <= pad + 2, $"the fill starts at the line's left: {early} in {box}");
                    Assert.True(early.Right < white.Right && later.Right > early.Right + 40, $"fill at 0.2 s {early}, at 1.2 s {later}, white {white}");
                    AssertSameBox(box, frames[12].InkBox());
                    Assert.Equal(frames[2].InkColumns(), frames[12].InkColumns());
                    break;
                }

            case CaptionMotion.Pop:
                {
                    // one or two words at a time ("EVERY", then "TALK MATTERS"), each line popping in from 70 %, the spoken word lit
                    Assert.InRange((box.Left + box.Right) / 2.0, Width / 2.0 - 8, Width / 2.0 + 8);
                    var second = frames[7].InkBox()!.Value;
                    Assert.True(second.Right - second.Left > box.Right - box.Left + 40, $"one word at 0.2 s {box}, two at 0.7 s {second}");
                    var popping = frames[5].InkBox()!.Value;
                    Assert.True(popping.Right - popping.Left < 0.85 * (second.Right - second.Left), $"at 0.5 s {popping}, at 0.7 s {second}");
                    var talk = frames[7].ColourBox(lit, 40)!.Value;
                    var matters = frames[12].ColourBox(lit, 40)!.Value;
                    Assert.True(matters.Left > talk.Right, $"lit at {talk} then {matters}");
                    AssertSameBox(second, frames[12].InkBox()); // the highlight moving on does not move the words
                    Assert.Equal(frames[7].InkColumns(), frames[12].InkColumns());
                    break;
                }

            case CaptionMotion.Still:
                {
                    // bottom left, on the preset's dark box, and nothing changes as the words are spoken
                    Assert.True(box.Left <= side && (box.Left + box.Right) / 2.0 < Width / 2.0, $"not at the left: {box}");
                    var boxColour = frames[2].ColourBox(Rgb(p.OutlineColour), 12)!.Value;
                    Assert.True(boxColour.Right - boxColour.Left > 100 && boxColour.Bottom - boxColour.Top >= fontPx, $"box {boxColour}");
                    Assert.Null(frames[2].ColourBox(Rgb(CaptionPresets.Bold.HighlightColour), 40));
                    Assert.Equal(frames[2].Rgb, frames[12].Rgb);
                    break;
                }
        }
    }

    [Fact]
    [Trait("Category", "media")]
    public async Task AWordTooLongForTheSafeAreaIsDrawnSmallerInsideIt()
    {
        var p = CaptionPresets.Pop;
        var font = CaptionFont.Of(p);
        var captions = new Captions([new Word("Supercalifragilistic", 0.0, 1.4, 0.9)], 1.5);
        int fontPx = Captions.FontPixels(Width, Height, p);
        Assert.True(font.Width("SUPERCALIFRAGILISTIC", fontPx) > Captions.MaxLineWidth(Width, Height, p));
        var (frames, _) = await RenderAsync(captions.Ass(Width, Height, new CaptionOptions(), font, p), font);
        var box = frames[5].InkBox()!.Value;
        int side = (int)Math.Round(Width * p.SideMargin);
        Assert.True(box.Left >= side - 2 && box.Right <= Width - side + 2, $"the word reaches into the side margins: {box}");
        Assert.True(box.Bottom - box.Top < 1.3 * fontPx, $"one row: {box}");
    }

    [Fact]
    [Trait("Category", "unit")]
    public void ThePresetsAreValidAndNamed()
    {
        Assert.Equal(["bold", "karaoke", "pop", "lower-third"], CaptionPresets.Names);
        Assert.All(CaptionPresets.All, p => p.Validate());
        Assert.Same(CaptionPresets.LowerThird, CaptionPresets.Find(" Lower-Third "));
        Assert.Null(CaptionPresets.Find("neon"));
        var e = Assert.Throws<ArgumentException>(() => new EncodeOptions { Captions = new() { Preset = "neon" } }.Validate());
        Assert.Equal("Captions:Preset must be one of bold, karaoke, pop, lower-third, got 'neon'", e.Message);
    }

    [Fact]
    [Trait("Category", "unit")]
    public void AMissingPresetFontIsAnErrorNamingTheFontThePresetAndThePackage()
    {
        var missing = CaptionPresets.Pop with { FontName = "No Such Sans Bold", FontsDir = "/nonexistent/fonts" };
        var e = Assert.Throws<ClipperException>(() => CaptionFont.Of(missing));
        Assert.Equal("caption_font_missing", e.Code.Code());
        Assert.StartsWith("the caption font 'No Such Sans Bold' of the preset 'pop' is not installed (looked in /nonexistent/fonts, ", e.Message);
        Assert.EndsWith("install the Debian package fonts-bebas-neue (scripts/setup.sh does)", e.Message);
        // every preset's font is installed by the setup, and found in the file libass draws from
        Assert.All(CaptionPresets.All, p => Assert.False(CaptionFont.Of(p).Fallback));
    }

    [Fact]
    [Trait("Category", "unit")]
    public void EmojiAreLeftOutOfBurnedLinesUnlessTheOptionsWantThem()
    {
        var c = new Captions([new Word("Great", 0, 0.4, 0.9), new Word("🔥🔥", 0.5, 0.8, 0.9), new Word("job👍🏽!", 0.9, 1.2, 0.9)], 2);
        Assert.Equal("GREAT JOB!", c.DrawnText(new CaptionOptions()));
        Assert.DoesNotContain("🔥", c.Ass(Width, Height, new CaptionOptions(), CaptionFont.Of(CaptionPresets.Bold)));
        Assert.Equal("GREAT 🔥🔥 JOB👍🏽!", c.DrawnText(new CaptionOptions { Emoji = true }));
        Assert.Contains("🔥🔥", c.Srt(new CaptionOptions())); // the subtitle files keep the words as said
    }
}
