namespace Clipper.Core.Crop;

/// <summary>One position of the crop window: seconds from the clip's start, top-left corner in source pixels.</summary>
public sealed record Keyframe(double T, int X, int Y);

/// <summary>
/// Where the crop window sits over time, for one clip. Between keyframes the window holds the last keyframe's
/// position (it is fed to ffmpeg's crop through sendcmd). <see cref="Method"/> is "face" when it follows a
/// detected subject, "centre" otherwise; <see cref="Reason"/> says why (always set for "centre").
/// <see cref="Layout"/> says how the clip is composed (<see cref="ClipLayouts"/>): "single", the window scaled to
/// the output, or "fit", the whole source frame over a blurred copy of itself (the window is then unused);
/// <see cref="LayoutReason"/> says why. Paths stored before layouts existed read as "single".
/// </summary>
public sealed record CropPath(int SourceWidth, int SourceHeight, int Width, int Height,
    IReadOnlyList<Keyframe> Keyframes, string Method, string? Reason)
{
    public string Layout { get; init; } = ClipLayouts.Single;

    public string? LayoutReason { get; init; }

    public bool IsFit => Layout == ClipLayouts.Fit;

    /// <summary>A static centre crop with the aspect outWidth:outHeight, for when tracking is not possible.</summary>
    public static CropPath Centre(int sourceWidth, int sourceHeight, int outWidth, int outHeight, string reason)
    {
        var (w, h) = CropSize(sourceWidth, sourceHeight, outWidth, outHeight);
        return new CropPath(sourceWidth, sourceHeight, w, h,
            [new Keyframe(0, (sourceWidth - w) / 2, (sourceHeight - h) / 2)], "centre", reason);
    }

    /// <summary>The largest even-sized window of aspect outWidth:outHeight that fits the source.</summary>
    public static (int Width, int Height) CropSize(int sourceWidth, int sourceHeight, int outWidth, int outHeight)
    {
        double aspect = (double)outWidth / outHeight;
        int w, h;
        if ((double)sourceWidth / sourceHeight > aspect)
        {
            h = sourceHeight;
            w = (int)Math.Round(h * aspect, MidpointRounding.AwayFromZero);
        }
        else
        {
            w = sourceWidth;
            h = (int)Math.Round(w / aspect, MidpointRounding.AwayFromZero);
        }

        w -= w % 2;
        h -= h % 2;
        return (Math.Min(w, sourceWidth - sourceWidth % 2), Math.Min(h, sourceHeight - sourceHeight % 2));
    }
}
