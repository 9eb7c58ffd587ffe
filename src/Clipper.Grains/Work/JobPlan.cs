using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;

namespace Clipper.Grains.Work;

/// <summary>What the plan says of a job at one moment.</summary>
/// <param name="Ready">Units to dispatch now: not done, inputs present, not running, not backing off, within the per-job limits.</param>
/// <param name="BackingOff">Units waiting out a retry delay, with the time each may run again.</param>
/// <param name="Status">The status users see, derived from which units are done.</param>
/// <param name="NextRetry">The earliest time a unit backing off may run, or null.</param>
public sealed record PlanStep(IReadOnlyList<WorkId> Ready, IReadOnlyDictionary<WorkId, DateTimeOffset> BackingOff,
    JobStatus Status, DateTimeOffset? NextRetry)
{
    public bool Complete => Status == JobStatus.Completed;
}

/// <summary>
/// The job as a graph of typed units: fetch → split → transcribe(chunk k) → transcribe → score → track(clip i) →
/// encode(clip i). Split cuts the audio in its pauses; each chunk is recognised by a unit of its own, spread over the
/// silos like the clips; the transcribe unit stitches them (or, when split planned no chunks, makes the transcript
/// whole). A link has a fetch-audio unit beside the fetch: when it brings the site's audio stream ahead of the video,
/// split and the chunks run on that while the fetch still downloads; the transcribe unit, score and the clips' units
/// wait for the fetched source. A unit is ready when its inputs exist, not when a phase ends, so a clip encodes as soon as its own track
/// lands. Pure: no Orleans, no clock, no I/O; the job grain asks it and does what it says.
/// </summary>
public static class JobPlan
{
    /// <summary>Every unit the job has now, in graph order (the per-clip units appear once scoring chose the clips).</summary>
    public static IEnumerable<WorkId> Units(JobState s)
    {
        if (HasAudioAhead(s))
        {
            yield return WorkId.FetchAudio;
        }

        yield return WorkId.Fetch;
        yield return WorkId.Split;
        foreach (var c in s.Split?.Plan?.Chunks ?? [])
        {
            yield return WorkId.Chunk(c.Index);
        }

        yield return WorkId.Transcribe;
        yield return WorkId.Score;
        foreach (var c in s.Clips ?? [])
        {
            yield return WorkId.Track(c.Index);
        }

        foreach (var c in s.Clips ?? [])
        {
            yield return WorkId.Encode(c.Index);
        }
    }

