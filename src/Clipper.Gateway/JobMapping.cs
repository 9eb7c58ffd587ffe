using Clipper.Abstractions.Jobs;
using Clipper.Core.Crop;
using Clipper.Gateway.V1;
using JobState = Clipper.Gateway.V1.JobState;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Gateway;

/// <summary>From the grains' records to the API's messages.</summary>
public static class JobMapping
{
    public static JobState StateOf(JobStatus s) => s switch
    {
        JobStatus.Submitted => JobState.Submitted,
        JobStatus.Completed => JobState.Completed,
        JobStatus.Failed => JobState.Failed,
        JobStatus.Cancelled => JobState.Cancelled,
        JobStatus.None => JobState.Unspecified,
        _ => JobState.Running,
    };

    /// <summary>The statuses a listed state stands for (none: every status).</summary>
    public static IReadOnlyList<JobStatus> StatusesOf(JobState s) => s switch
    {
        JobState.Submitted => [JobStatus.Submitted],
        JobState.Running => [JobStatus.Fetching, JobStatus.Transcribing, JobStatus.Scoring, JobStatus.Tracking, JobStatus.Encoding],
        JobState.Completed => [JobStatus.Completed],
        JobState.Failed => [JobStatus.Failed],
        JobState.Cancelled => [JobStatus.Cancelled],
        _ => [],
    };

    public static V1.Stage StageOf(JobStatus s) => s switch
    {
        JobStatus.Fetching => V1.Stage.Fetching,
        JobStatus.Transcribing => V1.Stage.Transcribing,
        JobStatus.Scoring => V1.Stage.Scoring,
        JobStatus.Tracking => V1.Stage.Tracking,
        JobStatus.Encoding => V1.Stage.Encoding,
        _ => V1.Stage.Unspecified,
    };

    public static Job ToJob(JobView v, ArtifactLinks links)
    {
        var job = new Job
        {
            JobId = v.JobId,
            State = StateOf(v.Status),
            Stage = StageOf(v.Status),
            Percent = Math.Round(v.Percent, 1),
            StagePercent = Math.Round(v.StagePercent, 1),
            ErrorCode = v.Error?.Code ?? "",
            ErrorMessage = v.Error?.Message ?? "",
            Source = v.Source?.DisplayName ?? Path.GetFileName(v.Spec?.Input ?? ""),
            SubmittedAtUnixMs = v.SubmittedAt.ToUnixTimeMilliseconds(),
            FinishedAtUnixMs = v.FinishedAt?.ToUnixTimeMilliseconds() ?? 0,
            UnitsDone = v.Work?.UnitsDone ?? 0,
            UnitsTotal = v.Work?.UnitsTotal ?? 0,
        };
        if (v.Work?.SecondsLeft is { } left)
        {
            job.SecondsLeft = left;
        }

        foreach (var (unit, fraction) in v.Running ?? new Dictionary<string, double>())
        {
            job.Running[unit] = fraction;
        }

        if (v.AudioFirst is { } ahead)
        {
            job.AudioFirst = new AudioFirst { Taken = ahead.Audio is not null, Reason = ahead.Reason ?? "", AudioBytes = ahead.Audio?.SizeBytes ?? 0 };
        }

        if (v.Transcript is { } transcript)
        {
            job.Language = transcript.Language ?? "";
            job.Warnings.Add(transcript.Warnings ?? []);
        }

        if (v.Source?.Site is { } site)
        {
            job.SourceInfo = new SourceInfo
            {
                Extractor = site.Extractor,
                VideoId = site.VideoId,
                Title = site.Title,
                Uploader = site.Uploader ?? "",
                Duration = site.Duration ?? 0,
                PageUrl = site.PageUrl,
            };
        }

        if (v.Spec is { } spec)
        {
            job.Options = new ClipOptions
            {
                MaxClips = spec.Options.MaxClips,
                MinSeconds = spec.Options.MinSeconds,
                MaxSeconds = spec.Options.MaxSeconds,
                Width = spec.Options.Width,
                Height = spec.Options.Height,
                Asr = spec.Options.Asr ?? "",
                Rank = spec.Options.Rank ?? "",
                Language = spec.Options.Language ?? "",
                Captions = spec.Options.Captions ?? "",
                Ratio = string.Join(',', [global::Clipper.Core.Clips.AspectRatio.NameOf(spec.Options.Width, spec.Options.Height),
                    .. spec.Options.Renditions().Select(r => r.Ratio())]),
                Layout = spec.Options.Layout ?? "",
                HookSeconds = spec.Options.HookTitle ?? 0,
            };
        }

        if (v.Ranking is { } r)
        {
            job.Ranking = new Ranking
            {
                Method = r.Method,
                Outcome = r.Outcome,
                Detail = r.Detail ?? "",
                Model = r.Model ?? "",
                Scorer = r.Scorer ?? "",
                PromptHash = r.PromptHash ?? "",
                AuditUrl = r.AuditKey is null ? "" : $"/api/jobs/{Uri.EscapeDataString(v.JobId)}/ranking",
                InputTokens = r.InputTokens,
                OutputTokens = r.OutputTokens,
                CostUsd = r.CostUsd,
                PricesAsOf = r.PricesAsOf ?? "",
            };
        }

        if (v.Cost is { } cost)
        {
            job.Cost = CostOf(cost);
        }

        foreach (var c in v.Clips)
        {
            var clip = new Clip
            {
                Rank = c.Index,
                Start = Math.Round(c.Start, 3),
                End = Math.Round(c.End, 3),
                Score = c.Score,
                Scores = new Scores { Hook = c.Hook, Completeness = c.Completeness, Density = c.Density, Emotion = c.Emotion },
                Reason = c.Reason,
                Title = c.Title,
                Description = c.Description,
                RankedBy = c.RankedBy,
                HeuristicScore = c.HeuristicScore,
                HeuristicReason = c.HeuristicReason,
                LlmScore = c.LlmScore,
                LlmScores = c.LlmHook < 0 ? null : new LlmScores { Hook = c.LlmHook, Payoff = c.LlmPayoff, Clarity = c.LlmClarity, Shareability = c.LlmShareability },
            };
            clip.Hashtags.AddRange(c.Tags());
            if (v.Spec is { } clipSpec)
            {
                clip.Ratio = global::Clipper.Core.Clips.AspectRatio.NameOf(clipSpec.Options.Width, clipSpec.Options.Height);
            }

            if (v.Tracked.TryGetValue(c.Index, out var t))
            {
                clip.Layout = t.Layout ?? ClipLayouts.Single;
                clip.LayoutReason = t.LayoutReason ?? "";
                clip.Shots.AddRange((t.Shots ?? []).Select(s => new V1.ShotLayout { Start = s.Start, End = s.End, Layout = s.Layout, Reason = s.Reason }));
            }

            foreach (var size in v.Spec?.Options.Renditions() ?? [])
            {
                var rendition = new Rendition { Ratio = size.Ratio(), Width = size.Width, Height = size.Height };
                if (v.Tracked.TryGetValue(c.Index, out var tr) && tr.Renditions?.FirstOrDefault(r => r.Width == size.Width && r.Height == size.Height) is { } tracked)
                {
                    rendition.Layout = tracked.Layout;
                }

                if (v.Encoded.TryGetValue(c.Index, out var en) && en.Renditions?.FirstOrDefault(r => r.Width == size.Width && r.Height == size.Height) is { } encoded)
                {
                    rendition.Video = links.Link(encoded.VideoKey);
                    rendition.Thumbnail = links.Link(encoded.ThumbnailKey);
                    rendition.Layout = encoded.Layout;
                }

                clip.Renditions.Add(rendition);
            }

            if (v.Encoded.TryGetValue(c.Index, out var e))
            {
                clip.Finished = true;
                clip.Video = links.Link(e.VideoKey);
                clip.Thumbnail = links.Link(e.ThumbnailKey);
                clip.Srt = links.Link(e.SrtKey);
                clip.Vtt = links.Link(e.VttKey);
                clip.Captions = e.Captions ?? "";
            }

            job.Clips.Add(clip);
        }

        return job;
    }

