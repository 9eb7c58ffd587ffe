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
/// <para>
/// <see cref="Shots"/>, when set, gives the layout shot by shot (a clip may be single in one shot and split in
/// another); <see cref="Layout"/> is then the layout that covers most of the clip. The split layout shows two
/// windows of <see cref="SplitWidth"/>×<see cref="SplitHeight"/> (the shape of half the output), the upper (or, when
/// <see cref="SideBySide"/>, the left) one at <see cref="Top"/>, the lower (right) at <see cref="Bottom"/>; they are used
/// only inside split shots. Paths stored before shots existed have none and read as one shot in <see cref="Layout"/>;
/// paths stored before the side-by-side split read as stacked.
/// </para>
/// <para>
/// The screen layout shows the whole source frame above a window of <see cref="InsetWidth"/>×<see cref="InsetHeight"/>
/// (the shape of the output's part below it, <see cref="ClipLayouts.ScreenHeights"/>) following the speaker's face,
/// at <see cref="Inset"/>; used only inside screen shots. Paths stored before it have none.
/// </para>
/// </summary>
public sealed record CropPath(int SourceWidth, int SourceHeight, int Width, int Height,
    IReadOnlyList<Keyframe> Keyframes, string Method, string? Reason)
{
    public string Layout { get; init; } = ClipLayouts.Single;

    public string? LayoutReason { get; init; }

    public bool IsFit => Layout == ClipLayouts.Fit;

    /// <summary>The layout of each shot, in order, covering the clip; null in paths stored before shots had layouts.</summary>
    public IReadOnlyList<ShotLayout>? Shots { get; init; }

    /// <summary>The split layout's window (half the output's shape), in source pixels; 0 when no shot is split.</summary>
    public int SplitWidth { get; init; }

    public int SplitHeight { get; init; }

    /// <summary>
    /// Whether the split layout's windows are columns side by side (the left face on the left) rather than stacked halves
    /// (<see cref="ClipLayouts.SplitSideBySide"/>); false in paths stored before it existed, which were all stacked.
    /// </summary>
    public bool SideBySide { get; init; }

    /// <summary>Where the upper half's (or left column's) window sits over time (the left face), when a shot is split.</summary>
    public IReadOnlyList<Keyframe>? Top { get; init; }

    /// <summary>Where the lower half's (or right column's) window sits over time (the right face), when a shot is split.</summary>
    public IReadOnlyList<Keyframe>? Bottom { get; init; }

    /// <summary>The screen layout's face window (the shape of the output's part under the screen), in source pixels; 0 when no shot is a screen.</summary>
    public int InsetWidth { get; init; }

    public int InsetHeight { get; init; }

    /// <summary>Where the screen layout's face window sits over time, when a shot is a screen.</summary>
    public IReadOnlyList<Keyframe>? Inset { get; init; }

    /// <summary>The shots' layouts; a path without them is one shot in <see cref="Layout"/>.</summary>
    public IReadOnlyList<ShotLayout> LayoutShots(double duration) =>
        Shots is { Count: > 0 } s ? s : [new ShotLayout(0, duration, Layout, LayoutReason ?? "")];

    /// <summary>Whether some shots (not the whole clip) show the whole frame.</summary>
    public bool HasFitShots => !IsFit && Shots?.Any(s => s.Layout == ClipLayouts.Fit) == true;

    /// <summary>Whether any shot is split (and its windows are there).</summary>
    public bool HasSplit => Shots?.Any(s => s.Layout == ClipLayouts.Split) == true && Top is { Count: > 0 } && Bottom is { Count: > 0 };

    /// <summary>Whether any shot is a screen share (and its face window is there).</summary>
    public bool HasScreen => Shots?.Any(s => s.Layout == ClipLayouts.Screen) == true && Inset is { Count: > 0 } && InsetWidth > 0 && InsetHeight > 0;

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
