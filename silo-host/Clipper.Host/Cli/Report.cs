using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core.Clips;
using Clipper.Core.Crop;
using Clipper.Core.Storage;
using Clipper.Gateway.V1;

namespace Clipper.Host.Cli;

/// <summary>
/// A finished job as the report and the table show it, whichever way it was followed: from the grain's
/// <see cref="JobView"/> (<c>clip</c>, in-process) or from the API's <see cref="Job"/> (<c>submit</c>, <c>watch</c>).
/// What only one side knows is optional: the source's facts, each clip's crop and silo and the stage times come with
/// a JobView; each artifact's URL (and its expiry) with a Job. Both carry the job's cost.
/// </summary>
public sealed record FinishedJob(string JobId, string SourceName, SourceFacts? Source, IReadOnlyList<FinishedClip> Clips,
    IReadOnlyDictionary<string, DateTimeOffset>? StageStartedAt, SourceSite? Site = null, RankSummary? Ranking = null,
    Clipper.Abstractions.Jobs.JobCost? Cost = null)
{
    public static FinishedJob From(JobView v) => new(v.JobId, v.Source!.DisplayName,
        new SourceFacts(v.Spec!.Input, v.Source.Sha256, v.Source.Duration, v.Source.Width, v.Source.Height, v.Transcript!.Provider, v.Transcript.Words,
            v.Transcript.Pieces, v.Transcript.Remote, v.Transcript.Language),
        v.Clips.Select(c =>
        {
            var e = v.Encoded[c.Index];
            var t = v.Tracked[c.Index];
            return new FinishedClip(c.Index, c.Start, c.End, c.Score, new(c.Hook, c.Completeness, c.Density, c.Emotion), c.Reason, c.Title,
                new(new(e.VideoKey), new(e.ThumbnailKey), new(e.SrtKey), new(e.VttKey)),
                new ClipWork(t.Method, t.Reason, v.WorkedOn.GetValueOrDefault(WorkId.Encode(c.Index).ToString())))
            {
                Publish = new ClipPublish(c.Description, c.Tags(), c.RankedBy, c.HeuristicScore, c.HeuristicReason, c.LlmScore),
                CaptionPreset = e.Captions,
                Ratio = AspectRatio.NameOf(v.Spec.Options.Width, v.Spec.Options.Height),
                Layout = t.Layout ?? ClipLayouts.Single,
                LayoutReason = t.LayoutReason,
                Shots = t.Shots?.Select(s => new ClipShot(s.Start, s.End, s.Layout, s.Reason)).ToList(),
                Renditions = e.Renditions?.Select(r => new ClipRendition(AspectRatio.NameOf(r.Width, r.Height), r.Width, r.Height,
                    new(r.VideoKey), new(r.ThumbnailKey), r.Layout)).ToList(),
            };
        }).ToList(),
        v.StageStartedAt, v.Source.Site, v.Ranking, v.Cost)
    {
        Warnings = v.Transcript.Warnings ?? [],
        HookSeconds = v.Spec.Options.HookTitle,
        AudioFirst = v.AudioFirst is { } a ? new AudioAhead(a.Audio is not null, a.Reason, a.Audio?.SizeBytes) : null,
    };

    public static FinishedJob From(Job j) => new(j.JobId, j.Source, null,
        j.Clips.Select(c => new FinishedClip(c.Rank, c.Start, c.End, c.Score,
            new(c.Scores.Hook, c.Scores.Completeness, c.Scores.Density, c.Scores.Emotion), c.Reason, c.Title,
            new(Delivered.From(c.Video), Delivered.From(c.Thumbnail), Delivered.From(c.Srt), Delivered.From(c.Vtt)), null)
        {
            Publish = new ClipPublish(c.Description, [.. c.Hashtags], c.RankedBy.Length == 0 ? "heuristic" : c.RankedBy, c.HeuristicScore,
                c.HeuristicReason, c.LlmScore),
            CaptionPreset = c.Captions.Length == 0 ? null : c.Captions,
            Ratio = c.Ratio.Length == 0 ? null : c.Ratio,
            Layout = c.Layout.Length == 0 ? null : c.Layout,
            LayoutReason = c.LayoutReason.Length == 0 ? null : c.LayoutReason,
            Shots = c.Shots.Count == 0 ? null : c.Shots.Select(s => new ClipShot(s.Start, s.End, s.Layout, s.Reason)).ToList(),
            Renditions = c.Renditions.Count == 0 ? null : c.Renditions.Select(r => new ClipRendition(r.Ratio, r.Width, r.Height,
                Delivered.From(r.Video), Delivered.From(r.Thumbnail), r.Layout.Length == 0 ? null : r.Layout)).ToList(),
        }).ToList(),
        null, j.SourceInfo is { } i ? new SourceSite(i.Extractor, i.VideoId, i.Title, i.Uploader.Length == 0 ? null : i.Uploader,
            i.Duration > 0 ? i.Duration : null, i.PageUrl) : null,
        j.Ranking is { } r ? new RankSummary(r.Method, r.Outcome, r.Detail.Length == 0 ? null : r.Detail, r.Model.Length == 0 ? null : r.Model,
            r.Scorer.Length == 0 ? null : r.Scorer, r.PromptHash.Length == 0 ? null : r.PromptHash, r.AuditUrl.Length == 0 ? null : r.AuditUrl,
            r.InputTokens, r.OutputTokens, r.CostUsd, r.PricesAsOf.Length == 0 ? null : r.PricesAsOf) : null,
        j.Cost is { } cost ? Clipper.Gateway.JobMapping.FromMessage(cost) : null)
    {
        Warnings = [.. j.Warnings],
        Language = j.Language.Length == 0 ? null : j.Language,
        HookSeconds = j.Options is { HookSeconds: > 0 } o ? o.HookSeconds : null,
        AudioFirst = j.AudioFirst is { } a ? new AudioAhead(a.Taken, a.Reason.Length == 0 ? null : a.Reason, a.Taken ? a.AudioBytes : null) : null,
    };

    /// <summary>What the report warns of (pocketsphinx on a non-English source, …).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>For a link: whether its audio came ahead of its video (recognition started while the video downloaded), or why not.</summary>
    public AudioAhead? AudioFirst { get; init; }

    /// <summary>How many seconds each clip's title is drawn at its start (the hook title), null when the job asked for none.</summary>
    public double? HookSeconds { get; init; }

    /// <summary>The transcript's language (ISO 639-1) when the job came through the API (with a JobView: <see cref="SourceFacts.Language"/>).</summary>
    public string? Language { get; init; }
}

