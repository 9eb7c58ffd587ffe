using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Core.Errors;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Runtime;

namespace Clipper.Grains.Stages;

/// <summary>
/// One unit of stage work ("jobId/workKey"). No persisted state: Start hands the work to the silo's
/// <see cref="StageExecutor"/> on the thread pool and returns; the outcome is reported to the job grain.
/// The activation stays alive while the work runs, so Stop and IsRunning reach the silo that runs it.
/// </summary>
[Reentrant]
public abstract class StageGrain : Grain, IStageGrain
{
    /// <summary>How long a finished unit remembers its token, so a job's liveness check does not mistake it for lost.</summary>
    private static readonly TimeSpan RememberFinished = TimeSpan.FromMinutes(5);

    private readonly StageExecutor _executor;
    private readonly ILocalSiloDetails _silo;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private string? _token;
    private string? _finishedToken;
    private StageReport? _finished;
    private Task? _running;
    private CancellationTokenSource? _cancel;
    private IGrainTimer? _reaper;
    private static readonly TimeSpan ReapEvery = TimeSpan.FromSeconds(20);

    /// <summary>The silo's grain factory: unlike the grain's own, it may be used from the thread pool.</summary>
    private readonly IGrainFactory _grains;

    protected StageGrain(StageExecutor executor, ILocalSiloDetails silo, IGrainFactory grains, ILogger log)
    {
        _executor = executor;
        _grains = grains;
        _silo = silo;
        _log = log;
    }