    public static V1.JobCost CostOf(Clipper.Abstractions.Jobs.JobCost c)
    {
        var cost = new V1.JobCost { Total = c.Total, Currency = c.Currency, PricesAsOf = c.PricesAsOf };
        cost.Stages.AddRange(c.Stages.Select(s => new V1.StageCost
        {
            Stage = s.Stage,
            Units = s.Units,
            CpuSeconds = s.CpuSeconds,
            WallSeconds = s.WallSeconds,
            Cost = s.Cost,
        }));
        if (c.Transcription is { } t)
        {
            cost.Transcription = new TranscriptionCost
            {
                Service = t.Service,
                Model = t.Model,
                Requests = t.Requests,
                AudioSeconds = t.AudioSeconds,
                AudioMinutes = t.AudioMinutes,
                Cost = t.Cost,
            };
        }

        if (c.Ranking is { } r)
        {
            cost.Ranking = new RankingCost { Model = r.Model, InputTokens = r.InputTokens, OutputTokens = r.OutputTokens, Cost = r.Cost };
        }

        return cost;
    }

    /// <summary>From the API's message back to the record (the CLI's report of a job followed through the API).</summary>
    public static Clipper.Abstractions.Jobs.JobCost FromMessage(V1.JobCost c) => new(
        [.. c.Stages.Select(s => new Clipper.Abstractions.Jobs.StageCost(s.Stage, s.Units, s.CpuSeconds, s.WallSeconds, s.Cost))],
        c.Transcription is { } t ? new RemoteAsrCost(t.Service, t.Model, t.Requests, t.AudioSeconds, t.Cost) : null,
        c.Ranking is { } r ? new LlmCost(r.Model, r.InputTokens, r.OutputTokens, r.Cost) : null,
        c.Total, c.Currency, c.PricesAsOf);

    /// <summary>A page of the job list with each job's view (a job that vanished meanwhile is left out).</summary>
    public static async Task<(IReadOnlyList<JobView> Views, string? Next)> ListAsync(IGrainFactory grains, int size, string? after,
        IReadOnlyList<JobStatus> statuses)
    {
        var page = await grains.GetGrain<IJobIndexGrain>(0).List(size, after, statuses);
        var views = await Task.WhenAll(page.Jobs.Select(j => grains.GetGrain<IVideoJobGrain>(j.JobId).Get()));
        return (views.OfType<JobView>().ToList(), page.Next);
    }
}
