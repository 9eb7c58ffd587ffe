namespace Clipper.Stages.Score;

/// <summary>
/// The density filter: a clip needs speech at a plausible pace that the recogniser is reasonably sure of. Music,
/// silence and a noisy room give a few doubtful words a minute; garbled recognition gives impossibly many.
/// </summary>
public static class DensityFilter
{
    public static bool Passes(Window w, ScoreOptions settings)
    {
        double wps = w.WordsPerSecond;
        return wps >= settings.MinWordsPerSecond && wps <= settings.MaxWordsPerSecond
            && w.MeanConfidence >= settings.MinMeanConfidence;
    }
}
