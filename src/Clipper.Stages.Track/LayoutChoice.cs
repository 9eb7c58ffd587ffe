using System.Globalization;
using Clipper.Core.Crop;

namespace Clipper.Stages.Track;

/// <summary>
/// Chooses a clip's layout (<see cref="ClipLayouts"/>) from what the tracker saw, or takes the job's choice: with
/// <see cref="ClipLayouts.Auto"/>, a clip whose sampled frames had no subject to follow (the fitter fell back to a
/// centre crop for lack of faces) gets <see cref="ClipLayouts.Fit"/> — the whole frame, nothing cut — and every
/// other clip the layouts of its shots (<see cref="CropPath.Shots"/>: <see cref="ClipLayouts.Split"/> where two faces
/// talk together, <see cref="ClipLayouts.Screen"/> where a screen share shows a small face, <see cref="ClipLayouts.Single"/>
/// elsewhere). The clip's own layout is the one that covers most of
/// its time; the reason names the counts. Pure.
/// </summary>
public static class LayoutChoice
{
    /// <param name="path">the fitted path (or the centre fallback)</param>
    /// <param name="requested">the job's layout: auto (or null), single, fit, split or screen</param>
    /// <param name="sampled">how many frames were sampled (0 when sampling failed)</param>
    /// <param name="withFace">how many of them had a face</param>
    /// <param name="screenNote">for a clip without a face to follow, what its frames look like when they look like a screen
    /// (<see cref="ScreenChoice"/>), e.g. <c>a screen with no face to inset (detail in …)</c>: it leads the fit layout's reason</param>
    public static CropPath Choose(CropPath path, string? requested, int sampled, int withFace, string? screenNote = null)
    {
        if (requested is ClipLayouts.Single or ClipLayouts.Fit)
        {
            return Whole(path, requested, $"the job asked for the {requested} layout");
        }

        string asked = requested is ClipLayouts.Split or ClipLayouts.Screen ? $"the job asked for the {requested} layout, but " : "";
        if (path.Method == "face")
        {
            string faces = $"a face in {withFace} of {sampled} sampled frames";
            var shots = path.Shots;
            if (shots is not { Count: > 0 } || shots.All(s => s.Layout == ClipLayouts.Single))
            {
                return path with
                {
                    Layout = ClipLayouts.Single,
                    LayoutReason = asked.Length == 0 ? faces
                        : requested == ClipLayouts.Screen ? $"{asked}no shot has a face seen long enough: {faces}"
                        : $"{asked}no shot has two faces apart enough: {faces}",
                };
            }

            var seconds = shots.GroupBy(s => s.Layout).ToDictionary(g => g.Key, g => g.Sum(s => s.End - s.Start));
            string main = seconds.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key == ClipLayouts.Split ? 0 : 1).First().Key;
            double total = Math.Max(1e-9, seconds.Values.Sum());
            string each = string.Join(", ", seconds.OrderByDescending(kv => kv.Value).Select(kv => string.Create(CultureInfo.InvariantCulture,
                $"{kv.Key} in {shots.Count(s => s.Layout == kv.Key)} of {shots.Count} shot(s) ({kv.Value:0.0} of {total:0.0} s)")));
            string why = shots.Count == 1 ? shots[0].Reason : each;
            return path with { Layout = main, LayoutReason = asked.Length > 0 && shots.Count == 1 ? why : $"{why}; {faces}" };
        }

        if (sampled == 0)
        {
            // nothing was seen (the model or the decoder failed): today's centre crop, the reason its own
            return Whole(path, ClipLayouts.Single, $"{asked}no frames to judge: {path.Reason}");
        }

        return Whole(path, ClipLayouts.Fit,
            asked + (screenNote is null ? "" : screenNote + ": ") + (withFace == 0 ? $"no face in 0 of {sampled} sampled frames" : $"a face in only {withFace} of {sampled} sampled frames"));
    }

    /// <summary>One layout for the whole clip: the shots' own choices are dropped.</summary>
    private static CropPath Whole(CropPath path, string layout, string reason) => path with
    {
        Layout = layout,
        LayoutReason = reason,
        Shots = null,
        Top = null,
        Bottom = null,
        SplitWidth = 0,
        SplitHeight = 0,
        SideBySide = false,
        Inset = null,
        InsetWidth = 0,
        InsetHeight = 0,
    };
}