    /// <summary>Whether the job has a fetch-audio unit: its input is an http(s) link (the unit says whether it is to a page).</summary>
    public static bool HasAudioAhead(JobState s) =>
        s.Spec?.Input is { } input && (input.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || input.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    public static bool IsDone(JobState s, WorkId u) => u.Stage switch
    {
        // once the source is there, its own audio serves: an audio still on its way is of no use
        Stage.FetchAudio => s.AudioFirst is not null || s.Source is not null,
        Stage.Fetch => s.Source is not null,
        // a job transcribed before the split unit existed has its transcript and needs no split
        Stage.Split => s.Split is not null || s.Transcript is not null,
        Stage.Transcribe when u.IsChunk => s.Transcript is not null || s.Chunks.ContainsKey(u.Index),
        Stage.Transcribe => s.Transcript is not null,
        Stage.Score => s.Clips is not null,
        Stage.Track => s.Tracked.ContainsKey(u.Index),
        _ => s.Encoded.ContainsKey(u.Index),
    };

    /// <summary>Whether everything the unit reads exists.</summary>
    public static bool InputsReady(JobState s, WorkId u) => u.Stage switch
    {
        Stage.Fetch or Stage.FetchAudio => true,
        Stage.Split => s.Source is not null || s.AudioFirst?.Audio is not null,
        Stage.Transcribe when u.IsChunk => (s.Source is not null || s.AudioFirst?.Audio is not null) && s.Split?.Plan is not null,
        Stage.Transcribe => s.Source is not null && s.Split is { } split
            && (split.Plan?.Chunks.All(c => s.Chunks.ContainsKey(c.Index)) ?? true),
        Stage.Score => s.Source is not null && s.Transcript is not null,
        Stage.Track => s.Source is not null && Clip(s, u.Index) is not null,
        _ => s.Source is not null && s.Transcript is not null && Clip(s, u.Index) is not null && s.Tracked.ContainsKey(u.Index),
    };

    /// <summary>
    /// The status shown: the first stage with a unit not done (Completed when none is left). A terminal status that
    /// was set (failed, cancelled) stays; nothing submitted stays None.
    /// </summary>
    public static JobStatus StatusOf(JobState s)
    {
        if (!s.IsSubmitted || s.Status.IsTerminal())
        {
            return s.Status;
        }

        foreach (var u in Units(s))
        {
            if (!IsDone(s, u))
            {
                return StageInfo.Of(u.Stage).Status;
            }
        }

        return JobStatus.Completed;
    }

    /// <param name="running">Units dispatched and not yet answered.</param>
    /// <param name="maxInFlight">How many units of a stage one job may have running at once.</param>
    public static PlanStep Next(JobState s, IReadOnlyCollection<WorkId> running, Func<Stage, int> maxInFlight, DateTimeOffset now)
    {
        var status = StatusOf(s);
        var ready = new List<WorkId>();
        var backingOff = new Dictionary<WorkId, DateTimeOffset>();
        if (status.IsTerminal() || !s.IsSubmitted)
        {
            return new PlanStep(ready, backingOff, status, null);
        }

        var busy = running.GroupBy(u => u.Stage).ToDictionary(g => g.Key, g => g.Count());
        foreach (var u in Units(s))
        {
            if (IsDone(s, u) || running.Contains(u) || !InputsReady(s, u))
            {
                continue;
            }

            if (s.Unit(u)?.RetryAt is { } due && due > now)
            {
                backingOff[u] = due;
                continue;
            }

            var n = busy.GetValueOrDefault(u.Stage);
            if (n >= Math.Max(1, maxInFlight(u.Stage)))
            {
                continue;
            }

            busy[u.Stage] = n + 1;
            ready.Add(u);
        }

        DateTimeOffset? next = backingOff.Count == 0 ? null : backingOff.Values.Min();
        return new PlanStep(ready, backingOff, status, next);
    }

    /// <summary>What the unit's stage needs, from the job's results.</summary>
    public static StageWork WorkFor(string jobId, JobState s, WorkId u)
    {
        var clip = u.Stage is Stage.Track or Stage.Encode ? Clip(s, u.Index) : null;
        var crop = u.Stage == Stage.Encode ? s.Tracked.GetValueOrDefault(u.Index) : null;
        var speech = u.Stage == Stage.Transcribe ? s.Split?.Plan : null;
        IReadOnlyList<ChunkResult>? chunks = u == WorkId.Transcribe && speech is not null
            ? speech.Chunks.Select(c => s.Chunks[c.Index]).ToList()
            : null;
        var audio = u.Stage is Stage.Split or Stage.Transcribe ? s.AudioFirst?.Audio : null;
        return new StageWork(jobId, u, s.Spec!, s.Source, s.Transcript, clip, crop, speech, chunks, audio);
    }

    /// <summary>
    /// Records a unit's output. False, changing nothing, when the unit already has a result (a late or repeated
    /// answer) or the output is not the unit's stage's.
    /// </summary>
    public static bool Apply(JobState s, WorkId u, StageOutput output)
    {
        if (IsDone(s, u) || output.GetType() != StageInfo.OutputOf(u))
        {
            return false;
        }

        switch (output)
        {
            case AudioFetched a:
                s.AudioFirst = a;
                break;
            case SourceFetched f:
                s.Source = f.Source;
                break;
            case SpeechSplit p:
                s.Split = p;
                break;
            case ChunkTranscribed c when c.Chunk.Index == u.Index:
                s.Chunks[u.Index] = c.Chunk;
                break;
            case Transcribed t:
                s.Transcript = t.Transcript;
                break;
            case Scored c:
                s.Clips = c.Clips.ToList();
                s.Ranking = c.Ranking;
                break;
            case Tracked t when t.Track.ClipIndex == u.Index:
                s.Tracked[u.Index] = t.Track;
                break;
            case Encoded e when e.Clip.ClipIndex == u.Index:
                s.Encoded[u.Index] = e.Clip;
                break;
            default:
                return false;
        }

        return true;
    }

    /// <summary>
    /// The job's record of a recogniser's plan, chunks numbered from 1. A List, not a collection expression's hidden
    /// type: grain storage's JSON names the type of what it stores and reads back only types it knows.
    /// </summary>
    public static SpeechPlan Speech(Clipper.Stages.Transcribe.ChunkPlan p, double overlap, string variant, string? audioKey = null,
        string? sha256 = null) =>
        new(p.Chunks.Select((c, i) => new SpeechChunk(i + 1, c.Start, c.End)).ToList(), overlap, p.NoiseFloorDb, variant, audioKey, sha256);

    private static ClipPlan? Clip(JobState s, int index) => s.Clips?.Find(c => c.Index == index);
}
