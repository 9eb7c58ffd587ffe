using Clipper.Core.Transcripts;

namespace Clipper.Stages.Encode.Tests;

/// <summary>
/// Captions as libass really draws them (ffmpeg rendering the script over a plain background): the highlight
/// moves from word to word without moving any glyph, line widths predicted from the font's advances match the
/// drawing, and lines fitted by measured width stay on one row inside the margins.
/// </summary>
[Trait("Category", "media")]
public sealed class CaptionLayoutTests : IDisposable
{
    private const int Width = 1080;
    private const int Height = 1920;
    private const int Highlight = 0xFFE135;

    private static readonly CaptionOptions S = new();
    private static readonly CaptionPreset Bold = CaptionPresets.Bold;
    private readonly string _dir = Clipper.TestSupport.TestMedia.TempDir("clipper-layout");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>One caption line of four words, word i spoken from 0.5·i s to 0.5·i + 0.4 s.</summary>
    private static Captions OneLine(params string[] words) =>
        new(words.Select((w, i) => new Word(w, i * 0.5, i * 0.5 + 0.4, 0.9)).ToList(), 5);

    private Task<CaptionRender> RenderAsync(string ass, double t, CaptionFont font) =>
        CaptionRender.RenderAsync(ass, Width, Height, t, font.Dir, _dir);

    [Fact]
    public async Task TheHighlightChangesColourButNeverMovesAGlyph()
    {
        var font = CaptionFont.Of(Bold);
        var captions = OneLine("Here", "is", "the", "Wonderful");
        Assert.Single(captions.Lines(Width, Height, S, font));
        string ass = captions.Ass(Width, Height, S, font);

        // the same line at the middle of each word: a different word lit each time
        var frames = new List<CaptionRender>();
        foreach (double t in new[] { 0.2, 0.7, 1.2, 1.7 })
        {
            frames.Add(await RenderAsync(ass, t, font));
        }

        var ink = frames[0].InkMask();
        var box = frames[0].InkBox()!.Value;
        Assert.True(box.Right - box.Left > 400, $"the line is drawn: {box}");
        var lit = new List<(int Left, int Top, int Right, int Bottom)>();
        foreach (var f in frames)
        {
            // colour-blind shape of the text: the same, but for a few anti-aliased edge pixels (libass blends
            // the outlines of differently coloured runs separately, which moves an edge pixel by a level or two)
            int differing = Differing(ink, f.InkMask());
            TestContext.Current.TestOutputHelper?.WriteLine($"{differing} of {ink.Count(b => b)} ink pixels differ from the first frame");
            Assert.True(differing <= 40, $"{differing} pixels of the text's shape changed");
            Assert.Equal(box, f.InkBox());
            Assert.Equal(frames[0].InkColumns(), f.InkColumns());
            var highlight = f.ColourBox(Highlight, 40);
            Assert.NotNull(highlight);
            lit.Add(highlight.Value);
        }

        // ...while the colour moves left to right, one word at a time, inside the unchanged line
        for (int i = 0; i < lit.Count; i++)
        {
            Assert.InRange(lit[i].Left, box.Left, box.Right);
            Assert.InRange(lit[i].Right, box.Left, box.Right);
            if (i > 0)
            {
                Assert.True(lit[i].Left > lit[i - 1].Right, $"word {i} lit at {lit[i]}, word {i - 1} at {lit[i - 1]}");
            }
        }
    }

    [Fact]
    public async Task AScaledHighlightAsBeforeWouldHaveFailedThatComparison()
    {
        // the check above is sharp enough: the old 110 % highlight widens the line and moves its neighbours
        var font = CaptionFont.Of(Bold);
        string ass = OneLine("Here", "is", "the", "Wonderful").Ass(Width, Height, S, font)
            .Replace("{\\c&H0035E1FF&}", "{\\c&H0035E1FF&\\fscx110\\fscy110}");
        var first = await RenderAsync(ass, 0.2, font);
        var last = await RenderAsync(ass, 1.7, font);
        Assert.NotEqual(first.InkBox(), last.InkBox());
        Assert.NotEqual(first.InkColumns(), last.InkColumns());
        int differing = Differing(first.InkMask(), last.InkMask());
        TestContext.Current.TestOutputHelper?.WriteLine($"a scaled highlight changes {differing} ink pixels");
        Assert.True(differing > 2000, $"only {differing} pixels changed");
    }