/// <summary>A link's audio fetched ahead of its video (its size), or the reason it was not.</summary>
public sealed record AudioAhead(bool Taken, string? Reason, long? Bytes);

/// <summary>What the silo learnt of the source (with a JobView only); a remote engine's pieces and usage when one was used.</summary>
public sealed record SourceFacts(string Input, string Sha256, double Duration, int Width, int Height, string Transcript, int Words,
    IReadOnlyList<TranscriptPiece>? TranscriptPieces = null, RemoteAsrUsage? RemoteTranscription = null, string? Language = null);

public sealed record FinishedClip(int Rank, double Start, double End, int Score, Clipper.Core.Clips.Scores Scores, string Reason,
    string Title, ClipFiles Files, ClipWork? Work)
{
    /// <summary>"clip-01": the file stem of this clip's files in the output directory.</summary>
    public string Stem => BlobLayout.ClipStem(Rank);

    /// <summary>Publish metadata and how the clip was ranked (absent from a server that predates them).</summary>
    public ClipPublish? Publish { get; init; }

    /// <summary>The caption preset the clip was burned with (absent from a server that predates presets).</summary>
    public string? CaptionPreset { get; init; }

    /// <summary>The output's aspect ratio, "9:16", "1:1", "4:5" or "16:9" (absent from a server that predates ratios).</summary>
    public string? Ratio { get; init; }

    /// <summary>
    /// The clip's layout, "single", "fit", "split" or "screen", and why (absent from a server that predates layouts); with shots of
    /// several layouts, the one covering most of the clip.
    /// </summary>
    public string? Layout { get; init; }

    public string? LayoutReason { get; init; }

    /// <summary>Each shot's layout and why (absent where the whole clip has one layout, and from older servers).</summary>
    public IReadOnlyList<ClipShot>? Shots { get; init; }

    /// <summary>The extra renditions (other ratios of the same clip), absent when the job asked for one ratio.</summary>
    public IReadOnlyList<ClipRendition>? Renditions { get; init; }
}

