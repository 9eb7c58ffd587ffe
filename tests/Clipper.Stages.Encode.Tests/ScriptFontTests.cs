using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Errors;
using Clipper.Core.Processes;
using Clipper.Core.Transcripts;
using Clipper.TestSupport;

namespace Clipper.Stages.Encode.Tests;

/// <summary>
/// Captions in a script the configured font (League Spartan: Latin only) lacks are drawn in a font that has the glyphs,
/// chosen by reading each font's character map; text no installed font covers is refused by name, never drawn as boxes.
/// </summary>
public sealed class ScriptFontTests : IDisposable
{
    private readonly string dir = TestMedia.TempDir("script-fonts");

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    [Trait("Category", "unit")]
    public void EachScriptGetsTheFirstFontWithAllItsGlyphs()
    {
        var encoder = new ClipEncoder(new EncodeOptions());

        Assert.Equal("League Spartan Black", encoder.FontFor("HOW TEAMS FALL APART, SAID ZOË").Name);
        Assert.Equal("DejaVu Sans", encoder.FontFor("ПРИВЕТ, ДРУЗЬЯ").Name);
        Assert.Equal("DejaVu Sans", encoder.FontFor("ΚΑΛΗΜΈΡΑ ΦΊΛΟΙ").Name);
        // fonts-noto-core, installed by the setup
        Assert.Equal("Noto Sans Thai", encoder.FontFor("สวัสดี ครับ").Name);
        Assert.Equal("Noto Sans Devanagari", encoder.FontFor("नमस्ते दोस्तों").Name);
        // DejaVu Sans has Arabic letters of its own
        Assert.Equal("DejaVu Sans", encoder.FontFor("مرحبا بكم").Name);
    }

    [Fact]
    [Trait("Category", "unit")]
    public void TextNoInstalledFontCoversIsRefusedNamingTheCharactersAndTheFonts()
    {
        var encoder = new ClipEncoder(new EncodeOptions { Captions = new CaptionOptions { ScriptFontNames = "" } });

        var e = Assert.Throws<ClipperException>(() => encoder.FontFor("สวัสดี ครับ"));

        Assert.Equal(ErrorCode.CaptionGlyphsMissing, e.Code);
        Assert.Equal("caption_glyphs_missing", e.Code.Code());
        Assert.Contains("'ส' (U+0E2A)", e.Message, StringComparison.Ordinal);
        Assert.Contains("tried League Spartan Black, DejaVu Sans", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "media")]
    public async Task BurnedRussianCaptionsAreRealCyrillicLettersThatOcrReads()
    {
        // a flat frame, so the only thing to read is the caption
        var source = await TestMedia.FfmpegAsync(Path.Combine(dir, "flat.mp4"), "-f", "lavfi", "-i", "color=c=0x285A8C:s=640x360:r=25:d=3",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest");
        Word[] words = [new("Привет", 0.3, 1.2, 1), new("друзья", 1.2, 2.6, 1)];
        var clip = new ScoredClip(1, 0, 3, 80, new Scores(80, 80, 80, 80), "test", "Привет");
        var encoded = await new ClipEncoder(new EncodeOptions { Preset = "ultrafast" }).EncodeAsync(
            new EncodeRequest(source, clip, words, CropPath.Centre(640, 360, 360, 640, "test"), 360, 640, Path.Combine(dir, "out"), "clip-01"),
            cancel: Token);

        // the caption band at 2 s, twice as large, grey and inverted (dark letters on light) for the recogniser
        var png = Path.Combine(dir, "frame.png");
        await TestMedia.FfmpegAsync(png, "-ss", "2", "-i", encoded.Video, "-frames:v", "1", "-vf", "crop=360:200:0:300,scale=720:400,format=gray,negate");
        var ocr = await ProcessRunner.RunCheckedAsync(["tesseract", png, "-", "-l", "rus", "--psm", "6"], TimeSpan.FromSeconds(60), Token);
        var text = System.Text.Encoding.UTF8.GetString(ocr.Stdout);

        Assert.Contains("ПРИВЕТ", text, StringComparison.Ordinal);
    }
}
