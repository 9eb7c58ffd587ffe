using System.Globalization;
using System.Text.Json;

namespace Clipper.Core.Media;

/// <summary>
/// A source's own time base and frame facts, as ffprobe states them. Clipper's times (transcript words, clip
/// windows, crop keyframes) are seconds of presentation: 0 is the container's first timestamp
/// (<see cref="StartSeconds"/>), which is also where ffmpeg's input <c>-ss</c> counts from; <see cref="ToStream"/>
/// and <see cref="FromStream"/> convert to and from the stream's own timestamps.
/// </summary>
/// <param name="StartSeconds">The container's start time (an MPEG-TS often starts at 1.4 s; an MP4 with an edit list or an
/// output offset elsewhere than 0).</param>
/// <param name="VideoStartSeconds">The first video stream's start time (NaN when unknown).</param>
/// <param name="AudioStartSeconds">The first audio stream's start time (NaN when unknown).</param>
/// <param name="Rotation">The display rotation (a phone's display matrix) as ffprobe states it, brought into 0, 90, 180 or 270.
/// ffmpeg applies it when it decodes, so frames arrive upright; what matters here is whether width and height swap.</param>
/// <param name="FieldOrder">ffprobe's field order: progressive, tt, bb, tb, bt, or null when unknown.</param>
/// <param name="FrameRate">The stream's base frame rate (r_frame_rate), 0 when unknown.</param>
/// <param name="AverageFrameRate">Frames per second on average (avg_frame_rate), 0 when unknown.</param>
/// <param name="SampleRate">The first audio stream's sample rate in Hz, 0 when unknown.</param>
/// <param name="Channels">The first audio stream's channel count, 0 when unknown.</param>
/// <param name="ChannelLayout">Its layout as ffprobe names it (mono, stereo, 5.1(side), …), or null.</param>
/// <param name="EndSeconds">Where the later of the first video and audio streams ends (start + duration), NaN when neither says.</param>
public sealed record SourceTiming(
    double StartSeconds,
    double VideoStartSeconds,
    double AudioStartSeconds,
    int Rotation,
    string? FieldOrder,
    double FrameRate,
    double AverageFrameRate,
    int SampleRate,
    int Channels,
    string? ChannelLayout,
    double EndSeconds = double.NaN)
{
    /// <summary>What is assumed of a file nobody probed: starts at 0, progressive, not rotated.</summary>
    public static readonly SourceTiming Unknown = new(0, double.NaN, double.NaN, 0, null, 0, 0, 0, 0, null);

    /// <summary>The ffprobe arguments whose JSON output <see cref="Parse"/> reads (the file name follows).</summary>
    public static readonly IReadOnlyList<string> ProbeArguments =
    [
        "-v", "error", "-of", "json", "-show_entries",
        "format=start_time:stream=codec_type,start_time,duration,field_order,r_frame_rate,avg_frame_rate,sample_rate,channels,"
        + "channel_layout:stream_tags=rotate:stream_side_data=rotation:stream_disposition=attached_pic",
    ];

    /// <summary>Interlaced fields (top or bottom first): frames must be deinterlaced before they are cropped or scaled.</summary>
    public bool Interlaced => FieldOrder is "tt" or "bb" or "tb" or "bt";

    /// <summary>
    /// Frames come at varying intervals (a phone or a screen recorder): the average rate differs from the base rate
    /// by more than 1 %.
    /// </summary>
    public bool VariableFrameRate =>
        FrameRate > 0 && AverageFrameRate > 0 && Math.Abs(FrameRate - AverageFrameRate) / FrameRate > 0.01;

    /// <summary>The width and height swap on display (a quarter turn).</summary>
    public bool QuarterTurn => Rotation is 90 or 270;

    /// <summary>One frame's length in seconds at the average rate (or the base rate; 1/25 s when neither is known).</summary>
    public double FrameSeconds => 1.0 / (AverageFrameRate > 0 ? AverageFrameRate : FrameRate > 0 ? FrameRate : 25);

    /// <summary>How late the audio starts after the container's start (0 when it starts first or is unknown).</summary>
    public double AudioDelaySeconds => double.IsNaN(AudioStartSeconds) ? 0 : Math.Max(0, AudioStartSeconds - StartSeconds);

    /// <summary>
    /// The length of the presentation given the container's stated duration. Some demuxers state the end time
    /// rather than the length (an MP4 written with an output offset of 10 s and 8 s long says 18 s): when the
    /// streams say where they end, the length is at most their end less the start.
    /// </summary>
    public double Length(double statedSeconds)
    {
        if (StartSeconds > 0 && double.IsFinite(EndSeconds) && EndSeconds > StartSeconds)
        {
            double streams = EndSeconds - StartSeconds;
            return statedSeconds > 0 ? Math.Min(statedSeconds, streams) : streams;
        }

        return statedSeconds;
    }

    /// <summary>A presentation time (seconds from the start) as the stream's own timestamp.</summary>
    public double ToStream(double presentationSeconds) => StartSeconds + presentationSeconds;

    /// <summary>A stream timestamp as presentation time (seconds from the start).</summary>
    public double FromStream(double streamSeconds) => streamSeconds - StartSeconds;

    /// <summary>How many frames a span of <paramref name="seconds"/> holds (rounded to the nearest frame).</summary>
    public int Frames(double seconds) => (int)Math.Round(seconds / FrameSeconds, MidpointRounding.AwayFromZero);

    /// <summary>Reads ffprobe's JSON (made with <see cref="ProbeArguments"/>); missing or odd values fall back to <see cref="Unknown"/>'s.</summary>
    public static SourceTiming Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        double start = root.TryGetProperty("format", out var format) ? Number(format, "start_time") : double.NaN;
        JsonElement? video = null, audio = null;
        if (root.TryGetProperty("streams", out var streams) && streams.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in streams.EnumerateArray())
            {
                var type = s.TryGetProperty("codec_type", out var t) ? t.GetString() : null;
                bool picture = s.TryGetProperty("disposition", out var d) && d.TryGetProperty("attached_pic", out var p)
                    && p.ValueKind == JsonValueKind.Number && p.GetInt32() == 1;
                if (type == "video" && !picture && video is null)
                {
                    video = s;
                }
                else if (type == "audio" && audio is null)
                {
                    audio = s;
                }
            }
        }

        double videoStart = video is { } v ? Number(v, "start_time") : double.NaN;
        double audioStart = audio is { } a ? Number(a, "start_time") : double.NaN;
        if (double.IsNaN(start))
        {
            start = Math.Min(double.IsNaN(videoStart) ? double.MaxValue : videoStart, double.IsNaN(audioStart) ? double.MaxValue : audioStart);
            start = start == double.MaxValue ? 0 : start;
        }

        return new SourceTiming(
            start,
            videoStart,
            audioStart,
            video is { } vr ? RotationOf(vr) : 0,
            video is { } vf && vf.TryGetProperty("field_order", out var fo) && fo.ValueKind == JsonValueKind.String ? fo.GetString() : null,
            video is { } r ? Rational(Text(r, "r_frame_rate")) : 0,
            video is { } g ? Rational(Text(g, "avg_frame_rate")) : 0,
            audio is { } sr ? (int)Math.Max(0, Zero(Number(sr, "sample_rate"))) : 0,
            audio is { } c ? (int)Math.Max(0, Zero(Number(c, "channels"))) : 0,
            audio is { } l ? Text(l, "channel_layout") : null,
            End(video, audio));
    }

    /// <summary>An ffprobe rational ("30000/1001", "25/1", "0/0") or plain number; 0 when it is not a positive finite number.</summary>
    public static double Rational(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        int slash = text.IndexOf('/');
        double value;
        if (slash < 0)
        {
            value = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : 0;
        }
        else if (double.TryParse(text.AsSpan(0, slash), NumberStyles.Float, CultureInfo.InvariantCulture, out var num)
                 && double.TryParse(text.AsSpan(slash + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var den) && den != 0)
        {
            value = num / den;
        }
        else
        {
            value = 0;
        }

        return double.IsFinite(value) && value > 0 ? value : 0;
    }

    /// <summary>A display rotation in degrees brought to the nearest quarter turn in 0..270 (−90 is 270).</summary>
    public static int NormaliseRotation(double degrees)
    {
        if (!double.IsFinite(degrees))
        {
            return 0;
        }

        int quarter = (int)Math.Round(degrees / 90.0, MidpointRounding.AwayFromZero);
        return ((quarter % 4) + 4) % 4 * 90;
    }

    private static int RotationOf(JsonElement video)
    {
        if (video.TryGetProperty("side_data_list", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.TryGetProperty("rotation", out var r) && r.ValueKind == JsonValueKind.Number)
                {
                    return NormaliseRotation(r.GetDouble());
                }
            }
        }

        if (video.TryGetProperty("tags", out var tags) && tags.TryGetProperty("rotate", out var tag)
            && double.TryParse(tag.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var deg))
        {
            return NormaliseRotation(deg);
        }

        return 0;
    }

    private static double End(JsonElement? video, JsonElement? audio)
    {
        double end = double.NaN;
        foreach (var s in new[] { video, audio })
        {
            if (s is { } e && Number(e, "start_time") is var start && Number(e, "duration") is var length
                && double.IsFinite(start) && double.IsFinite(length) && (double.IsNaN(end) || start + length > end))
            {
                end = start + length;
            }
        }

        return end;
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) ? p.ValueKind == JsonValueKind.String ? p.GetString() : p.GetRawText() : null;

    private static double Number(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var p))
        {
            return double.NaN;
        }

        if (p.ValueKind == JsonValueKind.Number)
        {
            return p.GetDouble();
        }

        return p.ValueKind == JsonValueKind.String
            && double.TryParse(p.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : double.NaN;
    }

    private static double Zero(double v) => double.IsNaN(v) ? 0 : v;
}
