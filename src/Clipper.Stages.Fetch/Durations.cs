using System.Globalization;

namespace Clipper.Stages.Fetch;

/// <summary>Durations as messages show them.</summary>
internal static class Durations
{
    /// <summary>"30 s", or "1500 ms" when not whole seconds.</summary>
    public static string Show(TimeSpan d) =>
        d.Ticks % TimeSpan.TicksPerSecond == 0
            ? ((long)d.TotalSeconds).ToString(CultureInfo.InvariantCulture) + " s"
            : ((long)d.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + " ms";

    /// <summary>"1:02:03", "2:03" or "4.5 s".</summary>
    public static string Clock(double seconds)
    {
        if (seconds < 60)
        {
            return seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
        }

        long s = (long)Math.Round(seconds, MidpointRounding.AwayFromZero);
        return s >= 3600
            ? string.Format(CultureInfo.InvariantCulture, "{0}:{1:00}:{2:00}", s / 3600, s / 60 % 60, s % 60)
            : string.Format(CultureInfo.InvariantCulture, "{0}:{1:00}", s / 60, s % 60);
    }
}
