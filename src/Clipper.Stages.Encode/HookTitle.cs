using System.Globalization;

namespace Clipper.Stages.Encode;

/// <summary>
/// The hook title overlay (issue 20, optional): the clip's title over the first seconds of the clip, at the top of the
/// safe area (below the bar short-video players draw over the top of the frame, inside the caption preset's side
/// margins, wrapped there by libass), in the caption preset's font, colours and outline at
/// <see cref="SizeOfCaption"/> of the captions' size. Drawn by the same <c>ass</c> filter as the captions, as a
/// second style of their script.
/// </summary>
internal static class HookTitle
{
    /// <summary>The title's size relative to the preset's caption size: a headline, not a second caption line.</summary>
    public const double SizeOfCaption = 0.8;

    /// <summary>The top of the safe area, as a fraction of the frame height.</summary>
    public const double TopMargin = 0.1;

    private const string Style = "Hook";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// <paramref name="ass"/> (a caption script of <see cref="Captions.Ass"/>, with or without events) with the title
    /// (as it is to be drawn: upper-cased, without emoji where the preset and options say so) from 0 to
    /// <paramref name="seconds"/> added; unchanged when the title is blank.
    /// </summary>
    public static string AddTo(string ass, string title, double seconds, int width, int height, CaptionFont font, CaptionPreset p)
    {
        var text = string.Join(' ', title.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length == 0 || seconds <= 0)
        {
            return ass;
        }

        int fontPx = Math.Max(1, (int)Math.Round(Captions.FontPixels(width, height, p) * SizeOfCaption, MidpointRounding.AwayFromZero));
        int outline = Math.Max(1, (int)Math.Round(fontPx * p.Outline, MidpointRounding.AwayFromZero));
        int shadow = (int)Math.Round(fontPx * p.Shadow, MidpointRounding.AwayFromZero);
        int side = (int)Math.Round(width * p.SideMargin, MidpointRounding.AwayFromZero);
        int top = (int)Math.Round(height * TopMargin, MidpointRounding.AwayFromZero);
        string style = string.Create(Inv,
            $"Style: {Style},{font.Name},{fontPx},{AssColour.Parse(p.TextColour)},{AssColour.Parse(p.TextColour)},{AssColour.Parse(p.OutlineColour)},{AssColour.WithAlpha(p.OutlineColour, 0x80)},-1,0,0,0,100,100,0,0,{(p.Box ? 3 : 1)},{outline},{shadow},8,{side},{side},{top},1\n");
        int events = ass.IndexOf("\n[Events]", StringComparison.Ordinal);
        if (events < 0)
        {
            throw new ArgumentException("not a caption script: no [Events] section");
        }

        string drawn = Captions.EscapeAss(text);
        string dialogue = $"Dialogue: 1,{Captions.AssTime(0)},{Captions.AssTime(Captions.Centis(seconds))},{Style},,0,0,0,,{drawn}\n";
        return ass[..events] + style + ass[events..] + dialogue;
    }
}
