using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Clipper.Grains.Jobs;

/// <summary>
/// One video job. It drives the stage grains through fetch, transcribe, score, track and encode and writes
/// every result before the next stage starts, so a reactivated job never redoes finished work. Transient
/// failures are retried with exponential backoff (attempts and due times persisted); a grain timer waits out
/// the delay and watches work in flight, and an Orleans reminder, registered while the job is unfinished, is
/// the durable backstop that reactivates the job after its silo died. Every handler is idempotent: duplicate
/// ticks and late reports change nothing.
/// </summary>
public sealed class VideoJobGrain : Grain, IVideoJobGrain, IRemindable
{
    public const string ReminderName = "wake";

    private static readonly Dictionary<JobStatus, (double From, double To)> Span = new()
    {
        [JobStatus.Fetching] = (0, 5),
        [JobStatus.Transcribing] = (5, 30),
        [JobStatus.Scoring] = (30, 32),
        [JobStatus.Tracking] = (32, 50),
        [JobStatus.Encoding] = (50, 100),
    };

    private readonly IPersistentState<JobState> _state;
    private readonly JobOptions _options;
    private readonly ILogger<VideoJobGrain> _log;
    private readonly IClipperMetrics _metrics;
    private readonly Clipper.Core.Storage.IBlobStore _blobs;
    private JobStatus _indexed;

    /// <summary>Dispatched, unanswered work: work key → its token, stage and dispatch time. Not persisted.</summary>
    private readonly Dictionary<string, InFlight> _inFlight = [];
    private readonly Dictionary<string, double> _progress = [];

    /// <summary>The progress last shown, so a retried unit does not move it back (not persisted).</summary>
    private (JobStatus Status, double Stage, double Percent) _shown;

    /// <summary>Liveness checks in a row that got no answer, per unit in flight.</summary>
    private readonly Dictionary<string, int> _unknown = [];
    private const int UnknownLimit = 3;
    private IGrainTimer? _watch;
    private IGrainTimer? _retry;

    public VideoJobGrain([PersistentState("job", "jobs")] IPersistentState<JobState> state, IOptions<JobOptions> options,
        ILogger<VideoJobGrain> log, IClipperMetrics metrics, Clipper.Core.Storage.IBlobStore blobs)
    {
        _blobs = blobs;
        _state = state;
        _options = options.Value;
        _log = log;
        _metrics = metrics;
    }

    private string JobId => this.GetPrimaryKeyString();

