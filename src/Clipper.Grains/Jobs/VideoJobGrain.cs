using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core.Errors;
using Clipper.Core.Storage;
using Clipper.Grains.Cost;
using Clipper.Grains.Stages;
using Clipper.Grains.Webhooks;
using Clipper.Grains.Work;
using Clipper.Stages.Fetch.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Clipper.Grains.Jobs;

/// <summary>
/// One video job: a thin shell around <see cref="JobPlan"/>. It keeps the state (written before dependent work
/// starts, so a reactivated job never redoes finished work), asks the plan what is ready, dispatches it to the stage
/// grains and records their reports (<see cref="JobReports"/>). One timer wakes it at the earliest due retry or
/// liveness check; an Orleans reminder, registered while the job is unfinished, is the durable backstop that
/// reactivates it after its silo died. Every handler is idempotent: duplicate ticks and late reports change nothing.
/// </summary>
public sealed class VideoJobGrain : Grain, IVideoJobGrain, IRemindable
{
    public const string ReminderName = "wake";

    private readonly IPersistentState<JobState> _state;
    private readonly JobOptions _options;
    private readonly ILogger<VideoJobGrain> _log;
    private readonly IClipperMetrics _metrics;
    private readonly IBlobStore _blobs;
    private readonly TimeProvider _clock;
    private readonly UnitDispatcher _units;
    private readonly JobIndexer _index;
    private readonly WakeTimer _timer;
    private readonly JobViewPublisher _views;
    private readonly JobWebhooks _webhooks;
    private readonly JobChoiceCheck _choices;
    private readonly IClusterMembershipService _membership;

    /// <summary>Whether this activation has registered the reminder (or found the job needs none).</summary>
    private bool _reminded;