/// <summary>An extra rendition of a clip: its ratio ("1:1"), size, video and thumbnail, and the layout chosen for it.</summary>
public sealed record ClipRendition(string Ratio, int Width, int Height, Delivered Video, Delivered Thumbnail, string? Layout)
{
    /// <summary>"clip-01-1x1": the file stem of this rendition's files beside its clip's.</summary>
    public string Stem(FinishedClip clip) => clip.Stem + "-" + BlobLayout.RatioName(Ratio);
}

/// <summary>One shot of a clip: seconds from the clip's start, its layout and why.</summary>
public sealed record ClipShot(double Start, double End, string Layout, string Reason);

/// <summary>A clip's description and hashtags, and how it was ranked: by "heuristic" or "llm", with both scores (-1: no LLM score).</summary>
public sealed record ClipPublish(string Description, IReadOnlyList<string> Hashtags, string RankedBy, int HeuristicScore,
    string HeuristicReason, int LlmScore);

/// <summary>A clip's four files as blobs, each with the URL it is delivered from when it came through the API.</summary>
public sealed record ClipFiles(Delivered Video, Delivered Thumbnail, Delivered Srt, Delivered Vtt)
{
    public IEnumerable<(Delivered File, string Extension)> All =>
        [(Video, ".mp4"), (Thumbnail, ".jpg"), (Srt, ".srt"), (Vtt, ".vtt")];
}

public sealed record Delivered(string Blob, string? Url = null, DateTimeOffset? ExpiresAt = null)
{
    public static Delivered From(Artifact a) =>
        new(a.Blob, a.Url, a.ExpiresAtUnixMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(a.ExpiresAtUnixMs) : null);
}

/// <summary>How a clip was made (with a JobView only): the crop, and the silo that encoded it.</summary>
public sealed record ClipWork(string CropMethod, string? CropReason, string? EncodedOn);

/// <summary>Where a finished job's files come from: the blob store in-process, or the server's URLs.</summary>
public interface IArtifactSource
{
    Task CopyAsync(Delivered file, string target, CancellationToken cancel);

    /// <summary>Files beside the report that only this source has (transcript.json, job.json).</summary>
    Task WriteExtrasAsync(string dir, CancellationToken cancel);
}