    private JobState S => _state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.IsSubmitted && !S.IsTerminal)
        {
            _log.LogInformation("job {Job} activated in {Status}; resuming", JobId, S.Status);
            EnsureWatch(TimeSpan.Zero);
        }

        // a status put before a silo died may never have reached the index
        await IndexAsync();
    }

    public async Task<JobView> Submit(JobSpec spec)
    {
        if (S.IsSubmitted)
        {
            return S.Spec == spec ? View()
                : throw new ClipperException(ErrorCode.BadOption, $"job {JobId} exists with another spec");
        }

        // a bad option reaches the caller as the ClipperException it is (see ClipperExceptionConverter)
        spec.Options.ToOptions().Validate();

        S.Spec = spec;
        SetStatus(JobStatus.Submitted);
        S.SubmittedAt = S.StageStartedAt["submitted"];
        await SaveAsync();
        await this.RegisterOrUpdateReminder(ReminderName, _options.ReminderPeriod, _options.ReminderPeriod);
        EnsureWatch(TimeSpan.Zero);
        return View();
    }

    public Task<JobView?> Get() => Task.FromResult(S.IsSubmitted ? View() : null);

    public async Task<JobView?> Cancel()
    {
        if (!S.IsSubmitted)
        {
            return null;
        }

        if (!S.IsTerminal)
        {
            SetStatus(JobStatus.Cancelled);
            S.Error = new JobError(ErrorCode.Cancelled.Code(), "the job was cancelled", null);
            await SaveAsync();
            await StopInFlightAsync();
            await FinishedAsync();
        }

        return View();
    }

    public async Task Wake(string reason)
    {
        if (S.IsSubmitted && !S.IsTerminal && _inFlight.Count > 0)
        {
            _log.LogInformation("job {Job}: woken ({Reason}); checking {Count} unit(s) in flight", JobId, reason, _inFlight.Count);
            await WatchAsync(CancellationToken.None);
        }
    }

    public Task Progress(string workKey, string token, double fraction)
    {
        if (_inFlight.TryGetValue(workKey, out var f) && f.Token == token)
        {
            _progress[workKey] = Math.Max(fraction, _progress.GetValueOrDefault(workKey));
        }

        return Task.CompletedTask;
    }

    public async Task Report(StageReport report)
    {
        if (!S.IsSubmitted || S.IsTerminal)
        {
            return;
        }

        var key = report.WorkKey;
        bool current = _inFlight.TryGetValue(key, out var f) && f.Token == report.Token;
        if (report.Output is { } output)
        {
            if (current)
            {
                ClearInFlight(key);
            }

            // a late answer from an earlier dispatch is still a valid result: keep it rather than redo the work
            if (HasResult(output))
            {
                return;
            }

            Apply(output);
            S.WorkedOn[key] = report.Silo;
            S.WorkSeconds[key] = report.Seconds;
            S.RetryAt.Remove(key);
            await SaveAsync();
            if (output.Source is not null)
            {
                await ReleaseUploadAsync();
            }

            await AdvanceAsync();
            return;
        }

        if (!current || report.Error is null)
        {
            return;
        }

        ClearInFlight(key);
        await FailureAsync(key, report.Error, report.Transient);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!S.IsSubmitted || S.IsTerminal)
        {
            await ForgetReminderAsync();
            return;
        }

        EnsureWatch(TimeSpan.Zero);
    }

    /// <summary>Moves the job on: starts the next stage when this one is done, else dispatches missing work.</summary>
    private async Task AdvanceAsync()
    {
        while (S.IsSubmitted && !S.IsTerminal)
        {
            var missing = MissingWork();
            if (S.Status != JobStatus.Submitted && missing.Count > 0)
            {
                await DispatchMissingAsync(missing);
                return;
            }

            if (S.Status == JobStatus.Encoding)
            {
                SetStatus(JobStatus.Completed);
                await SaveAsync();
                _log.LogInformation("job {Job} completed with {Clips} clips", JobId, S.Clips?.Count ?? 0);
                await FinishedAsync();
                return;
            }

            SetStatus(S.Status.Next());
            await SaveAsync();
        }
    }

    private async Task DispatchMissingAsync(List<StageWork> missing)
    {
        var now = DateTimeOffset.UtcNow;
        var limit = Math.Max(1, _options.For(missing[0].Stage).MaxInFlightPerJob);
        foreach (var w in missing)
        {
            if (_inFlight.ContainsKey(w.WorkKey))
            {
                continue;
            }

            if (_inFlight.Count >= limit)
            {
                break;
            }

            if (S.RetryAt.TryGetValue(w.WorkKey, out var due) && due > now)
            {
                ScheduleRetry(due - now);
                continue;
            }

            var token = Guid.NewGuid().ToString("N");
            _inFlight[w.WorkKey] = new InFlight(token, w.Stage, now);
            _progress[w.WorkKey] = 0;
            try
            {
                await StageGrain(w.Stage, w.WorkKey).Start(w, token);
                _log.LogInformation("job {Job}: {Work} dispatched (token {Token})", JobId, w.WorkKey, token[..8]);
            }
            catch (Exception e)
            {
                // the silo chosen for it went away between placement and the call: the watch re-dispatches
                _log.LogWarning("job {Job}: could not hand {Work} over: {Message}", JobId, w.WorkKey, e.Message);
                ClearInFlight(w.WorkKey);
            }
        }

        EnsureWatch(_options.WatchInterval);
    }

    /// <summary>The current stage's units of work that have no result yet.</summary>
    private List<StageWork> MissingWork()
    {
        var spec = S.Spec!;
        var output = new List<StageWork>();
        StageWork Unit(Stage stage, string key, ClipPlan? clip = null, TrackResult? crop = null) =>
            new(JobId, stage, key, spec, S.Source, S.Transcript, clip, crop);
        switch (S.Status)
        {
            case JobStatus.Fetching when S.Source is null:
                output.Add(Unit(Stage.Fetch, "fetch"));
                break;
            case JobStatus.Transcribing when S.Transcript is null:
                output.Add(Unit(Stage.Transcribe, "transcribe"));
                break;
            case JobStatus.Scoring when S.Clips is null:
                output.Add(Unit(Stage.Score, "score"));
                break;
            case JobStatus.Tracking:
                output.AddRange(S.Clips!.Where(c => !S.Tracked.ContainsKey(c.Index))
                    .Select(c => Unit(Stage.Track, $"track-{c.Index}", c)));
                break;
            case JobStatus.Encoding:
                output.AddRange(S.Clips!.Where(c => !S.Encoded.ContainsKey(c.Index))
                    .Select(c => Unit(Stage.Encode, $"encode-{c.Index}", c, S.Tracked[c.Index])));
                break;
        }

        return output;
    }

    private IStageGrain StageGrain(Stage stage, string workKey)
    {
        var key = $"{JobId}/{workKey}";
        return stage is Stage.Track or Stage.Encode
            ? GrainFactory.GetGrain<ISpreadStageGrain>(key)
            : GrainFactory.GetGrain<ILocalStageGrain>(key);
    }

    /// <summary>
    /// The watch: retries whose wait is over, units past their stage timeout, and units whose silo is gone
    /// (a fresh activation of their stage grain does not know their token: membership declared the old one dead).
    /// </summary>
    private async Task WatchAsync(CancellationToken cancel)
    {
        if (!S.IsSubmitted || S.IsTerminal)
        {
            StopWatch();
            return;
        }

        var now = DateTimeOffset.UtcNow;
        foreach (var (key, f) in _inFlight.ToList())
        {
            if (now - f.Since > _options.For(f.Stage).Timeout)
            {
                ClearInFlight(key);
                await TryStopAsync(f.Stage, key);
                await FailureAsync(key, new JobError(ErrorCode.StageTimeout.Code(), $"{key} got no answer within its timeout", null), true);
                if (S.IsTerminal)
                {
                    return;
                }

                continue;
            }

            bool alive;
            try
            {
                alive = await StageGrain(f.Stage, key).IsRunning(f.Token);
                _unknown.Remove(key);
            }
            catch (Exception e)
            {
                // a unit that cannot be asked several times running is taken for lost: running it twice costs
                // time, while waiting for its stage timeout could cost an hour (a late answer is still accepted)
                var times = _unknown[key] = _unknown.GetValueOrDefault(key) + 1;
                _log.LogWarning("job {Job}: liveness of {Work} unknown ({Times} time(s)): {Message}", JobId, key, times, e.Message);
                if (times < UnknownLimit)
                {
                    continue;
                }

                alive = false;
            }

            if (!alive && _inFlight.TryGetValue(key, out var still) && still.Token == f.Token)
            {
                _log.LogWarning("job {Job}: {Work} was lost with its silo after {Seconds:0.0} s; dispatching it again",
                    JobId, key, (now - f.Since).TotalSeconds);
                ClearInFlight(key);
            }
        }

        await AdvanceAsync();
    }

    private async Task FailureAsync(string key, JobError error, bool transient)
    {
        var attempt = S.Attempts.GetValueOrDefault(key) + 1;
        S.Attempts[key] = attempt;
        S.LastErrors[key] = error;
        if (!transient || attempt >= _options.MaxAttempts)
        {
            var message = transient ? $"{error.Message} (gave up after {attempt} attempts)" : error.Message;
            SetStatus(JobStatus.Failed);
            S.Error = error with { Message = message };
            S.RetryAt.Clear();
            await SaveAsync();
            _log.LogWarning("job {Job} failed: {Code}: {Message}", JobId, error.Code, message);
            await StopInFlightAsync();
            await FinishedAsync();
            return;
        }

        _metrics.Retried(StageOf(key), error.Code);
        var delay = _options.RetryDelay(attempt, Random.Shared.NextDouble());
        S.RetryAt[key] = DateTimeOffset.UtcNow + delay;
        await SaveAsync();
        _log.LogWarning("job {Job}: {Work} failed (attempt {Attempt}): {Code}: {Message}; retrying in {Delay:0.0} s",
            JobId, key, attempt, error.Code, error.Message, delay.TotalSeconds);
        ScheduleRetry(delay);
    }

    private bool HasResult(StageOutput o) =>
        (o.Source is not null && S.Source is not null)
        || (o.Transcript is not null && S.Transcript is not null)
        || (o.Clips is not null && S.Clips is not null)
        || (o.Tracked is { } t && S.Tracked.ContainsKey(t.ClipIndex))
        || (o.Encoded is { } e && S.Encoded.ContainsKey(e.ClipIndex));

    private void Apply(StageOutput o)
    {
        if (o.Source is not null)
        {
            S.Source = o.Source;
        }
        else if (o.Transcript is not null)
        {
            S.Transcript = o.Transcript;
        }
        else if (o.Clips is not null)
        {
            S.Clips = o.Clips.ToList();
        }
        else if (o.Tracked is { } t)
        {
            S.Tracked[t.ClipIndex] = t;
        }
        else if (o.Encoded is { } e)
        {
            S.Encoded[e.ClipIndex] = e;
        }
    }

    /// <summary>Writes the state, then tells the job list when the status changed (the list may lag, never lead).</summary>
    private async Task SaveAsync()
    {
        await _state.WriteStateAsync();
        await IndexAsync();
    }

    private async Task IndexAsync()
    {
        if (!S.IsSubmitted || S.Status == _indexed)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IJobIndexGrain>(0).Put(new JobSummary(JobId, S.Status, S.SubmittedAt));
            _indexed = S.Status;
        }
        catch (Exception e)
        {
            _log.LogWarning("job {Job}: the job list was not told of {Status}: {Message}", JobId, S.Status, e.Message);
        }
    }

    private void SetStatus(JobStatus status)
    {
        S.Status = status;
        var now = DateTimeOffset.UtcNow;
        S.StageStartedAt[status.ToString().ToLowerInvariant()] = now;
        if (status.IsTerminal())
        {
            S.FinishedAt = now;
        }
    }

    private void ClearInFlight(string key)
    {
        _inFlight.Remove(key);
        _progress.Remove(key);
        _unknown.Remove(key);
    }

    private async Task StopInFlightAsync()
    {
        foreach (var (key, f) in _inFlight.ToList())
        {
            await TryStopAsync(f.Stage, key);
        }

        _inFlight.Clear();
        _progress.Clear();
        _unknown.Clear();
    }

    /// <summary>Stops a unit where it runs; a silo that is gone has stopped it already.</summary>
    private async Task TryStopAsync(Stage stage, string key)
    {
        try
        {
            await StageGrain(stage, key).Stop();
        }
        catch (Exception e)
        {
            _log.LogDebug("job {Job}: could not stop {Work}: {Message}", JobId, key, e.Message);
        }
    }

    private async Task FinishedAsync()
    {
        _metrics.JobEnded(S.Status, S.Error?.Code);
        StopWatch();
        await ForgetReminderAsync();
        await ReleaseUploadAsync();
    }

    /// <summary>
    /// An upload shared through blob storage ("blob:uploads/…") is deleted once the job's source is stored (its
    /// state written first) or the job ended: whichever gateway took the upload may be gone by then.
    /// </summary>
    private async Task ReleaseUploadAsync()
    {
        var input = S.Spec?.Input ?? "";
        if (!input.StartsWith(Clipper.Stages.Fetch.Fetcher.UploadPrefix + "uploads/", StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            await _blobs.DeleteAsync(input[Clipper.Stages.Fetch.Fetcher.UploadPrefix.Length..]);
        }
        catch (Exception e)
        {
            _log.LogWarning("job {Job}: could not delete its upload {Input}: {Message}", JobId, input, e.Message);
        }
    }

    private async Task ForgetReminderAsync()
    {
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void EnsureWatch(TimeSpan due)
    {
        var period = _options.WatchInterval;
        if (_watch is null)
        {
            _watch = this.RegisterGrainTimer(WatchAsync, new GrainTimerCreationOptions(due, period) { KeepAlive = true });
        }
    }

    /// <summary>A one-shot timer at the moment a retry is due (the watch's period is too coarse for the backoff).</summary>
    private void ScheduleRetry(TimeSpan due)
    {
        _retry?.Dispose();
        _retry = this.RegisterGrainTimer(WatchAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private void StopWatch()
    {
        _watch?.Dispose();
        _watch = null;
        _retry?.Dispose();
        _retry = null;
    }

    private JobView View()
    {
        double stage = 0, percent = 0;
        if (S.Status == JobStatus.Completed)
        {
            stage = percent = 100;
        }
        else if (Span.TryGetValue(S.Status, out var span))
        {
            double fraction = StageFraction();
            stage = 100 * fraction;
            percent = span.From + (span.To - span.From) * fraction;

            // a unit that fails and is tried again starts from 0: what a watcher was shown does not go back
            if (_shown.Status == S.Status)
            {
                stage = Math.Max(stage, _shown.Stage);
                percent = Math.Max(percent, _shown.Percent);
            }

            _shown = (S.Status, stage, percent);
        }

        return new JobView(JobId, S.Status, S.Spec, stage, percent, S.Source, S.Transcript,
            (IReadOnlyList<ClipPlan>?)S.Clips?.ToList() ?? [], new Dictionary<int, TrackResult>(S.Tracked),
            new Dictionary<int, EncodeResult>(S.Encoded), new Dictionary<string, string>(S.WorkedOn),
            new Dictionary<string, int>(S.Attempts), S.Error, S.SubmittedAt, S.FinishedAt,
            new Dictionary<string, DateTimeOffset>(S.StageStartedAt), new Dictionary<string, double>(S.WorkSeconds),
            new Dictionary<string, JobError>(S.LastErrors));
    }

    private double StageFraction()
    {
        double inFlight = _progress.Values.Sum();
        int clips = S.Clips?.Count ?? 0;
        return S.Status switch
        {
            JobStatus.Tracking => clips == 0 ? 0 : Math.Min(1, (S.Tracked.Count + inFlight) / clips),
            JobStatus.Encoding => clips == 0 ? 0 : Math.Min(1, (S.Encoded.Count + inFlight) / clips),
            _ => Math.Min(1, inFlight),
        };
    }

    /// <summary>The stage of a work key ("fetch", "track-3").</summary>
    private static Stage StageOf(string workKey) =>
        Enum.Parse<Stage>(workKey.Split('-')[0], ignoreCase: true);

    private sealed record InFlight(string Token, Stage Stage, DateTimeOffset Since);
}
