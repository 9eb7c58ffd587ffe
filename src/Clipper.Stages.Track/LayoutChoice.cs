using Clipper.Core.Crop;

namespace Clipper.Stages.Track;

/// <summary>
/// Chooses a clip's layout (<see cref="ClipLayouts"/>) from what the tracker saw, or takes the job's choice: with
/// <see cref="ClipLayouts.Auto"/>, a clip whose sampled frames had no subject to follow (the fitter fell back to a
/// centre crop for lack of faces) gets <see cref="ClipLayouts.Fit"/> — the whole frame, nothing cut — and every
/// other clip <see cref="ClipLayouts.Single"/>. The reason names the counts. Pure.
/// </summary>
public static class LayoutChoice
{
    /// <param name="path">the fitted path (or the centre fallback)</param>
    /// <param name="requested">the job's layout: auto (or null), single or fit</param>
    /// <param name="sampled">how many frames were sampled (0 when sampling failed)</param>
    /// <param name="withFace">how many of them had a face</param>
    public static CropPath Choose(CropPath path, string? requested, int sampled, int withFace)
    {
        if (requested is ClipLayouts.Single or ClipLayouts.Fit)
        {
            return path with { Layout = requested, LayoutReason = $"the job asked for the {requested} layout" };
        }

        if (path.Method == "face")
        {
            return path with { Layout = ClipLayouts.Single, LayoutReason = $"a face in {withFace} of {sampled} sampled frames" };
        }

        if (sampled == 0)
        {
            // nothing was seen (the model or the decoder failed): today's centre crop, the reason its own
            return path with { Layout = ClipLayouts.Single, LayoutReason = $"no frames to judge: {path.Reason}" };
        }

        return path with
        {
            Layout = ClipLayouts.Fit,
            LayoutReason = withFace == 0 ? $"no face in 0 of {sampled} sampled frames" : $"a face in only {withFace} of {sampled} sampled frames",
        };
    }
}