    public Task Start(StageWork work, string token)
    {
        lock (_gate)
        {
            if (_running is { IsCompleted: false })
            {
                // the job was re-driven while this unit runs: report under the newest token, run it once;
                // a run being stopped reports nothing, so IsRunning says no and the job dispatches it again
                if (_cancel is { IsCancellationRequested: false })
                {
                    _token = token;
                }

                return Task.CompletedTask;
            }

            if (_finished is { Output: not null })
            {
                // finished before the job heard of it (a lost report or a restarted job): say it again;
                // a failed unit runs again instead, since the job asks only to retry it
                var again = _finished with { Token = token };
                _finishedToken = token;
                _ = SendAsync(work.JobId, again);
                return Task.CompletedTask;
            }

            _finished = null;
            _finishedToken = null;

            _token = token;
            _cancel = new CancellationTokenSource();
            // alive while it runs; a timer on the grain's own context lets it go some minutes after the end
            DelayDeactivation(TimeSpan.FromDays(1));
            _reaper ??= this.RegisterGrainTimer(ReapAsync, new GrainTimerCreationOptions(ReapEvery, ReapEvery) { Interleave = true });
            var ct = _cancel.Token;
            _running = Task.Run(() => RunAsync(work, ct), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public Task<bool> IsRunning(string token)
    {
        lock (_gate)
        {
            // running under this token and not being stopped, or finished and reported (or to be reported again)
            bool running = _running is { IsCompleted: false } && _cancel is { IsCancellationRequested: false } && _token == token;
            return Task.FromResult(running || _finishedToken == token);
        }
    }

    public Task Stop()
    {
        lock (_gate)
        {
            _cancel?.Cancel();
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // a silo shutting down stops its processes; the job notices the unit is gone and re-dispatches it
        Stop();
        return Task.CompletedTask;
    }

    private async Task RunAsync(StageWork work, CancellationToken cancel)
    {
        var job = _grains.GetGrain<IVideoJobGrain>(work.JobId);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var progress = new ThrottledProgress(f =>
        {
            string token;
            lock (_gate)
            {
                token = _token!;
            }

            _ = job.Progress(work.WorkKey, token, f);
        });
        StageReport report;
        try
        {
            var output = await _executor.RunAsync(work, progress, cancel);
            report = new StageReport(work.WorkKey, "", _silo.SiloAddress.ToString(), output, null, false, started.Elapsed.TotalSeconds);
        }
        catch (ClipperException e)
        {
            _log.LogWarning("{Job} {Work} failed: {Code}: {Message}", work.JobId, work.WorkKey, e.Code.Code(), e.Message);
            report = new StageReport(work.WorkKey, "", _silo.SiloAddress.ToString(), null,
                new JobError(e.Code.Code(), e.Message, e.Detail), e.IsTransient, started.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (e is OperationCanceledException && (cancel.IsCancellationRequested || _executor.Stopping))
        {
            _log.LogInformation("{Job} {Work} stopped ({Why})", work.JobId, work.WorkKey,
                _executor.Stopping ? "this silo is stopping" : "cancelled");
            report = new StageReport(work.WorkKey, "", _silo.SiloAddress.ToString(), null,
                new JobError(ErrorCode.Cancelled.Code(), "the work was stopped", null), false, started.Elapsed.TotalSeconds);
        }
        catch (Exception e)
        {
            _log.LogError(e, "{Job} {Work} failed unexpectedly", work.JobId, work.WorkKey);
            report = new StageReport(work.WorkKey, "", _silo.SiloAddress.ToString(), null,
                new JobError(ErrorCode.Internal.Code(), $"{work.WorkKey} failed: {e.Message}", e.ToString()), false,
                started.Elapsed.TotalSeconds);
        }

        // a unit stopped because this process is stopping is not the job's failure: say nothing, and the job
        // (asking IsRunning, or woken by its reminder) dispatches it again on a silo that runs
        bool silent = cancel.IsCancellationRequested || (report.Error is not null && _executor.Stopping);
        string finalToken;
        lock (_gate)
        {
            finalToken = _token!;
            _finished = report;
            // a unit that reports nothing is not running under any token: IsRunning answers no
            _finishedToken = silent ? null : finalToken;
        }

        if (!silent)
        {
            await SendAsync(work.JobId, report with { Token = finalToken });
        }
    }

    private async Task SendAsync(string jobId, StageReport report)
    {
        try
        {
            await _grains.GetGrain<IVideoJobGrain>(jobId).Report(report);
        }
        catch (Exception e)
        {
            // IsRunning now says no, so the job's liveness check (or its reminder) dispatches this unit again:
            // a finished result is said again at once, a failure runs again
            lock (_gate)
            {
                if (_finishedToken == report.Token)
                {
                    _finishedToken = null;
                }
            }

            _log.LogWarning("could not report {Work} of {Job}: {Message}", report.WorkKey, jobId, e.Message);
        }
    }

    private Task ReapAsync(CancellationToken cancel)
    {
        lock (_gate)
        {
            if (_running is { IsCompleted: true })
            {
                DelayDeactivation(RememberFinished);
                _reaper?.Dispose();
                _reaper = null;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Passes progress on at most every half second or 2 %, never decreasing.</summary>
    private sealed class ThrottledProgress(Action<double> send) : IProgress<double>
    {
        private readonly object _gate = new();
        private double _last = -1;
        private long _lastAt;

        public void Report(double value)
        {
            lock (_gate)
            {
                var now = Environment.TickCount64;
                if (value <= _last || (value < 1 && value - _last < 0.02 && now - _lastAt < 500))
                {
                    return;
                }

                _last = value;
                _lastAt = now;
            }

            send(Math.Clamp(value, 0, 1));
        }
    }
}

[PreferLocalPlacement]
public sealed class LocalStageGrain(StageExecutor executor, ILocalSiloDetails silo, IGrainFactory grains, ILogger<LocalStageGrain> log)
    : StageGrain(executor, silo, grains, log), ILocalStageGrain;

[ActivationCountBasedPlacement]
public sealed class SpreadStageGrain(StageExecutor executor, ILocalSiloDetails silo, IGrainFactory grains, ILogger<SpreadStageGrain> log)
    : StageGrain(executor, silo, grains, log), ISpreadStageGrain;
