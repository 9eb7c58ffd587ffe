using System.Globalization;
using System.Text.RegularExpressions;

namespace Clipper.Stages.Encode;

/// <summary>Converts <c>#RRGGBB</c> to ASS's <c>&amp;HAABBGGRR</c> (blue first, alpha 00 = opaque).</summary>
internal static partial class AssColour
{
    public static string Parse(string rgb) => WithAlpha(rgb, 0);

    public static string WithAlpha(string rgb, int alpha)
    {
        if (rgb is null || !Rgb().IsMatch(rgb))
        {
            throw new ArgumentException($"colour must be #RRGGBB, got {rgb}");
        }

        return string.Create(CultureInfo.InvariantCulture, $"&H{alpha:X2}{rgb[5..7]}{rgb[3..5]}{rgb[1..3]}")
            .ToUpperInvariant();
    }

    [GeneratedRegex(@"^#[0-9A-Fa-f]{6}\z")]
    private static partial Regex Rgb();
}