    public VideoJobGrain([PersistentState("job", "jobs")] IPersistentState<JobState> state, IOptions<JobOptions> options,
        ILogger<VideoJobGrain> log, IClipperMetrics metrics, IBlobStore blobs, TimeProvider clock, IOptions<WebhookOptions> webhooks,
        JobChoiceCheck choices, IOptions<PriceOptions> prices, IClusterMembershipService membership)
    {
        _membership = membership;
        _choices = choices;
        _state = state;
        _options = options.Value;
        _log = log;
        _metrics = metrics;
        _blobs = blobs;
        _clock = clock;
        _index = new JobIndexer(GrainFactory, log);
        _units = new UnitDispatcher(GrainFactory, _options, log);
        _views = new JobViewPublisher(_options.WatcherExpiry, log, prices.Value);
        _webhooks = new JobWebhooks(GrainFactory, blobs, webhooks.Value.LinkExpiry, clock, log);
        _timer = new WakeTimer(due => this.RegisterGrainTimer(TickAsync,
            new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = true }), clock);
    }

    private string JobId => this.GetPrimaryKeyString();

    private JobState S => _state.State;

    private DateTimeOffset Now => _clock.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (JobStateUpgrade.Upgrade(S))
        {
            _log.LogInformation("job {Job}: state written by an earlier build moved to typed units", JobId);
            await _state.WriteStateAsync(cancellationToken);
        }

        Publish();
        if (S.IsSubmitted && !S.IsTerminal)
        {
            _log.LogInformation("job {Job} activated in {Status}; resuming", JobId, S.Status);
            _timer.Arm(Now);
        }

        // a status written before a silo died may never have reached the list, nor an event its outbox
        await _index.TellAsync(JobId, S);
        await _webhooks.TellAsync(JobId, S);
    }

    public async Task<JobView> Submit(JobSpec spec)
    {
        if (S.IsSubmitted)
        {
            return S.Spec == spec ? _views.View!
                : throw new ClipperException(ErrorCode.IdempotencyConflict, $"job {JobId} exists with another spec");
        }

        // a bad option reaches the caller as the ClipperException it is (see ClipperExceptionConverter)
        spec.Options.ToOptions().Validate();
        _choices.Check(spec.Options);

        S.Spec = spec;
        JobStatuses.Enter(S, JobStatus.Submitted, Now);
        S.SubmittedAt = S.StageStartedAt[JobStatus.Submitted.Key()];
        await SaveAsync();
        await RememberAsync();
        await StepAsync();
        return _views.View!;
    }

    public Task<JobView?> Get() => Task.FromResult(_views.View);

    public Task<JobView?> Subscribe(IJobObserver watcher) => Task.FromResult(_views.Subscribe(watcher));

    public Task Unsubscribe(IJobObserver watcher)
    {
        _views.Unsubscribe(watcher);
        return Task.CompletedTask;
    }

    public async Task<JobView?> Cancel()
    {
        if (S.IsSubmitted && !S.IsTerminal)
        {
            JobStatuses.Enter(S, JobStatus.Cancelled, Now);
            S.Error = new JobError(ErrorCode.Cancelled.Code(), "the job was cancelled", null);
            await SaveAsync();
            await FinishedAsync();
        }

        return _views.View;
    }

    public async Task Wake(string reason)
    {
        if (S.IsSubmitted && !S.IsTerminal && _units.InFlight.Count > 0)
        {
            _log.LogInformation("job {Job}: woken ({Reason}); checking {Count} unit(s) in flight", JobId, reason, _units.InFlight.Count);
            await CheckInFlightAsync();
            await StepAsync();
        }
    }

    public Task Progress(WorkId unit, string token, double fraction)
    {
        if (_units.InFlight.Report(unit, token, fraction))
        {
            Publish();
        }

        return Task.CompletedTask;
    }

    public async Task Report(StageReport report)
    {
        if (!S.IsSubmitted || S.IsTerminal)
        {
            return;
        }

        var unit = report.Unit;
        bool current = _units.InFlight.IsCurrent(unit, report.Token);
        if (report.Output is { } output)
        {
            if (current)
            {
                _units.InFlight.Remove(unit);
            }

            // a late answer from an earlier dispatch is still a valid result: keep it rather than redo the work
            if (JobReports.Succeeded(S, unit, output, report.Silo, report.Seconds, report.CpuSeconds))
            {
                await SaveAsync();
                if (output is SourceFetched)
                {
                    await JobUpload.ReleaseAsync(_blobs, JobId, S.Spec?.Input, _log);
                }
            }

            await StepAsync();
        }
        else if (current && report.Error is { } error)
        {
            _units.InFlight.Remove(unit);
            await FailedAsync(unit, error, report.Transient, report.CpuSeconds);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!S.IsSubmitted || S.IsTerminal)
        {
            await ForgetReminderAsync();
            return;
        }

        _reminded = true;
        await CheckInFlightAsync();
        await StepAsync();
    }

    private async Task TickAsync(CancellationToken cancel)
    {
        _timer.Fired();
        if (!_reminded && S.IsSubmitted && !S.IsTerminal)
        {
            await RememberAsync();
        }

        await CheckInFlightAsync();
        await StepAsync();
    }

    /// <summary>Moves the status to what the plan derives, dispatches what is ready and arms the timer for what is due next.</summary>
    private async Task StepAsync()
    {
        if (!S.IsSubmitted || S.IsTerminal)
        {
            return;
        }

        var active = _membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        var step = JobPlan.Next(S, _units.InFlight.Running, s => _options.For(s).InFlightLimit(active.Count), Now);
        if (step.Status != S.Status)
        {
            JobStatuses.Enter(S, step.Status, Now);
            await SaveAsync();
            if (step.Complete)
            {
                _log.LogInformation("job {Job} completed with {Clips} clips", JobId, S.Clips?.Count ?? 0);
                await FinishedAsync();
                return;
            }
        }

        foreach (var unit in step.Ready)
        {
            await _units.DispatchAsync(JobId, S, unit, Now, active);
        }

        var check = _units.InFlight.Count > 0 ? Now + _options.WatchInterval : (DateTimeOffset?)null;
        _timer.Arm(step.NextRetry is { } retry && (check is null || retry < check) ? retry : check);
    }

    /// <summary>Units past their stage timeout fail an attempt; units lost with their silo are dispatched again by the next step.</summary>
    private async Task CheckInFlightAsync()
    {
        foreach (var (unit, check) in await _units.CheckAsync(JobId, Now))
        {
            if (check == UnitCheck.TimedOut && !S.IsTerminal)
            {
                await FailedAsync(unit, new JobError(ErrorCode.StageTimeout.Code(), $"{unit} got no answer within its timeout", null), true);
            }
        }
    }

    private async Task FailedAsync(WorkId unit, JobError error, bool transient, double cpuSeconds = 0)
    {
        var retryAt = JobReports.Failed(S, unit, error, transient, _options.MaxAttempts,
            attempts => _options.RetryDelay(attempts, Random.Shared.NextDouble()), Now, cpuSeconds);
        await SaveAsync();
        if (retryAt is null)
        {
            _log.LogWarning("job {Job} failed: {Code}: {Message}", JobId, S.Error!.Code, S.Error.Message);
            await FinishedAsync(unit.Stage);
            return;
        }

        _metrics.Retried(unit.Stage, error.Code);
        _log.LogWarning("job {Job}: {Work} failed (attempt {Attempt}): {Code}: {Message}; retrying in {Delay:0.0} s",
            JobId, unit, S.Unit(unit)!.Attempts, error.Code, error.Message, (retryAt.Value - Now).TotalSeconds);
        await StepAsync();
    }

    /// <summary>Writes the state, then shows it to queries, tells the job list of a new status and the webhook outboxes of new events.</summary>
    private async Task SaveAsync()
    {
        await _state.WriteStateAsync();
        Publish();
        await _index.TellAsync(JobId, S);
        await _webhooks.TellAsync(JobId, S);
    }

    private void Publish() => _views.Publish(JobId, S, _units.InFlight.Progress, Now);

    /// <param name="failedBy">The stage of the unit whose failure ended the job, if one did.</param>
    private async Task FinishedAsync(Stage? failedBy = null)
    {
        await _units.StopAllAsync(JobId);
        Publish();
        _metrics.JobEnded(S.Status, S.Error?.Code, failedBy, ((S.FinishedAt ?? Now) - S.SubmittedAt).TotalSeconds);
        _timer.Dispose();
        await ForgetReminderAsync();
        await JobUpload.ReleaseAsync(_blobs, JobId, S.Spec?.Input, _log);
    }

    /// <summary>
    /// Registers the reminder that reactivates the job after its silo died. A reminder service still starting (a silo
    /// that just joined answers "still initializing" for up to 20 s) fails neither the submission nor the job, whose
    /// state is already written: the job runs, and each timer tick tries the registration again until it holds.
    /// </summary>
    private async Task RememberAsync()
    {
        try
        {
            await this.RegisterOrUpdateReminder(ReminderName, _options.ReminderPeriod, _options.ReminderPeriod);
            _reminded = true;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            _log.LogWarning("job {Job}: its reminder could not be registered yet ({Message}); the job runs and tries again at its next tick",
                JobId, e.Message);
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
}
