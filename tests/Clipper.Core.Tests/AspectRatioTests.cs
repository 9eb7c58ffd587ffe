using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Errors;

namespace Clipper.Core.Tests;

/// <summary>
/// Named aspect ratios set the output size, and refuse what they cannot mean; the crop window and the fit layout's
/// box follow every ratio's shape.
/// </summary>
[Trait("Category", "unit")]
public sealed class AspectRatioTests
{
    [Theory]
    [InlineData("9:16", 1080, 1920)]
    [InlineData("1:1", 1080, 1080)]
    [InlineData("4:5", 1080, 1350)]
    [InlineData("16:9", 1920, 1080)]
    [InlineData(" 16x9 ", 1920, 1080)]
    public void ARatioAloneGivesItsStandardSize(string ratio, int width, int height) =>
        Assert.Equal((width, height), AspectRatio.Size(ratio, null, 0));

    [Fact]
    public void NoRatioKeepsTheSizeGivenAndTheDefaultForTheRest()
    {
        Assert.Equal((1080, 1920), AspectRatio.Size(null, null, null));
        Assert.Equal((720, 1280), AspectRatio.Size("", 720, 1280));
        Assert.Equal((720, 1920), AspectRatio.Size(null, 720, 0));
    }

    [Fact]
    public void ASizeOfTheRatiosShapeIsKeptAndOneSideGivesTheOther()
    {
        Assert.Equal((720, 1280), AspectRatio.Size("9:16", 720, 1280));
        Assert.Equal((720, 1280), AspectRatio.Size("9:16", 720, null));
        Assert.Equal((640, 640), AspectRatio.Size("1:1", null, 640));
        Assert.Equal((1280, 720), AspectRatio.Size("16:9", 1280, null));
    }

    [Fact]
    public void AnUnknownRatioIsABadOptionNamingTheRatios()
    {
        var e = Assert.Throws<ClipperException>(() => AspectRatio.Size("3:2", null, null));
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.Equal("ratio must be one of 9:16, 1:1, 4:5, 16:9, got '3:2'", e.Message);
    }

    [Fact]
    public void ARatioContradictingTheSizeGivenIsABadOption()
    {
        var e = Assert.Throws<ClipperException>(() => AspectRatio.Size("1:1", 1080, 1920));
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.Contains("ratio 1:1 contradicts the size 1080x1920", e.Message);
    }

    [Fact]
    public void AListOfRatiosGivesTheMainSizeThenEachExtraWithTheMainsShorterSide()
    {
        Assert.Equal([(1080, 1920), (1080, 1080), (1920, 1080)], AspectRatio.Sizes("9:16, 1:1,16x9", null, null));
        Assert.Equal([(1920, 1080), (1080, 1920), (1080, 1350), (1080, 1080)], AspectRatio.Sizes("16:9,9:16,4:5,1:1", null, null));
        // a width or height given is the main one's; the extras follow its shorter side
        Assert.Equal([(270, 480), (270, 270), (480, 270)], AspectRatio.Sizes("9:16,1:1,16:9", 270, null));
        Assert.Equal([(1080, 1920)], AspectRatio.Sizes("9:16", null, null));
        Assert.Equal([(720, 1280)], AspectRatio.Sizes(null, 720, 1280));
    }

    [Theory]
    [InlineData("9:16,3:2", "ratio must be one of 9:16, 1:1, 4:5, 16:9, got '3:2'")]
    [InlineData("9:16,,1:1", "ratio has an empty entry in '9:16,,1:1'")]
    [InlineData("9:16,1:1,", "ratio has an empty entry in '9:16,1:1,'")]
    [InlineData("9:16,1:1,9x16", "ratio 9:16 is asked twice in '9:16,1:1,9x16'")]
    [InlineData("1:1,16:9,4:5,9:16,1:1", "ratio takes at most 4 ratios, got 5 ('1:1,16:9,4:5,9:16,1:1')")]
    public void ABadDuplicateOrFifthRatioIsABadOptionNamingIt(string ratios, string message)
    {
        var e = Assert.Throws<ClipperException>(() => AspectRatio.Sizes(ratios, null, null));
        Assert.Equal((ErrorCode.BadOption, message), (e.Code, e.Message));
    }

    [Theory]
    [InlineData(1080, 1920, "9:16")]
    [InlineData(720, 1280, "9:16")]
    [InlineData(1080, 1350, "4:5")]
    [InlineData(1920, 1080, "16:9")]
    [InlineData(1080, 1080, "1:1")]
    [InlineData(1200, 800, "3:2")]
    public void ASizeIsNamedByItsShape(int width, int height, string name) => Assert.Equal(name, AspectRatio.NameOf(width, height));

    [Fact]
    public void TheCropWindowHasEachRatiosShapeInsideA16By9Source()
    {
        foreach (var r in AspectRatio.All)
        {
            var (w, h) = CropPath.CropSize(1920, 1080, r.Width, r.Height);
            Assert.True(w <= 1920 && h <= 1080 && (w == 1920 || h == 1080), $"{r.Name}: {w}x{h}");
            Assert.True(Math.Abs((double)w / h / ((double)r.Width / r.Height) - 1) < 0.01, $"{r.Name}: {w}x{h}");
        }
    }

    [Theory]
    [InlineData(1280, 720, 1080, 1920, 1080, 608, 0, 656)]
    [InlineData(1280, 720, 1080, 1080, 1080, 608, 0, 236)]
    [InlineData(1280, 720, 1080, 1350, 1080, 608, 0, 370)]
    [InlineData(1280, 720, 1920, 1080, 1920, 1080, 0, 0)]
    [InlineData(640, 480, 1920, 1080, 1440, 1080, 240, 0)]
    public void TheFitBoxIsTheWholeSourceFrameAtTheLargestSizeThatFitsCentredOnEvenOffsets(int sw, int sh, int ow, int oh, int w, int h, int x, int y) =>
        Assert.Equal((w, h, x, y), ClipLayouts.FitBox(sw, sh, ow, oh));