    private static int Differing(bool[] a, bool[] b) => Enumerable.Range(0, a.Length).Count(i => a[i] != b[i]);

    [Theory]
    [InlineData("HERE IS THE FIRST", false)]
    [InlineData("WWW MMM WOW MOM", false)]
    [InlineData("ILL FILL LITTLE LILIES", false)]
    [InlineData("WOW MOM", true)]
    [InlineData("FILL IT IN", true)]
    public async Task PredictedLineWidthsMatchTheDrawnText(string text, bool fallback)
    {
        var font = fallback
            ? CaptionFont.Resolve("No Such Font Black", "/nonexistent/fonts", "DejaVu Sans")
            : CaptionFont.Of(Bold);
        Assert.Equal(fallback, font.Fallback);
        var captions = OneLine(text.Split(' '));
        Assert.Single(captions.Lines(Width, Height, S, font));
        var box = (await RenderAsync(captions.Ass(Width, Height, S, font), 0.2, font)).InkBox()!.Value;
        int fontPx = Captions.FontPixels(Width, Height, Bold);
        int outline = Captions.OutlinePixels(Width, Height, Bold);
        int shadow = (int)Math.Round(fontPx * Bold.Shadow);
        double predicted = font.Width(text, fontPx) + 2 * outline + shadow;
        int drawn = box.Right - box.Left + 1;
        // the side bearings of the first and last letters (ink is narrower than advance) and kerning make up the
        // rest: a fifth of an em and 1 % of the line
        double em = fontPx * font.File!.UnitsPerEm / (double)font.File.Height;
        Assert.True(Math.Abs(drawn - predicted) <= 0.2 * em + 0.01 * predicted,
            $"{text}: drawn {drawn} px, predicted {predicted:0.0} px (em {em:0.0} px)");
    }

    [Fact]
    public async Task LinesFittedByMeasuredWidthStayOnOneRowInsideTheMargins()
    {
        var font = CaptionFont.Of(Bold);
        int fontPx = Captions.FontPixels(Width, Height, Bold);
        int side = (int)Math.Round(Width * Bold.SideMargin);

        // narrow letters: 22 characters fit one line (an average-width estimate allowed 17 and split them)
        var narrow = OneLine("ill", "fill", "little", "lilies");
        Assert.Single(narrow.Lines(Width, Height, S, font));
        // wide letters: 17 characters are too wide for one line, so they are split in two
        var wide = OneLine("mwmw", "wmwm", "mwmw", "wm");
        Assert.True(font.Width("MWMW WMWM MWMW WM", fontPx) > Captions.MaxLineWidth(Width, Height, Bold));
        Assert.Equal(2, wide.Lines(Width, Height, S, font).Count);

        foreach (var (captions, t) in new[] { (narrow, 0.2), (wide, 0.2), (wide, 1.2) })
        {
            var box = (await RenderAsync(captions.Ass(Width, Height, S, font), t, font)).InkBox()!.Value;
            Assert.True(box.Bottom - box.Top < 1.2 * fontPx, $"the text at {t} s wrapped onto two rows: {box}");
            Assert.True(box.Left >= side && box.Right < Width - side, $"the text at {t} s reaches into the margins: {box}");
        }

        // the same wide words forced onto one line by a character limit are drawn smaller, on one row inside the margins
        var forced = new CaptionOptions { MaxCharsPerLine = 17 };
        Assert.Single(wide.Lines(Width, Height, forced, font));
        var shrunk = (await RenderAsync(wide.Ass(Width, Height, forced, font), 0.2, font)).InkBox()!.Value;
        Assert.True(shrunk.Bottom - shrunk.Top < 1.2 * fontPx, $"two rows: {shrunk}");
        Assert.True(shrunk.Left >= side && shrunk.Right < Width - side, $"the shrunk line reaches into the margins: {shrunk}");
    }

    [Fact]
    public async Task CaptionsSitAboveTheBottomQuarter()
    {
        var font = CaptionFont.Of(Bold);
        var box = (await RenderAsync(OneLine("Here", "is", "the", "first").Ass(Width, Height, S, font), 0.2, font)).InkBox()!.Value;
        Assert.True(box.Bottom < Height * 0.75, $"the text reaches {box.Bottom}");
        Assert.True(box.Top > Height * 0.55, $"the text starts at {box.Top}");
        Assert.InRange((box.Left + box.Right) / 2.0, Width / 2.0 - 5, Width / 2.0 + 5); // centred (the shadow adds a little on the right)
    }
}
