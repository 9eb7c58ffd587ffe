using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Clipper.Abstractions.Jobs;
using Clipper.Core.Storage;

namespace Clipper.Host.Cli;

/// <summary>
/// Writes a finished job into a directory: clip-NN.mp4/.srt/.vtt/.jpg copied out of blob storage, report.json
/// (paths relative to the directory, times in seconds of the source), report.html and transcript.json.
/// </summary>
public static class Report
{
    public static async Task<JsonObject> WriteAsync(JobView s, IBlobStore blobs, string dir, CancellationToken cancel)
    {
        Directory.CreateDirectory(dir);
        var src = s.Source!;
        var root = new JsonObject
        {
            ["job"] = s.JobId,
            ["source"] = new JsonObject
            {
                ["input"] = s.Spec!.Input,
                ["name"] = src.DisplayName,
                ["sha256"] = src.Sha256,
                ["duration"] = Round(src.Duration),
                ["width"] = src.Width,
                ["height"] = src.Height,
                ["transcript"] = s.Transcript!.Provider,
                ["words"] = s.Transcript.Words,
            },
        };
        var clips = new JsonArray();
        foreach (var c in s.Clips)
        {
            var e = s.Encoded[c.Index];
            var t = s.Tracked[c.Index];
            var stem = c.Stem;
            await blobs.DownloadAsync(e.VideoKey, Path.Combine(dir, stem + ".mp4"), cancel);
            await blobs.DownloadAsync(e.SrtKey, Path.Combine(dir, stem + ".srt"), cancel);
            await blobs.DownloadAsync(e.VttKey, Path.Combine(dir, stem + ".vtt"), cancel);
            await blobs.DownloadAsync(e.ThumbnailKey, Path.Combine(dir, stem + ".jpg"), cancel);
            var crop = new JsonObject { ["method"] = t.Method };
            if (t.Reason is not null)
            {
                crop["reason"] = t.Reason;
            }

            clips.Add(new JsonObject
            {
                ["rank"] = c.Index,
                ["start"] = Round(c.Start),
                ["end"] = Round(c.End),
                ["score"] = c.Score,
                ["scores"] = new JsonObject { ["hook"] = c.Hook, ["completeness"] = c.Completeness, ["density"] = c.Density, ["emotion"] = c.Emotion },
                ["reason"] = c.Reason,
                ["title"] = c.Title,
                ["video"] = stem + ".mp4",
                ["thumbnail"] = stem + ".jpg",
                ["captions"] = new JsonObject { ["srt"] = stem + ".srt", ["vtt"] = stem + ".vtt" },
                ["crop"] = crop,
                ["encodedOn"] = s.WorkedOn.GetValueOrDefault($"encode-{c.Index}"),
            });
        }

        root["clips"] = clips;
        var timings = new JsonObject();
        foreach (var (stage, at) in s.StageStartedAt.OrderBy(kv => kv.Value))
        {
            timings[stage] = at.ToUnixTimeMilliseconds();
        }

        root["stageStartedAt"] = timings;
        var options = new System.Text.Json.JsonSerializerOptions { WriteIndented = true };
        await File.WriteAllTextAsync(Path.Combine(dir, "report.json"), root.ToJsonString(options), cancel);
        await File.WriteAllBytesAsync(Path.Combine(dir, "transcript.json"), await blobs.GetBytesAsync(s.Transcript.TranscriptKey, cancel), cancel);
        await File.WriteAllTextAsync(Path.Combine(dir, "report.html"), Html(root), Encoding.UTF8, cancel);
        return root;
    }

    private static double Round(double v) => Math.Round(v * 100) / 100.0;

    private static string Html(JsonObject report)
    {
        static string Esc(JsonNode? n) => WebUtility.HtmlEncode(n?.ToString() ?? "");
        var inv = CultureInfo.InvariantCulture;
        var source = report["source"]!;
        var clips = report["clips"]!.AsArray();
        var b = new StringBuilder();
        b.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Clipper — ").Append(Esc(source["name"]))
            .Append("</title><style>body{font-family:system-ui,sans-serif;margin:2rem;background:#111;color:#eee}")
            .Append(".clips{display:flex;flex-wrap:wrap;gap:1.5rem}.clip{width:270px;background:#1d1d1d;border-radius:10px;padding:12px}")
            .Append(".clip img,.clip video{width:270px;border-radius:6px}.score{font-size:2rem;font-weight:800;color:#ffd400}")
            .Append(".subs{font-size:.85rem;color:#bbb}h2{font-size:1.05rem;margin:.4rem 0}a{color:#8cf}</style></head><body>")
            .Append("<h1>").Append(Esc(source["name"])).Append("</h1><p>Job ").Append(Esc(report["job"])).Append(" · ")
            .Append(clips.Count.ToString(inv)).Append(" clips · source ").Append(Esc(source["duration"])).Append(" s</p><div class=\"clips\">");
        foreach (var c in clips)
        {
            var s = c!["scores"]!;
            b.Append("<div class=\"clip\"><video controls preload=\"none\" poster=\"").Append(Esc(c["thumbnail"]))
                .Append("\" src=\"").Append(Esc(c["video"])).Append("\"></video><div class=\"score\">").Append(Esc(c["score"]))
                .Append("</div><h2>#").Append(Esc(c["rank"])).Append(' ').Append(Esc(c["title"])).Append("</h2><p>")
                .Append(Esc(c["reason"])).Append("</p><p class=\"subs\">hook ").Append(Esc(s["hook"])).Append(" · completeness ")
                .Append(Esc(s["completeness"])).Append(" · density ").Append(Esc(s["density"])).Append(" · emotion ")
                .Append(Esc(s["emotion"])).Append("<br>").Append(Esc(c["start"])).Append('–').Append(Esc(c["end"]))
                .Append(" s · crop ").Append(Esc(c["crop"]!["method"])).Append("</p><p><a href=\"").Append(Esc(c["captions"]!["srt"]))
                .Append("\">SRT</a> · <a href=\"").Append(Esc(c["captions"]!["vtt"])).Append("\">VTT</a></p></div>");
        }

        return b.Append("</div></body></html>\n").ToString();
    }
}