    [Fact]
    public void ACropPathKeepsItsLayoutThroughItsBlobAndAnOlderBlobReadsAsSingle()
    {
        var fit = CropPath.Centre(1280, 720, 1080, 1920, "no face") with { Layout = ClipLayouts.Fit, LayoutReason = "no face in 0 of 12 sampled frames" };
        var back = Json.Deserialize<CropPath>(Json.Serialize(fit));
        Assert.Equal((ClipLayouts.Fit, "no face in 0 of 12 sampled frames", 404), (back.Layout, back.LayoutReason, back.Width));
        var older = Json.Deserialize<CropPath>(
            """{"sourceWidth":1280,"sourceHeight":720,"width":404,"height":720,"keyframes":[{"t":0,"x":438,"y":0}],"method":"centre","reason":"x"}""");
        Assert.Equal((ClipLayouts.Single, null, false), (older.Layout, older.LayoutReason, older.IsFit));
        // written before shots had layouts: one single shot over the clip, nothing split
        Assert.Equal([new ShotLayout(0, 20, ClipLayouts.Single, "")], older.LayoutShots(20));
        Assert.Equal((false, null, 0), (older.HasSplit, older.Top, older.SplitWidth));
        Assert.Equal((false, null, 0), (older.HasScreen, older.Inset, older.InsetWidth));
    }

    [Fact]
    public void ACropPathKeepsItsScreenWindowThroughItsBlob()
    {
        var path = new CropPath(1280, 720, 404, 720, [new Keyframe(0, 100, 0)], "face", "x")
        {
            Layout = ClipLayouts.Screen,
            Shots = [new ShotLayout(0, 20, ClipLayouts.Screen, "a screen share: detail in 10.8 % of pixels")],
            InsetWidth = 412,
            InsetHeight = 502,
            Inset = [new Keyframe(0, 868, 218)],
        };

        var back = Json.Deserialize<CropPath>(Json.Serialize(path));

        Assert.Equal(path.Inset, back.Inset);
        Assert.Equal((412, 502, true, false), (back.InsetWidth, back.InsetHeight, back.HasScreen, back.HasSplit));
    }

    [Fact]
    public void ACropPathKeepsItsShotsAndSplitWindowsThroughItsBlob()
    {
        var path = new CropPath(1280, 720, 404, 720, [new Keyframe(0, 100, 0)], "face", "x")
        {
            Layout = ClipLayouts.Split,
            Shots = [new ShotLayout(0, 4, ClipLayouts.Single, "one face in the shot"), new ShotLayout(4, 20, ClipLayouts.Split, "both faces spoke in 15.2 of 16.0 s")],
            SplitWidth = 810,
            SplitHeight = 720,
            Top = [new Keyframe(0, 0, 0)],
            Bottom = [new Keyframe(0, 470, 0), new Keyframe(9.5, 468, 0)],
        };

        var back = Json.Deserialize<CropPath>(Json.Serialize(path));
        var columns = Json.Deserialize<CropPath>(Json.Serialize(path with { SideBySide = true }));
        // a path stored before the side-by-side split has no such field: it was stacked
        string stored = Json.Serialize(path);
        var older = Json.Deserialize<CropPath>(stored.Replace("\"sideBySide\": false,", "", StringComparison.Ordinal));

        Assert.Equal(path.Shots, back.Shots);
        Assert.Equal(path.Bottom, back.Bottom);
        Assert.Equal((810, 720, true), (back.SplitWidth, back.SplitHeight, back.HasSplit));
        Assert.Contains("\"sideBySide\": false,", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("sideBySide", stored.Replace("\"sideBySide\": false,", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal((true, false, true), (columns.SideBySide, older.SideBySide, older.HasSplit));
    }

    [Theory]
    [InlineData(1920, 960, 960)]
    [InlineData(1350, 676, 674)]
    [InlineData(1080, 540, 540)]
    public void TheSplitHalvesStackToTheOutputTheUpperOneEven(int height, int top, int bottom) =>
        Assert.Equal((top, bottom), ClipLayouts.SplitHeights(height));

    [Theory]
    [InlineData(1080, 1920, false, 1080, 960)]
    [InlineData(1080, 1350, true, 540, 1350)]
    [InlineData(1080, 1080, true, 540, 1080)]
    [InlineData(1920, 1080, true, 960, 1080)]
    [InlineData(270, 480, false, 270, 240)]
    public void TheSplitStacksInATallOutputAndGoesSideBySideInTheOthers(int width, int height, bool sideBySide, int partWidth, int partHeight) =>
        Assert.Equal((sideBySide, partWidth, partHeight), (ClipLayouts.SplitSideBySide(width, height), ClipLayouts.SplitPart(width, height).Width,
            ClipLayouts.SplitPart(width, height).Height));

    [Fact]
    public void ALayoutIsOneOfAutoSingleFitSplitAndScreen()
    {
        Assert.Equal("fit", ClipLayouts.Check(" Fit "));
        Assert.Equal("split", ClipLayouts.Check("SPLIT"));
        Assert.Equal("screen", ClipLayouts.Check("screen"));
        Assert.Null(ClipLayouts.Check(""));
        var e = Assert.Throws<ClipperException>(() => ClipLayouts.Check("three"));
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.Equal("layout must be one of auto, single, fit, split, screen, got 'three'", e.Message);
    }
}
