using System.Globalization;

namespace Clipper.Stages.Track;

/// <summary>
/// Whether a shot is a screen share (<c>ClipLayouts.Screen</c>): its frames detailed (the median share of detail pixels,
/// <see cref="ScreenLook"/>, at least <see cref="TrackOptions.ScreenMinDetail"/>) and still (the median change between
/// samples at most <see cref="TrackOptions.ScreenMaxChange"/>), and its face, if any, small (at most
/// <see cref="TrackOptions.ScreenMaxFaceHeight"/> of the frame's height) and near the left or right edge (its centre
/// within <see cref="TrackOptions.ScreenEdgeBand"/> of the width). Pure.
/// </summary>
internal static class ScreenChoice
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A shot's frames: whether they look like a screen (detailed and still) and the figures, e.g. <c>detail in 6.1 % of pixels, change 0.3 grey levels</c>.</summary>
    public sealed record Look(bool Screen, double Detail, double Change, string Figures);

    /// <summary>The look of the samples [from, to); null where it was not measured (screen detection off, or a one-sample shot).</summary>
    public static Look? LookOf(IReadOnlyList<Sample> samples, int from, int to, TrackOptions options)
    {
        var detail = Median(samples, from, to, s => s.Detail);
        var change = Median(samples, from, to, s => s.Change);
        if (detail is not { } d || change is not { } c)
        {
            return null;
        }

        bool screen = d >= options.ScreenMinDetail && c <= options.ScreenMaxChange;
        string figures = string.Create(Inv,
            $"detail in {100 * d:0.0} % of pixels ({(d >= options.ScreenMinDetail ? "at least" : "under")} {100 * options.ScreenMinDetail:0.#} %), "
            + $"change {c:0.00} grey levels ({(c <= options.ScreenMaxChange ? "at most" : "over")} {options.ScreenMaxChange:0.##})");
        return new Look(screen, d, c, figures);
    }

    /// <summary>
    /// Whether a shot of <paramref name="look"/> whose face has (median) height <paramref name="faceHeight"/> and centre
    /// <paramref name="faceEdge"/> from the nearer side edge (both shares of the frame's height and width) is a screen
    /// share; the reason names every figure.
    /// </summary>
    public static (bool Screen, string Reason) Decide(Look look, double faceHeight, double faceEdge, TrackOptions options)
    {
        bool small = faceHeight <= options.ScreenMaxFaceHeight;
        bool aside = faceEdge <= options.ScreenEdgeBand;
        string reason = string.Create(Inv,
            $"{look.Figures}, a face {100 * faceHeight:0} % of the frame's height ({(small ? "at most" : "over")} {100 * options.ScreenMaxFaceHeight:0} %) "
            + $"{100 * faceEdge:0} % of its width from a side ({(aside ? "at most" : "over")} {100 * options.ScreenEdgeBand:0} %)");
        bool screen = look.Screen && small && aside;
        return (screen, screen ? "a screen share: " + reason : reason);
    }

    private static double? Median(IReadOnlyList<Sample> samples, int from, int to, Func<Sample, double> of)
    {
        var v = new List<double>();
        for (int i = from; i < to; i++)
        {
            double x = of(samples[i]);
            if (!double.IsNaN(x))
            {
                v.Add(x);
            }
        }

        if (v.Count == 0)
        {
            return null;
        }

        v.Sort();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }
}
