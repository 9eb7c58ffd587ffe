using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Clipper.Core.Crop;
using Clipper.Core.Errors;
using Clipper.Core.Media;
using Clipper.Core.Processes;

namespace Clipper.Stages.Encode;

/// <summary>
/// Stage 5: encodes one clip in one ffmpeg pass — input seek, the crop window moved over time by <c>sendcmd</c>,
/// scale to the output size, word-highlighted ASS captions, H.264 + AAC, <c>+faststart</c> — and writes the
/// clip's SRT, VTT and a JPEG thumbnail (a second output of the same pass, cropped but without captions). Every
/// file is written under a temporary name in the output directory and renamed into place only after ffprobe has
/// checked the video, the video last; on any failure or cancellation nothing with a final name is left behind,
/// so a killed ffmpeg never leaves a partial MP4 that looks finished. The command line is built by hand and run
/// through <see cref="ProcessRunner"/> (a filter graph with sendcmd and two outputs is clearer as an explicit
/// argument list); ffprobe runs through FFMpegCore (<see cref="Probe"/>). Safe to call concurrently for different
/// stems.
/// </summary>
public sealed class ClipEncoder
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] Extensions = ["srt", "vtt", "jpg", "mp4"];

    public ClipEncoder(EncodeOptions options)
    {
        Options = options.Validate();
        // every preset's font is checked here, at start: a missing one is caption_font_missing naming it
        _fonts = CaptionPresets.All.ToDictionary(p => p.Name, CaptionFont.Of);
        Font = _fonts[CaptionPresets.Get(options.Captions.Preset).Name];
        // read only when a caption needs a script the configured font and the fallback lack
        _scriptFonts = new Lazy<IReadOnlyList<CaptionFont>>(() => CaptionFont.Installed(options.Captions.ScriptFonts));
    }

    private readonly Lazy<IReadOnlyList<CaptionFont>> _scriptFonts;
    private readonly Dictionary<string, CaptionFont> _fonts;

    public EncodeOptions Options { get; }

    /// <summary>The font of the default preset (<see cref="CaptionOptions.Preset"/>).</summary>
    public CaptionFont Font { get; }

    /// <summary>The font of a preset, checked when the encoder was made.</summary>
    public CaptionFont FontOf(CaptionPreset preset) => _fonts[preset.Name];

    /// <summary>
    /// The font to draw <paramref name="text"/> in: the first of the preset's font (by default the default preset's), the fallback and the script fonts
    /// (<see cref="CaptionOptions.ScriptFontNames"/>) that has a glyph for each of its characters, so Russian captions are
    /// drawn in DejaVu Sans Bold and Thai ones in Noto Sans Thai instead of League Spartan's empty boxes. Throws
    /// <see cref="ErrorCode.CaptionGlyphsMissing"/>, naming the characters and the fonts tried, when none has them all.
    /// </summary>
    public CaptionFont FontFor(string text, CaptionPreset? preset = null)
    {
        var font = preset is null ? Font : FontOf(preset);
        var tried = new List<CaptionFont> { font };
        if (font.Missing(text).Count == 0)
        {
            return font;
        }

        if (!font.Fallback)
        {
            var fallback = CaptionFont.Resolve(Options.Captions.FallbackFontName, null, Options.Captions.FallbackFontName);
            tried.Add(fallback);
            if (fallback.File is not null && fallback.Missing(text).Count == 0)
            {
                return fallback;
            }
        }

        foreach (var script in _scriptFonts.Value)
        {
            tried.Add(script);
            if (script.Missing(text).Count == 0)
            {
                return script;
            }
        }

        var closest = tried.MinBy(f => f.File is null ? int.MaxValue : f.Missing(text).Count)!;
        var missing = closest.Missing(text);
        var shown = string.Join(", ", missing.Take(12).Select(c => $"'{c}' (U+{char.ConvertToUtf32(c, 0):X4})")) + (missing.Count > 12 ? ", …" : "");
        throw new ClipperException(ErrorCode.CaptionGlyphsMissing,
            $"no installed caption font has glyphs for {missing.Count} of the captions' characters: {shown}; tried "
            + string.Join(", ", tried.Select(f => f.Name).Distinct()) + " (closest: " + closest.Name
            + "); install a font that covers them (the setup installs fonts-noto-core; Chinese, Japanese and Korean need fonts-noto-cjk) "
            + "and name it in Clipper:Encode:Captions:ScriptFontNames");
    }

    /// <summary>
    /// Encodes the clip; <paramref name="progress"/> receives fractions in [0, 1], increasing, 1 only once every
    /// file is committed. Throws <see cref="ErrorCode.ToolFailed"/> when ffmpeg fails (exit code in the message,
    /// stderr tail as detail) or its output fails validation, <see cref="ErrorCode.StorageFailed"/> when files
    /// cannot be written, <see cref="ErrorCode.Cancelled"/> when <paramref name="cancel"/> fires (ffmpeg is
    /// killed).
    /// </summary>
    public async Task<EncodedClip> EncodeAsync(EncodeRequest request, IProgress<double>? progress = null, CancellationToken cancel = default)
    {
        string dir = Path.GetFullPath(request.OutputDir);
        string stem = request.Stem;
        string token = Guid.NewGuid().ToString("N")[..8];
        var temps = Extensions.ToDictionary(e => e, e => Path.Combine(dir, $".{stem}.{e}.{token}.tmp"));
        string work = Path.Combine(dir, $".{stem}.work-{token}");
        var committed = new List<string>();
        bool done = false;
        var reader = new ProgressReader(request.Duration, progress);
        try
        {
            Directory.CreateDirectory(dir);
            RemoveLeftovers(dir, stem);
            Directory.CreateDirectory(work);
            if (request.SourceTiming is null)
            {
                request = request with { SourceTiming = await ProbeSourceAsync(request.Source, cancel) };
            }

            var o = Options.Captions;
            var preset = CaptionPresets.Find(request.CaptionPreset ?? o.Preset) ?? throw new ClipperException(ErrorCode.BadOption,
                $"captions must be one of {string.Join(", ", CaptionPresets.Names)}, got '{request.CaptionPreset}'");
            var captions = Captions.ForClip(request.Words, request.Clip.Start, request.Clip.End);
            await File.WriteAllTextAsync(temps["srt"], captions.Srt(o), cancel);
            await File.WriteAllTextAsync(temps["vtt"], captions.Vtt(o), cancel);
            string commands = ByShots(request.Crop) ? ShotsCommands(request.Crop, request.Duration) : CropCommands(request.Crop, request.Duration);
            string? cropFile = null;
            if (commands.Length > 0)
            {
                cropFile = Path.Combine(work, "crop.cmd");
                await File.WriteAllTextAsync(cropFile, commands, cancel);
            }

            string? assFile = null;
            var font = Font;
            bool burn = Options.BurnCaptions && captions.Words.Count > 0;
            string hook = request.HookSeconds <= 0 ? "" : o.Emoji ? request.Clip.Title.Trim() : Captions.WithoutEmoji(request.Clip.Title);
            hook = preset.Uppercase ? hook.ToUpperInvariant() : hook;
            if (burn || hook.Length > 0)
            {
                // one font for the captions and the title: the ass filter reads one fonts directory
                font = FontFor((burn ? captions.DrawnText(o, preset) : "") + " " + hook, preset);
                var script = (burn ? captions : Captions.ForClip([], request.Clip.Start, request.Clip.End))
                    .Ass(request.Width, request.Height, o, font, preset, SplitSpans(request.Crop, request.Duration),
                        ScreenSpans(request.Crop, request.Duration, request.Width, request.Height));
                script = HookTitle.AddTo(script, hook, Math.Min(request.HookSeconds, request.Duration), request.Width, request.Height, font, preset);
                assFile = Path.Combine(work, "captions.ass");
                await File.WriteAllTextAsync(assFile, script, cancel);
            }

            var command = Command(request, cropFile, assFile, temps["mp4"], temps["jpg"], font);
            var clock = Stopwatch.StartNew();
            var result = await ProcessRunner.RunAsync(command, Options.Timeout, cancel, reader.ReadAsync);
            double seconds = clock.Elapsed.TotalSeconds;
            if (result.ExitCode != 0)
            {
                throw new ClipperException(ErrorCode.ToolFailed,
                    $"ffmpeg failed with exit code {result.ExitCode}{SignalNote(result.ExitCode)} while encoding {stem}{LastLine(result.StderrTail)}",
                    result.StderrTail);
            }

            var info = await ValidateAsync(request, temps["mp4"], temps["jpg"], result.StderrTail, cancel);

            // the video goes last: a final-named MP4 means its captions and thumbnail are already in place
            var clip = new EncodedClip(Path.Combine(dir, stem + ".mp4"), Path.Combine(dir, stem + ".srt"),
                Path.Combine(dir, stem + ".vtt"), Path.Combine(dir, stem + ".jpg"), info, seconds)
            { CaptionPreset = preset.Name };
            cancel.ThrowIfCancellationRequested();
            Commit(temps["srt"], clip.Srt, committed);
            Commit(temps["vtt"], clip.Vtt, committed);
            Commit(temps["jpg"], clip.Thumbnail, committed);
            Commit(temps["mp4"], clip.Video, committed);
            done = true;
            reader.Finish();
            return clip;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new ClipperException(ErrorCode.Cancelled, $"encoding {stem} was cancelled");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClipperException(ErrorCode.StorageFailed, $"could not write the outputs of {stem} in {dir}: {e.Message}", inner: e);
        }
        finally
        {
            reader.Close();
            foreach (var p in temps.Values)
            {
                DeleteQuietly(p);
            }

            DeleteTree(work);
            if (!done)
            {
                committed.ForEach(DeleteQuietly);
            }
        }
    }

    /// <summary>
    /// The ffmpeg command line. Internal so tests and the benchmark can see exactly what runs; the benchmark leaves out
    /// the thumbnail (<paramref name="jpgOut"/> null) to measure what it costs.
    /// </summary>
    internal IReadOnlyList<string> Command(EncodeRequest r, string? cropFile, string? assFile, string mp4Out, string? jpgOut, CaptionFont? font = null)
    {
        font ??= Font;
        var crop = r.Crop;
        var first = InitialKeyframe(crop);
        var (thumbW, thumbH) = ThumbnailSize(r.Width, r.Height);
        double thumbAt = Math.Max(0, Math.Min(r.Duration * Options.ThumbnailAt, r.Duration - 0.5));

        var graph = new StringBuilder("[0:v]");
        if (r.SourceTiming?.Interlaced == true)
        {
            // fields woven into one frame comb on every movement once cropped and scaled: one frame per frame, deinterlaced
            graph.Append("yadif=mode=send_frame,");
        }

        if (crop.IsFit)
        {
            graph.Append(FitLayoutGraph(crop, r.Width, r.Height));
        }
        else if (ByShots(crop))
        {
            if (cropFile is not null)
            {
                graph.Append("sendcmd=f=").Append(FilterValue(cropFile)).Append(',');
            }

            graph.Append(ShotsGraph(crop, r.Width, r.Height, r.Duration));
        }
        else
        {
            if (cropFile is not null)
            {
                graph.Append("sendcmd=f=").Append(FilterValue(cropFile)).Append(',');
            }

            graph.Append(Inv, $"crop=w={crop.Width}:h={crop.Height}:x={ClampX(crop, first.X)}:y={ClampY(crop, first.Y)}")
                .Append(Inv, $",scale={r.Width}:{r.Height},setsar=1,split=2[main][still];[main]");
        }

        if (assFile is not null)
        {
            graph.Append("ass=filename=").Append(FilterValue(assFile));
            if (font.Dir is not null)
            {
                graph.Append(":fontsdir=").Append(FilterValue(font.Dir));
            }

            graph.Append(',');
        }

        graph.Append("format=yuv420p[v]");
        if (jpgOut is not null)
        {
            // the thumbnail branch ends half a second after its frame, so the rest of the clip is not scaled for nothing
            graph.Append(";[still]trim=start=").Append(Seconds(thumbAt)).Append(":duration=0.5")
                .Append(Inv, $",setpts=PTS-STARTPTS,scale={thumbW}:{thumbH},setsar=1[thumb]");
        }

        var cmd = new List<string>
        {
            "ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-nostats", "-progress", "pipe:1", "-y",
            "-ss", Seconds(r.Clip.Start), "-t", Seconds(r.Duration), "-i", r.Source,
            "-filter_complex", graph.ToString(),
            "-map", "[v]", "-map", "0:a:0",
            "-c:v", "libx264", "-preset", Options.Preset, "-crf", Options.Crf.ToString(Inv),
        };
        if (Options.X264Threads > 0)
        {
            cmd.AddRange(["-threads", Options.X264Threads.ToString(Inv)]);
        }

        cmd.AddRange([
            // whatever the source's rate and layout (22050 Hz mono, 5.1, …), clips carry the 48 kHz stereo players expect
            "-c:a", "aac", "-b:a", $"{Options.AudioBitrateKbps.ToString(Inv)}k", "-ar", "48000", "-ac", "2",
            "-map_metadata", "-1", "-movflags", "+faststart", "-f", "mp4", mp4Out,
        ]);
        if (jpgOut is not null)
        {
            cmd.AddRange(["-map", "[thumb]", "-frames:v", "1", "-c:v", "mjpeg", "-q:v", Options.JpegQuality.ToString(Inv), "-f", "image2", jpgOut]);
        }

        return cmd;
    }

    // ---- the fit layout (issue 20): its own filter chain, kept apart from the crop chain above ----

    /// <summary>Blur radius of the fit layout's background, in pixels of its eighth-size copy (about 1/3 of a face there).</summary>
    private const int FitBlurRadius = 6;

    /// <summary>
    /// The fit layout's part of the filter graph, from the decoded frame to <c>[main][still]</c> as the crop chain
    /// ends: the whole source frame scaled into the output (<see cref="ClipLayouts.FitBox"/>: the output's width for a
    /// wide source in a vertical output) over a copy of itself enlarged to cover the output and blurred — no black
    /// bars, nothing cut. The background is blurred at an eighth of the output size and scaled up: as soft as a big
    /// blur at full size, for a sixty-fourth of the work.
    /// </summary>
    internal static string FitLayoutGraph(CropPath crop, int width, int height) => FitBranch(crop, width, height) + ",split=2[main][still];[main]";

    /// <summary>The fit picture (<see cref="FitLayoutGraph"/>) from its input to the end of its overlay, unlabelled.</summary>
    internal static string FitBranch(CropPath crop, int width, int height)
    {
        var (fw, fh, fx, fy) = ClipLayouts.FitBox(crop.SourceWidth, crop.SourceHeight, width, height);
        int bw = Math.Max(16, width / 8 - width / 8 % 2);
        int bh = Math.Max(16, height / 8 - height / 8 % 2);
        // boxblur refuses a radius over half a plane's side; the chroma planes are half size
        int radius = Math.Min(FitBlurRadius, (Math.Min(bw, bh) / 2) - 1);
        int chroma = Math.Max(1, Math.Min(radius, (Math.Min(bw, bh) / 4) - 1));
        return string.Create(Inv, $"split=2[fitfg][fitbg];[fitbg]scale=w={bw}:h={bh}:force_original_aspect_ratio=increase:force_divisible_by=2,")
            + string.Create(Inv, $"crop={bw}:{bh},boxblur=luma_radius={radius}:luma_power=2:chroma_radius={chroma}:chroma_power=2,")
            + string.Create(Inv, $"scale={width}:{height}:flags=bicubic,setsar=1[fitblur];[fitfg]scale={fw}:{fh},setsar=1[fitsharp];")
            + string.Create(Inv, $"[fitblur][fitsharp]overlay=x={fx}:y={fy}:format=yuv420,setsar=1");
    }

    // ---- end of the fit layout ----

    // ---- layouts per shot (issue 20): the split layout, and fit or split for some shots only ----

    /// <summary>
    /// The graph of a clip with split shots or with fit shots among others, from the decoded frame (after the one
    /// <c>sendcmd</c>, which sends every window's moves to the whole graph) to <c>[main][still]</c>. Split: the upper
    /// half (or left column) a window named <c>crop@top</c>, the lower (right) <c>crop@bottom</c>, each scaled to its part
    /// and stacked (<c>vstack</c>) or put side by side (<c>hstack</c>, <see cref="CropPath.SideBySide"/>). When the
    /// clip's shots have several layouts, the single window (<c>crop@single</c>) is the base and the stack and the fit
    /// picture (<see cref="FitBranch"/>) are laid over it during their own shots only (overlay's timeline
    /// <c>enable</c>), so one pass renders a clip that changes layout at its cuts. Screen: the whole frame scaled to the
    /// output's width over the face's window <c>crop@inset</c> scaled to the rest (<see cref="ClipLayouts.ScreenHeights"/>).
    /// The windows are named because a command to a filter's type (<c>crop x …</c>) would reach every crop in the graph.
    /// </summary>
    internal static string ShotsGraph(CropPath crop, int width, int height, double duration)
    {
        var splits = Spans(crop, ClipLayouts.Split, duration);
        var fits = Spans(crop, ClipLayouts.Fit, duration);
        var screens = Spans(crop, ClipLayouts.Screen, duration);
        string? only = Only(crop, duration);
        bool onlySplit = only == ClipLayouts.Split;
        var g = new StringBuilder();
        int branches = (only is null ? 1 : 0) + (splits.Count > 0 ? 1 : 0) + (fits.Count > 0 ? 1 : 0) + (screens.Count > 0 ? 1 : 0);
        if (branches > 1)
        {
            g.Append(Inv, $"split={branches}");
            g.Append(only is null ? "[single]" : "").Append(splits.Count > 0 ? "[stack]" : "").Append(fits.Count > 0 ? "[fit]" : "")
                .Append(screens.Count > 0 ? "[screen]" : "").Append(';');
        }

        string Input(string label) => branches > 1 ? $"[{label}]" : "";
        if (only is null)
        {
            var first = InitialKeyframe(crop);
            g.Append(Input("single"))
                .Append(Inv, $"crop@single=w={crop.Width}:h={crop.Height}:x={ClampX(crop, first.X)}:y={ClampY(crop, first.Y)}")
                .Append(Inv, $",scale={width}:{height},setsar=1[singled];");
        }

        if (splits.Count > 0)
        {
            // stacked halves (the whole width, half the height each) or columns side by side (half the width, the whole height)
            var (first, second) = ClipLayouts.SplitParts(width, height, crop.SideBySide);
            var top = InitialKeyframe(crop.Top!);
            var bottom = InitialKeyframe(crop.Bottom!);
            int maxX = crop.SourceWidth - crop.SplitWidth, maxY = crop.SourceHeight - crop.SplitHeight;
            g.Append(Input("stack")).Append("split=2[top][bottom];[top]")
                .Append(Inv, $"crop@top=w={crop.SplitWidth}:h={crop.SplitHeight}:x={Math.Clamp(top.X, 0, maxX)}:y={Math.Clamp(top.Y, 0, maxY)}")
                .Append(Inv, $",scale={first.Width}:{first.Height},setsar=1[tophalf];[bottom]")
                .Append(Inv, $"crop@bottom=w={crop.SplitWidth}:h={crop.SplitHeight}:x={Math.Clamp(bottom.X, 0, maxX)}:y={Math.Clamp(bottom.Y, 0, maxY)}")
                .Append(Inv, $",scale={second.Width}:{second.Height},setsar=1[bottomhalf];[tophalf][bottomhalf]{(crop.SideBySide ? "hstack" : "vstack")}[stacked];");
        }

        if (fits.Count > 0)
        {
            g.Append(Input("fit")).Append(FitBranch(crop, width, height)).Append("[fitted];");
        }

        if (screens.Count > 0)
        {
            var (topH, bottomH) = ClipLayouts.ScreenHeights(crop.SourceWidth, crop.SourceHeight, width, height)
                ?? throw new InvalidOperationException($"a {width}x{height} output has no room for the screen layout");
            var inset = InitialKeyframe(crop.Inset!);
            int maxX = crop.SourceWidth - crop.InsetWidth, maxY = crop.SourceHeight - crop.InsetHeight;
            g.Append(Input("screen")).Append("split=2[scrwhole][scrface];")
                .Append(Inv, $"[scrwhole]scale={width}:{topH},setsar=1[scrtop];[scrface]")
                .Append(Inv, $"crop@inset=w={crop.InsetWidth}:h={crop.InsetHeight}:x={Math.Clamp(inset.X, 0, maxX)}:y={Math.Clamp(inset.Y, 0, maxY)}")
                .Append(Inv, $",scale={width}:{bottomH},setsar=1[scrbottom];[scrtop][scrbottom]vstack[screened];");
        }

        string last = onlySplit ? "[stacked]" : only == ClipLayouts.Screen ? "[screened]" : "[singled]";
        foreach (var (label, spans) in new[] { ("[stacked]", splits), ("[fitted]", fits), ("[screened]", screens) })
        {
            if (spans.Count == 0 || label == last)
            {
                continue;
            }

            string enable = string.Join("+", spans.Select(sp => string.Create(Inv, $"gte(t\\,{sp.Start:0.000})*lt(t\\,{sp.End:0.000})")));
            g.Append(last).Append(label).Append("overlay=x=0:y=0:format=yuv420:enable='").Append(enable).Append('\'');
            last = label == "[stacked]" ? "[splitover]" : label == "[fitted]" ? "[fitover]" : "[screenover]";
            g.Append(last).Append(';');
        }

        return g.Append(last).Append("setsar=1,split=2[main][still];[main]").ToString();
    }

    private static bool Whole(IReadOnlyList<(double Start, double End)> spans, double duration) =>
        spans.Count == 1 && spans[0].Start <= 0 && spans[0].End >= duration;

    /// <summary>The one layout, split or screen, that covers the whole clip (no single window is then drawn); null when none does.</summary>
    private static string? Only(CropPath crop, double duration)
    {
        var splits = Spans(crop, ClipLayouts.Split, duration);
        var screens = Spans(crop, ClipLayouts.Screen, duration);
        if (Spans(crop, ClipLayouts.Fit, duration).Count > 0)
        {
            return null;
        }

        return screens.Count == 0 && Whole(splits, duration) ? ClipLayouts.Split
            : splits.Count == 0 && Whole(screens, duration) ? ClipLayouts.Screen : null;
    }

    /// <summary>Whether the clip needs <see cref="ShotsGraph"/>: split or screen shots, or fit shots among others.</summary>
    internal static bool ByShots(CropPath crop) => !crop.IsFit && (crop.HasSplit || crop.HasScreen || crop.HasFitShots);

    /// <summary>
    /// The clip's stacked split shots as spans of seconds from its start (<see cref="Spans"/>), whose captions go on the
    /// seam between the halves; empty when none. Side by side, the faces sit in the columns' upper parts like a single
    /// window's face, and captions keep the preset's height.
    /// </summary>
    internal static IReadOnlyList<(double Start, double End)> SplitSpans(CropPath crop, double duration) =>
        crop.HasSplit && !crop.IsFit && !crop.SideBySide ? Spans(crop, ClipLayouts.Split, duration) : [];

    /// <summary>The clip's screen shots (<see cref="Spans"/>) and the screen's height above the face; null when none.</summary>
    internal static (IReadOnlyList<(double Start, double End)> Spans, int Top)? ScreenSpans(CropPath crop, double duration, int width, int height) =>
        crop.HasScreen && !crop.IsFit && ClipLayouts.ScreenHeights(crop.SourceWidth, crop.SourceHeight, width, height) is { } h
            ? (Spans(crop, ClipLayouts.Screen, duration), h.Top) : null;

    /// <summary>The clip's shots of one layout as spans of seconds from its start, merged where they touch; a span that reaches the clip's end runs past it.</summary>
    internal static IReadOnlyList<(double Start, double End)> Spans(CropPath crop, string layout, double duration)
    {
        var spans = new List<(double Start, double End)>();
        if (crop.IsFit || crop.Shots is null || (layout == ClipLayouts.Split && !crop.HasSplit) || (layout == ClipLayouts.Screen && !crop.HasScreen))
        {
            return spans;
        }

        foreach (var s in crop.Shots.Where(s => s.Layout == layout).OrderBy(s => s.Start))
        {
            double start = Math.Max(0, s.Start), end = Math.Min(duration, s.End);
            if (end <= start)
            {
                continue;
            }

            if (spans.Count > 0 && start <= spans[^1].End + 1e-6)
            {
                spans[^1] = (spans[^1].Start, Math.Max(spans[^1].End, end));
            }
            else
            {
                spans.Add((start, end));
            }
        }

        // the last shot ends at the path's end, which may lie a sample past the clip's: it runs to the end
        if (spans.Count > 0 && spans[^1].End >= duration - 1e-3)
        {
            spans[^1] = (spans[^1].Start, duration + 1);
        }

        return spans;
    }

    /// <summary>The sendcmd script of a clip drawn by shots (<see cref="ShotsGraph"/>): the named windows' moves.</summary>
    internal static string ShotsCommands(CropPath crop, double duration)
    {
        var sb = new StringBuilder();
        if (Only(crop, duration) is null)
        {
            sb.Append(Commands(crop.Keyframes, "crop@single", crop.SourceWidth - crop.Width, crop.SourceHeight - crop.Height, duration));
        }

        if (crop.HasScreen)
        {
            sb.Append(Commands(crop.Inset!, "crop@inset", crop.SourceWidth - crop.InsetWidth, crop.SourceHeight - crop.InsetHeight, duration));
        }

        if (crop.HasSplit)
        {
            int maxX = crop.SourceWidth - crop.SplitWidth, maxY = crop.SourceHeight - crop.SplitHeight;
            sb.Append(Commands(crop.Top!, "crop@top", maxX, maxY, duration));
            sb.Append(Commands(crop.Bottom!, "crop@bottom", maxX, maxY, duration));
        }

        return sb.ToString();
    }

    // ---- end of layouts per shot ----

    /// <summary>
    /// The sendcmd script that moves the crop window: one line per keyframe after the first, e.g.
    /// <c>12.400 crop x 730, crop y 120;</c>. Times are seconds of the filtered stream, which starts at 0 at the
    /// clip's start because the seek is on the input. Keyframes at or past the clip's end are dropped; positions
    /// are clamped into the source.
    /// </summary>
    internal static string CropCommands(CropPath crop, double duration) =>
        Commands(crop.Keyframes, "crop", crop.SourceWidth - crop.Width, crop.SourceHeight - crop.Height, duration);

    /// <summary>The moves of one window, sent to <paramref name="target"/> (a filter's type or its name), positions clamped into [0, max].</summary>
    private static string Commands(IReadOnlyList<Keyframe> keyframes, string target, int maxX, int maxY, double duration)
    {
        var sb = new StringBuilder();
        var first = InitialKeyframe(keyframes);
        int x = Math.Max(0, Math.Min(first.X, maxX));
        int y = Math.Max(0, Math.Min(first.Y, maxY));
        foreach (var k in keyframes.OrderBy(k => k.T))
        {
            if (k.T <= 0 || k.T >= duration)
            {
                continue;
            }

            int nx = Math.Max(0, Math.Min(k.X, maxX));
            int ny = Math.Max(0, Math.Min(k.Y, maxY));
            if (nx == x && ny == y)
            {
                continue;
            }

            sb.Append(Inv, $"{k.T:0.000} {target} x {nx}, {target} y {ny};\n");
            x = nx;
            y = ny;
        }

        return sb.ToString();
    }

    /// <summary>The window at t = 0: the last keyframe at or before the start, else the earliest one.</summary>
    private static Keyframe InitialKeyframe(CropPath crop) => InitialKeyframe(crop.Keyframes);

    private static Keyframe InitialKeyframe(IReadOnlyList<Keyframe> keyframes)
    {
        Keyframe? best = null;
        foreach (var k in keyframes)
        {
            if (k.T <= 0 && (best is null || k.T >= best.T))
            {
                best = k;
            }
        }

        return best ?? keyframes.MinBy(k => k.T)!;
    }

    private static int ClampX(CropPath c, int x) => Math.Max(0, Math.Min(x, c.SourceWidth - c.Width));

    private static int ClampY(CropPath c, int y) => Math.Max(0, Math.Min(y, c.SourceHeight - c.Height));

    /// <summary>Thumbnail size: the configured width (at most the output's), height following the output aspect; even.</summary>
    internal (int Width, int Height) ThumbnailSize(int width, int height)
    {
        int w = Math.Min(Options.ThumbnailWidth, width);
        w -= w % 2;
        int h = (int)Math.Round((double)w * height / width, MidpointRounding.AwayFromZero);
        h -= h % 2;
        return (w, Math.Max(2, h));
    }

    /// <summary>The source's timing; a source ffprobe cannot read is left to ffmpeg, whose failure says more.</summary>
    private static async Task<SourceTiming> ProbeSourceAsync(string source, CancellationToken cancel)
    {
        try
        {
            return await Probe.TimingAsync(source, cancel);
        }
        catch (ClipperException e) when (e.Code == ErrorCode.NotAVideo)
        {
            return SourceTiming.Unknown;
        }
    }

    /// <summary>Checks what ffmpeg wrote; a failure carries ffmpeg's stderr tail, and ffprobe's view of the output.</summary>
    private async Task<MediaInfo> ValidateAsync(EncodeRequest r, string mp4, string jpg, string stderrTail, CancellationToken cancel)
    {
        MediaInfo info;
        try
        {
            // what ffmpeg was told to write needs no timing facts: one ffprobe, not two
            info = await Probe.ProbeAsync(mp4, cancel, timing: false);
        }
        catch (ClipperException e) when (e.Code == ErrorCode.NotAVideo)
        {
            throw new ClipperException(ErrorCode.ToolFailed, $"ffmpeg wrote an unreadable video for {r.Stem}", e.Detail, e);
        }

        var problems = new List<string>();
        if (!info.HasVideo)
        {
            problems.Add("it has no video stream");
        }
        else if (info.Width != r.Width || info.Height != r.Height)
        {
            problems.Add($"the video is {info.Width}x{info.Height}, not {r.Width}x{r.Height}");
        }

        if (!info.HasAudio)
        {
            problems.Add("it has no audio stream");
        }

        if (Math.Abs(info.DurationSeconds - r.Duration) > Options.DurationTolerance)
        {
            problems.Add(string.Create(Inv, $"it lasts {info.DurationSeconds:0.00} s, not {r.Duration:0.00} s"));
        }

        var (thumbW, thumbH) = ThumbnailSize(r.Width, r.Height);
        if (!File.Exists(jpg) || new FileInfo(jpg).Length == 0)
        {
            problems.Add("no thumbnail was written");
        }
        else
        {
            try
            {
                var t = await Probe.ProbeAsync(jpg, cancel, timing: false);
                if (t.Width != thumbW || t.Height != thumbH)
                {
                    problems.Add($"the thumbnail is {t.Width}x{t.Height}");
                }
            }
            catch (ClipperException e) when (e.Code == ErrorCode.NotAVideo)
            {
                problems.Add("the thumbnail is unreadable");
            }
        }

        if (problems.Count > 0)
        {
            var probed = string.Create(Inv, $"ffprobe of {Path.GetFileName(mp4)}: video {(info.HasVideo ? $"{info.Width}x{info.Height}" : "none")}, "
                + $"audio {(info.HasAudio ? "yes" : "none")}, {info.DurationSeconds:0.00} s");
            var tail = string.IsNullOrWhiteSpace(stderrTail) ? "ffmpeg exited 0 and wrote nothing to stderr" : stderrTail.TrimEnd();
            throw new ClipperException(ErrorCode.ToolFailed,
                $"the encoded clip {r.Stem} failed validation: {string.Join("; ", problems)}", $"{tail}\n{probed}");
        }

        return info;
    }

    private static void Commit(string from, string to, List<string> committed)
    {
        // rename(2) within one directory: atomic, and it replaces an older result of the same stem
        File.Move(from, to, overwrite: true);
        committed.Add(to);
    }

    /// <summary>Temporary files and work directories of this stem left by an attempt whose process died.</summary>
    private static void RemoveLeftovers(string dir, string stem)
    {
        var leftover = new Regex($"^\\.{Regex.Escape(stem)}\\.((srt|vtt|jpg|mp4)\\.[0-9a-f]+\\.tmp|work-[0-9a-f]+)\\z");
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir, "." + stem + ".*"))
        {
            if (!leftover.IsMatch(Path.GetFileName(entry)))
            {
                continue;
            }

            if (Directory.Exists(entry))
            {
                DeleteTree(entry);
            }
            else
            {
                DeleteQuietly(entry);
            }
        }
    }

    /// <summary>
    /// Escapes a value for an ffmpeg filter option inside a filtergraph: first for the option parser
    /// (<c>\ ' :</c>), then for the graph parser (<c>\ ' [ ] , ;</c>).
    /// </summary>
    internal static string FilterValue(string value)
    {
        var option = new StringBuilder();
        foreach (char c in value)
        {
            if (c is '\\' or '\'' or ':')
            {
                option.Append('\\');
            }

            option.Append(c);
        }

        var graph = new StringBuilder();
        foreach (char c in option.ToString())
        {
            if (c is '\\' or '\'' or '[' or ']' or ',' or ';')
            {
                graph.Append('\\');
            }

            graph.Append(c);
        }

        return graph.ToString();
    }

    private static string Seconds(double s) => s.ToString("0.000", Inv);

    private static string SignalNote(int exitCode) =>
        exitCode is > 128 and < 160 ? $" (killed by signal {exitCode - 128})" : "";

    private static string LastLine(string tail) =>
        string.IsNullOrWhiteSpace(tail) ? "" : ": " + tail.Trim().Split('\n')[^1];

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a leftover temporary name is cleared by the next attempt of this stem
        }
    }

    private static void DeleteTree(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // as above
        }
    }

    /// <summary>
    /// Reads ffmpeg's <c>-progress pipe:1</c> key=value lines and reports <c>out_time_us</c> as a fraction of the
    /// clip. Capped below 1 until the files are committed; a throwing callback is switched off rather than allowed
    /// to stop the reading (ffmpeg would die on a closed pipe). Nothing is reported after the encode ends.
    /// </summary>
    private sealed class ProgressReader(double duration, IProgress<double>? callback)
    {
        private readonly Lock _gate = new();
        private double _last = -1;
        private bool _closed;

        public async Task ReadAsync(Stream stdout, CancellationToken cancel)
        {
            using var lines = new StreamReader(stdout, Encoding.UTF8, leaveOpen: true);
            string? line;
            while ((line = await lines.ReadLineAsync(cancel)) is not null)
            {
                const string key = "out_time_us=";
                if (line.StartsWith(key, StringComparison.Ordinal)
                    && double.TryParse(line.AsSpan(key.Length), NumberStyles.Float, Inv, out double us))
                {
                    // "N/A" before the first frame is out fails to parse and is skipped
                    Report(Math.Min(0.99, Math.Max(0, us / 1e6 / duration)));
                }
            }
        }

        public void Finish()
        {
            Report(1.0);
            Close();
        }

        public void Close()
        {
            lock (_gate)
            {
                _closed = true;
            }
        }

        private void Report(double fraction)
        {
            lock (_gate)
            {
                if (callback is null || _closed || fraction <= _last)
                {
                    return;
                }

                _last = fraction;
                try
                {
                    callback.Report(fraction);
                }
                catch (Exception)
                {
                    // a broken progress callback must not break the encode
                    _closed = true;
                }
            }
        }
    }
}