/// <summary>
/// The one report of a finished job: the clip files copied into a directory as clip-NN.mp4/.jpg/.srt/.vtt, report.json
/// (paths relative to the directory, times in seconds of the source), report.html, and the printed table.
/// </summary>
public static class Report
{
    public static async Task<JsonObject> WriteAsync(FinishedJob job, IArtifactSource files, string dir, CancellationToken cancel)
    {
        Directory.CreateDirectory(dir);
        foreach (var c in job.Clips)
        {
            foreach (var (file, extension) in c.Files.All)
            {
                await files.CopyAsync(file, Path.Combine(dir, c.Stem + extension), cancel);
            }

            foreach (var r in c.Renditions ?? [])
            {
                await files.CopyAsync(r.Video, Path.Combine(dir, r.Stem(c) + ".mp4"), cancel);
                await files.CopyAsync(r.Thumbnail, Path.Combine(dir, r.Stem(c) + ".jpg"), cancel);
            }
        }

        var root = Build(job);
        await File.WriteAllTextAsync(Path.Combine(dir, "report.json"),
            root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), cancel);
        await files.WriteExtrasAsync(dir, cancel);
        await File.WriteAllTextAsync(Path.Combine(dir, "report.html"), Html(root), Encoding.UTF8, cancel);
        return root;
    }

    /// <summary>report.json: each field the job's side knows (see <see cref="FinishedJob"/>).</summary>
    public static JsonObject Build(FinishedJob job)
    {
        var source = new JsonObject();
        if (job.Source is { } s)
        {
            source["input"] = s.Input;
        }

        source["name"] = job.SourceName;
        if (job.Source is { } f)
        {
            source["sha256"] = f.Sha256;
            source["duration"] = Round(f.Duration);
            source["width"] = f.Width;
            source["height"] = f.Height;
            source["transcript"] = f.Transcript;
            source["words"] = f.Words;
            source["language"] = f.Language;
            if (f.TranscriptPieces is { } pieces)
            {
                // which piece of the audio the remote engine transcribed and which fell back to the local one, and why
                source["transcriptChunks"] = new JsonArray(pieces.Select(p => (JsonNode)new JsonObject
                {
                    ["start"] = Round(p.Start),
                    ["end"] = Round(p.End),
                    ["source"] = p.Source,
                    ["words"] = p.Words,
                    ["requests"] = p.Requests,
                    ["reason"] = p.Reason,
                }).ToArray());
            }

            if (f.RemoteTranscription is { } u)
            {
                source["remoteTranscription"] = new JsonObject
                {
                    ["service"] = u.Service,
                    ["model"] = u.Model,
                    ["requests"] = u.Requests,
                    ["audioSeconds"] = u.AudioSeconds,
                    ["audioMinutes"] = Math.Round(u.AudioSeconds / 60, 3),
                };
            }
        }

        if (job.Source is null && job.Language is not null)
        {
            source["language"] = job.Language;
        }

        if (job.Site is { } site)
        {
            // what the site said of the video (a link to a page): its own title, uploader, id and length
            source["site"] = new JsonObject
            {
                ["extractor"] = site.Extractor,
                ["id"] = site.VideoId,
                ["title"] = site.Title,
                ["uploader"] = site.Uploader,
                ["duration"] = site.Duration is { } d ? Round(d) : null,
                ["url"] = site.PageUrl,
                ["language"] = site.Language,
            };
        }

        if (job.AudioFirst is { } ahead)
        {
            // whether recognition started on the site's audio stream while the video downloaded, or why it waited
            source["audioFirst"] = new JsonObject { ["taken"] = ahead.Taken, ["reason"] = ahead.Reason, ["bytes"] = ahead.Bytes };
        }

        var clips = new JsonArray();
        foreach (var c in job.Clips)
        {
            var clip = new JsonObject
            {
                ["rank"] = c.Rank,
                ["start"] = Round(c.Start),
                ["end"] = Round(c.End),
                ["score"] = c.Score,
                ["scores"] = new JsonObject { ["hook"] = c.Scores.Hook, ["completeness"] = c.Scores.Completeness, ["density"] = c.Scores.Density, ["emotion"] = c.Scores.Emotion },
                ["reason"] = c.Reason,
                ["title"] = c.Title,
                ["description"] = c.Publish?.Description,
                ["hashtags"] = c.Publish is { } tags ? new JsonArray([.. tags.Hashtags.Select(h => (JsonNode)h)]) : null,
                ["video"] = c.Stem + ".mp4",
                ["thumbnail"] = c.Stem + ".jpg",
                ["captions"] = new JsonObject { ["srt"] = c.Stem + ".srt", ["vtt"] = c.Stem + ".vtt" },
                ["captionPreset"] = c.CaptionPreset,
                ["ratio"] = c.Ratio,
            };
            if (c.Layout is not null)
            {
                clip["layout"] = new JsonObject { ["layout"] = c.Layout, ["reason"] = c.LayoutReason };
                if (c.Shots is { Count: > 0 } shots)
                {
                    clip["layout"]!["shots"] = new JsonArray([.. shots.Select(s => (JsonNode)new JsonObject
                    {
                        ["start"] = Math.Round(s.Start, 3), ["end"] = Math.Round(s.End, 3), ["layout"] = s.Layout, ["reason"] = s.Reason,
                    })]);
                }
            }

            if (c.Renditions is { Count: > 0 } renditions)
            {
                // the other ratios of the same clip, cut from the same tracking pass; the captions files are the clip's
                clip["renditions"] = new JsonArray([.. renditions.Select(r => (JsonNode)new JsonObject
                {
                    ["ratio"] = r.Ratio,
                    ["width"] = r.Width,
                    ["height"] = r.Height,
                    ["video"] = r.Stem(c) + ".mp4",
                    ["thumbnail"] = r.Stem(c) + ".jpg",
                    ["layout"] = r.Layout,
                })]);
            }

            if (c.Publish is { } p)
            {
                // why the clip was picked: the LLM's reason when it ranked the clip (above), the heuristic's always
                clip["ranking"] = new JsonObject
                {
                    ["by"] = p.RankedBy,
                    ["heuristic"] = p.HeuristicScore,
                    ["llm"] = p.LlmScore < 0 ? null : p.LlmScore,
                    ["blended"] = c.Score,
                    ["heuristicReason"] = p.HeuristicReason,
                };
            }

            if (c.Work is { } w)
            {
                var crop = new JsonObject { ["method"] = w.CropMethod };
                if (w.CropReason is not null)
                {
                    crop["reason"] = w.CropReason;
                }

                clip["crop"] = crop;
                clip["encodedOn"] = w.EncodedOn;
            }

            if (c.Files.Video.Url is not null)
            {
                clip["delivery"] = new JsonObject
                {
                    ["video"] = Delivery(c.Files.Video),
                    ["thumbnail"] = Delivery(c.Files.Thumbnail),
                    ["srt"] = Delivery(c.Files.Srt),
                    ["vtt"] = Delivery(c.Files.Vtt),
                };
            }

            clips.Add(clip);
        }

        var root = new JsonObject
        {
            ["job"] = job.JobId,
            ["source"] = source,
            // said plainly, not buried: a transcript that is likely garbage (pocketsphinx on a non-English source), …
            ["warnings"] = new JsonArray([.. job.Warnings.Select(w => (JsonNode)w)]),
            // the hook title: each clip's title over its first seconds; null when the job asked for none
            ["hook"] = job.HookSeconds is { } hook ? new JsonObject { ["seconds"] = hook } : null,
            ["clips"] = clips,
        };
        if (job.Ranking is { } r)
        {
            root["ranking"] = new JsonObject
            {
                ["method"] = r.Method,
                ["outcome"] = r.Outcome,
                ["detail"] = r.Detail,
                ["cached"] = r.Outcome == "llm_cached",
                ["model"] = r.Model,
                ["scorer"] = r.Scorer,
                ["promptHash"] = r.PromptHash,
                ["audit"] = r.AuditKey,
                ["inputTokens"] = r.InputTokens,
                ["outputTokens"] = r.OutputTokens,
                ["costUsd"] = r.CostUsd,
                ["pricesAsOf"] = r.PricesAsOf,
            };
        }

        if (job.Cost is { } cost)
        {
            root["cost"] = Cost(cost);
        }

        if (job.StageStartedAt is { } stages)
        {
            var timings = new JsonObject();
            foreach (var (stage, at) in stages.OrderBy(kv => kv.Value))
            {
                timings[stage] = at.ToUnixTimeMilliseconds();
            }

            root["stageStartedAt"] = timings;
        }

        return root;
    }

    /// <summary>The table of clips, printed the same after clip and after submit or watch.</summary>
    public static void PrintTable(TextWriter stdout, FinishedJob job)
    {
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine();
        stdout.WriteLine(string.Create(inv, $"{"rank",-4} {"score",-5} {"start–end",-17} title"));
        foreach (var c in job.Clips)
        {
            var range = $"{Clock(c.Start)}–{Clock(c.End)}";
            var tags = c.Publish is { Hashtags.Count: > 0 } p ? "  " + string.Join(' ', p.Hashtags) : "";
            stdout.WriteLine(string.Create(inv, $"{c.Rank,-4} {c.Score,-5} {range,-17} {c.Title}{tags}"));
        }

        if (job.Clips.FirstOrDefault(c => c.Renditions is { Count: > 0 }) is { } withRenditions)
        {
            stdout.WriteLine("also in " + string.Join(", ", withRenditions.Renditions!.Select(r => $"{r.Ratio} ({r.Stem(withRenditions)}.mp4, …)")));
        }

        foreach (var w in job.Warnings)
        {
            stdout.WriteLine("warning: " + w);
        }
    }

    public static string Clock(double seconds)
    {
        var s = (long)Math.Round(seconds);
        return $"{s / 3600}:{s / 60 % 60:00}:{s % 60:00}";
    }

    /// <summary>The cost section: per stage CPU and wall seconds, the remote services' usage, money per line and in total, and the prices' labels.</summary>
    private static JsonObject Cost(Clipper.Abstractions.Jobs.JobCost c) => new()
    {
        ["currency"] = c.Currency,
        ["total"] = Math.Round(c.Total, 6),
        ["cpuSeconds"] = Math.Round(c.CpuSeconds, 3),
        ["stages"] = new JsonObject(c.Stages.Select(s => KeyValuePair.Create(s.Stage, (JsonNode?)new JsonObject
        {
            ["units"] = s.Units,
            ["cpuSeconds"] = Math.Round(s.CpuSeconds, 3),
            ["wallSeconds"] = Math.Round(s.WallSeconds, 3),
            ["cost"] = Math.Round(s.Cost, 6),
        }))),
        ["remote"] = new JsonObject
        {
            ["transcription"] = c.Transcription is { } t
                ? new JsonObject
                {
                    ["service"] = t.Service,
                    ["model"] = t.Model,
                    ["requests"] = t.Requests,
                    ["audioSeconds"] = t.AudioSeconds,
                    ["audioMinutes"] = Math.Round(t.AudioMinutes, 4),
                    ["cost"] = Math.Round(t.Cost, 6),
                }
                : null,
            ["llm"] = c.Ranking is { } l
                ? new JsonObject { ["model"] = l.Model, ["inputTokens"] = l.InputTokens, ["outputTokens"] = l.OutputTokens, ["cost"] = Math.Round(l.Cost, 6) }
                : null,
        },
        ["pricesAsOf"] = c.PricesAsOf,
    };

    private static JsonObject Delivery(Delivered x)
    {
        var o = new JsonObject { ["blob"] = x.Blob, ["url"] = x.Url };
        if (x.ExpiresAt is { } at)
        {
            o["expiresAt"] = at.ToString("O");
        }

        return o;
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
            .Append(clips.Count.ToString(inv)).Append(" clips");
        if (source["duration"] is { } duration)
        {
            b.Append(" · source ").Append(Esc(duration)).Append(" s");
        }

        if (source["site"] is { } site)
        {
            b.Append("<br>from <a href=\"").Append(Esc(site["url"])).Append("\">").Append(Esc(site["title"])).Append("</a>");
            if (site["uploader"] is { } uploader)
            {
                b.Append(" by ").Append(Esc(uploader));
            }

            b.Append(" (").Append(Esc(site["extractor"])).Append(' ').Append(Esc(site["id"])).Append(')');
        }

        b.Append("</p>");
        if (report["hook"] is { } hookTitle)
        {
            b.Append("<p class=\"hook\">hook title: each clip's title over its first ").Append(Esc(hookTitle["seconds"])).Append(" s</p>");
        }

        foreach (var w in report["warnings"]?.AsArray() ?? [])
        {
            b.Append("<p class=\"warning\" style=\"color:#ffb347\">warning: ").Append(Esc(w)).Append("</p>");
        }

        b.Append("<div class=\"clips\">");
        foreach (var c in clips)
        {
            var s = c!["scores"]!;
            b.Append("<div class=\"clip\"><video controls preload=\"none\" poster=\"").Append(Esc(c["thumbnail"]))
                .Append("\" src=\"").Append(Esc(c["video"])).Append("\"></video><div class=\"score\">").Append(Esc(c["score"]))
                .Append("</div><h2>#").Append(Esc(c["rank"])).Append(' ').Append(Esc(c["title"])).Append("</h2><p>")
                .Append(Esc(c["reason"])).Append("</p><p class=\"subs\">hook ").Append(Esc(s["hook"])).Append(" · completeness ")
                .Append(Esc(s["completeness"])).Append(" · density ").Append(Esc(s["density"])).Append(" · emotion ")
                .Append(Esc(s["emotion"])).Append("<br>").Append(Esc(c["start"])).Append('–').Append(Esc(c["end"])).Append(" s");
            if (c["crop"] is { } crop)
            {
                b.Append(" · crop ").Append(Esc(crop["method"]));
            }

            if (c["captionPreset"] is { } preset)
            {
                b.Append(" · captions ").Append(Esc(preset));
            }

            if (c["ratio"] is { } ratio)
            {
                b.Append(" · ").Append(Esc(ratio));
            }

            if (c["layout"] is { } layout)
            {
                b.Append(" · layout: ").Append(Esc(layout["layout"])).Append(", reason: ").Append(Esc(layout["reason"]));
                if (layout["shots"] is JsonArray { Count: > 1 } shots)
                {
                    // each shot's layout, when they are several
                    b.Append("</p><p class=\"shots\">shots: ").AppendJoin("; ", shots.Select(s => string.Create(CultureInfo.InvariantCulture,
                        $"{(double)s!["start"]!:0.0}–{(double)s["end"]!:0.0} s {Esc(s["layout"])} ({Esc(s["reason"])})")));
                }
            }

            b.Append("</p><p><a href=\"").Append(Esc(c["captions"]!["srt"]))
                .Append("\">SRT</a> · <a href=\"").Append(Esc(c["captions"]!["vtt"])).Append("\">VTT</a>");
            if (c["renditions"] is JsonArray renditions)
            {
                // the other ratios of the clip, beside its files
                b.Append(" · also ").AppendJoin(" · ", renditions.Select(r => $"<a href=\"{Esc(r!["video"])}\">{Esc(r["ratio"])}</a>"));
            }

            b.Append("</p></div>");
        }

        return b.Append("</div></body></html>\n").ToString();
    }
}
