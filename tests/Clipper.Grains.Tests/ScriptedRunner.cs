using System.Collections.Concurrent;
using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core.Errors;
using Clipper.Grains.Stages;
using ErrorCode = Clipper.Core.Errors.ErrorCode;

namespace Clipper.Grains.Tests;

/// <summary>
/// Stage work whose outcome the test decides, for tests of the job's orchestration in time (when each unit starts,
/// retries and reports). Everything else is real: grains, timers, reminders, storage. Fetch, transcribe and score
/// answer at once with a 120 s source and three clips; encode answers at once; each track attempt waits until the test
/// finishes or fails it. Split plans no chunks (the transcript comes whole).
/// </summary>
public sealed class ScriptedRunner : IStageRunner
{
    private readonly ConcurrentDictionary<(string Job, WorkId Unit), List<TaskCompletionSource<StageOutput>>> _starts = new();

    public bool Stopping => false;

    public async Task<StageOutput> RunAsync(StageWork work, IProgress<double> progress, CancellationToken cancel)
    {
        var attempt = new TaskCompletionSource<StageOutput>(TaskCreationOptions.RunContinuationsAsynchronously);
        var list = _starts.GetOrAdd((work.JobId, work.Unit), _ => []);
        lock (list)
        {
            list.Add(attempt);
        }

        var clip = work.Clip;
        switch (work.Stage)
        {
            case Stage.Fetch:
                return new SourceFetched(new SourceResult("sources/scripted.mp4", "scripted", "scripted.mp4", 120, 1920, 1080, 30, 1000, null));
            case Stage.Split:
                return new SpeechSplit(null);
            case Stage.Transcribe:
                return new Transcribed(new TranscriptResult("transcripts/scripted.json", 300, "scripted"));
            case Stage.Score:
                return new Scored([.. Enumerable.Range(1, 3).Select(i => new ClipPlan(i, 30 * i - 20, 30 * i, 50, 50, 50, 50, 50, "scripted", $"clip {i}"))]);
            case Stage.Encode:
                return new Encoded(new EncodeResult(clip!.Index, $"jobs/{work.JobId}/{clip.Stem}.mp4", "", "", "", clip.End - clip.Start));
            default:
                return await attempt.Task.WaitAsync(cancel);
        }
    }

    /// <summary>How many times the unit was started.</summary>
    public int Starts(string job, WorkId unit)
    {
        if (!_starts.TryGetValue((job, unit), out var list))
        {
            return 0;
        }

        lock (list)
        {
            return list.Count;
        }
    }

    /// <summary>Ends the unit's latest attempt with a transient failure (retried with backoff).</summary>
    public void Fail(string job, WorkId unit) =>
        Latest(job, unit).SetException(new ClipperException(ErrorCode.ToolFailed, $"scripted failure of {unit}"));

    /// <summary>Ends the track unit's latest attempt with a face-followed crop.</summary>
    public void Track(string job, WorkId unit) =>
        Latest(job, unit).SetResult(new Tracked(new TrackResult(unit.Index, $"jobs/{job}/crop/{unit}.json", "face", null)));

    private TaskCompletionSource<StageOutput> Latest(string job, WorkId unit)
    {
        var list = _starts[(job, unit)];
        lock (list)
        {
            return list[^1];
        }
    }
}
