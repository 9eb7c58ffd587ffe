using System.Globalization;

namespace Clipper.Stages.Track;

/// <summary>
/// Whether a shot with two faces is split (<c>ClipLayouts.Split</c>): each in its own half or column. A sample
/// counts as "both talking" when each face talks (<see cref="ActiveSpeaker.Talking"/>) somewhere within
/// <see cref="TrackOptions.SplitWindow"/> seconds around it; the shot is split when such samples make at least
/// <see cref="TrackOptions.SplitMinShare"/> of it and it lasts at least <see cref="TrackOptions.SplitMinShot"/>.
/// Overlapping speech and a quick back-and-forth pass; clean alternation of turns counts only about a window's length
/// around each hand-over, and stays with the active speaker. Pure.
/// </summary>
internal static class SplitChoice
{
    /// <summary>The decision for one shot: split or not, and the reason, e.g. <c>both faces spoke in 14.2 of 16.0 s</c>.</summary>
    public sealed record Decision(bool Split, double BothSeconds, double ShotSeconds, string Reason);

    /// <param name="left">the left face's mouth movement per sample of the shot (0 where not seen)</param>
    /// <param name="right">the right face's</param>
    /// <param name="voice">the sound's level per sample, 0..1</param>
    public static Decision Decide(double[] left, double[] right, double[] voice, TrackOptions options)
    {
        int n = voice.Length;
        var a = ActiveSpeaker.Talking(left, voice, options);
        var b = ActiveSpeaker.Talking(right, voice, options);
        int w = (int)Math.Round(options.SplitWindow * options.SampleFps / 2, MidpointRounding.AwayFromZero);
        int both = 0;
        for (int i = 0; i < n; i++)
        {
            bool sa = false, sb = false;
            for (int j = Math.Max(0, i - w); j <= Math.Min(n - 1, i + w) && !(sa && sb); j++)
            {
                sa |= a[j];
                sb |= b[j];
            }

            both += sa && sb ? 1 : 0;
        }

        double bothSeconds = both / options.SampleFps;
        double shotSeconds = n / options.SampleFps;
        bool split = shotSeconds >= options.SplitMinShot && both >= options.SplitMinShare * n;
        string reason = string.Create(CultureInfo.InvariantCulture, $"both faces spoke in {bothSeconds:0.0} of {shotSeconds:0.0} s");
        if (!split)
        {
            reason += shotSeconds < options.SplitMinShot
                ? string.Create(CultureInfo.InvariantCulture, $", a shot shorter than {options.SplitMinShot:0.#} s: not split")
                : string.Create(CultureInfo.InvariantCulture, $" (under {100 * options.SplitMinShare:0} %): not split");
        }

        return new Decision(split, bothSeconds, shotSeconds, reason);
    }
}
