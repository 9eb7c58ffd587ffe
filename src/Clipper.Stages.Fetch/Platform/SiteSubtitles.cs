using System.Text.Json;
using System.Text.RegularExpressions;

namespace Clipper.Stages.Fetch.Platform;

/// <summary>A subtitle file a site offers for a video, as yt-dlp lists it.</summary>
/// <param name="Automatic">The site's speech recognition (YouTube's auto captions), not a person's.</param>
public sealed record PlatformSubtitle(Uri Url, string Language, string Extension, bool Automatic, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// Chooses the site's subtitles to take as the transcript from yt-dlp's <c>subtitles</c> and <c>automatic_captions</c>:
/// a person's before the site's recognition; the video's own language, then English; WebVTT before SRT (the formats the
/// caption reader understands, YouTube's rolling auto captions included). Automatic captions are taken only in the
/// spoken language (YouTube's "-orig", else the video's language, else English): translated ones are not what was said.
/// </summary>
public static partial class SiteSubtitles
{
    private static readonly string[] Formats = ["vtt", "srt"];

    public static PlatformSubtitle? Choose(JsonElement root)
    {
        var language = root.TryGetProperty("language", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
        var manual = Tracks(root, "subtitles");
        var automatic = Tracks(root, "automatic_captions");
        var spoken = Base(language);
        var manualOrder = manual.Keys.Where(k => Base(k) == spoken).OrderBy(k => k != language)
            .Concat(manual.Keys.Where(k => Base(k) == "en").OrderBy(k => k != "en"))
            // a page that says nothing of its language: its one track, or its first
            .Concat(language is null ? manual.Keys : []);
        var autoOrder = automatic.Keys.Where(k => k.EndsWith("-orig", StringComparison.Ordinal))
            .Concat(language is not null ? automatic.Keys.Where(k => k == language) : automatic.Keys.Where(k => k == "en"));
        return First(manual, manualOrder, false) ?? First(automatic, autoOrder, true);
    }

    /// <summary>
    /// Words per minute of the video in a caption file, each line counted once (rolling captions repeat the line
    /// before): auto captions of music or silence are sparse, and then the recogniser does better.
    /// </summary>
    public static double WordsPerMinute(string text, double durationSeconds)
    {
        if (durationSeconds <= 0)
        {
            return 0;
        }

        int words = 0;
        string last = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.Contains("-->", StringComparison.Ordinal) || line.StartsWith("WEBVTT", StringComparison.Ordinal)
                || line.StartsWith("Kind:", StringComparison.Ordinal) || line.StartsWith("Language:", StringComparison.Ordinal)
                || line.StartsWith("NOTE", StringComparison.Ordinal) || line.All(char.IsDigit))
            {
                continue;
            }

            var plain = Spaces().Replace(Markup().Replace(line, " "), " ").Trim();
            if (plain.Length == 0 || plain == last)
            {
                continue;
            }

            last = plain;
            words += plain.Split(' ').Count(w => w.Any(char.IsLetterOrDigit));
        }

        return words * 60 / durationSeconds;
    }

    private static PlatformSubtitle? First(Dictionary<string, JsonElement> tracks, IEnumerable<string> order, bool automatic)
    {
        foreach (var lang in order.Distinct())
        {
            foreach (var format in Formats)
            {
                foreach (var entry in tracks[lang].EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object))
                {
                    var url = entry.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
                    if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    {
                        continue;
                    }

                    var ext = entry.TryGetProperty("ext", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()
                        : Path.GetExtension(uri.AbsolutePath).TrimStart('.').ToLowerInvariant();
                    if (ext == format)
                    {
                        return new PlatformSubtitle(uri, lang, format, automatic, Headers(entry));
                    }
                }
            }
        }

        return null;
    }

    private static Dictionary<string, JsonElement> Tracks(JsonElement root, string name)
    {
        var tracks = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (root.TryGetProperty(name, out var all) && all.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in all.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array && p.Name != "live_chat"))
            {
                tracks[p.Name] = p.Value;
            }
        }

        return tracks;
    }

    private static IReadOnlyDictionary<string, string> Headers(JsonElement entry)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (entry.TryGetProperty("http_headers", out var h) && h.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in h.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                headers[p.Name] = p.Value.GetString()!;
            }
        }

        return headers;
    }

    /// <summary>"en" of "en", "en-US", "en-GB", "en-orig"; null stays null.</summary>
    private static string? Base(string? language) => language?.Split('-', '_')[0].ToLowerInvariant();

    [GeneratedRegex(@"<[^>]*>|\[[^\]]*\]|&[a-z]+;")]
    private static partial Regex Markup();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
