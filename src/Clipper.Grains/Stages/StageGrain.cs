using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Core.Errors;
using Clipper.Core.Processes;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Clipper.Grains.Stages;

/// <summary>
/// One unit of stage work ("jobId/unit"). No persisted state: Start hands the work to the silo's
/// <see cref="IStageRunner"/> on the thread pool and returns; when the work ends its outcome comes back to this
/// grain's own scheduler (an awaited continuation, so grain fields are only touched there) and is reported to the
/// job grain. The activation stays alive while the work runs, so Stop and IsRunning reach the silo that runs it.
/// </summary>
[Reentrant]
public abstract class StageGrain : Grain, IStageGrain
{
    private readonly IStageRunner _runner;
    private readonly ILocalSiloDetails _silo;
    private readonly ILogger _log;
    private readonly JobOptions _options;
    private readonly IClipperMetrics _metrics;

    /// <summary>The silo's grain factory: unlike the grain's own, it may be used from the thread pool (progress).</summary>
    private readonly IGrainFactory _grains;

    /// <summary>The token reports carry; read by the progress callback on the thread pool, written only here.</summary>
    private volatile string? _token;
    private string? _finishedToken;
    private StageReport? _finished;
    private Task? _running;
    private CancellationTokenSource? _cancel;

    protected StageGrain(StageGrainServices services, ILogger log)
    {
        _runner = services.Runner;
        _grains = services.Grains;
        _silo = services.Silo;
        _options = services.Options.Value;
        _metrics = services.Metrics;
        _log = log;
    }

    /// <summary>This silo's address as the job names silos (<see cref="SiloAddress.ToParsableString"/>).</summary>
    private string Here => _silo.SiloAddress.ToParsableString();

    public Task<string> Start(StageWork work, string token)
    {
        if (_running is { IsCompleted: false })
        {
            // the job was re-driven while this unit runs: report under the newest token, run it once;
            // a run being stopped reports nothing, so IsRunning says no and the job dispatches it again
            if (_cancel is { IsCancellationRequested: false })
            {
                _token = token;
            }

            return Task.FromResult(Here);
        }

        if (_finished is { Output: not null })
        {
            // finished before the job heard of it (a lost report or a restarted job): say it again, without waiting
            // for the job, which is waiting for this call; a failed unit runs again instead
            _finishedToken = token;
            _ = SendAsync(work.JobId, _finished with { Token = token });
            return Task.FromResult(Here);
        }

        _finished = null;
        _finishedToken = null;
        _token = token;
        _cancel = new CancellationTokenSource();
        // alive while it runs; the end of the run lets it go some minutes later
        DelayDeactivation(TimeSpan.FromDays(1));
        _running = RunAsync(work, _cancel.Token);
        return Task.FromResult(Here);
    }

    public Task<bool> IsRunning(string token)
    {
        // running under this token and not being stopped, or finished and reported (or to be reported again)
        bool running = _running is { IsCompleted: false } && _cancel is { IsCancellationRequested: false } && _token == token;
        return Task.FromResult(running || _finishedToken == token);
    }

    public Task Stop()
    {
        _cancel?.Cancel();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // a silo shutting down stops its processes; the job notices the unit is gone and re-dispatches it. Any other
        // reason that stops running work is worth a line: the work runs again elsewhere
        if (_running is { IsCompleted: false })
        {
            _log.LogWarning("{Grain} deactivated while running ({Reason}: {Description}); its work stops and runs again",
                this.GetPrimaryKeyString(), reason.ReasonCode, reason.Description);
        }

        return Stop();
    }

    private async Task RunAsync(StageWork work, CancellationToken cancel)
    {
        var report = await Task.Run(() => RunOffSchedulerAsync(work, cancel), CancellationToken.None);

        // back on this grain's scheduler. A unit stopped because this process is stopping is not the job's failure:
        // say nothing, and the job (asking IsRunning, or woken by its reminder) dispatches it again on a silo that runs
        bool silent = cancel.IsCancellationRequested || (report.Error is not null && _runner.Stopping);
        var token = _token!;
        _finished = report;
        _finishedToken = silent ? null : token;
        DelayDeactivation(_options.RememberFinished);
        if (!silent)
        {
            await SendAsync(work.JobId, report with { Token = token });
        }
    }

    /// <summary>
    /// The work itself, on the thread pool: touches no grain field but the token it reads for progress. Its CPU (the
    /// processes it runs and the threads' time on its flow, <see cref="CpuMeter"/>) goes into the report, whatever the outcome.
    /// </summary>
    private async Task<StageReport> RunOffSchedulerAsync(StageWork work, CancellationToken cancel)
    {
        using var cpu = CpuMeter.Start();
        var report = await RunMeteredAsync(work, cancel);
        _metrics.StageCpu(work.Stage, cpu.Seconds);
        return report with { CpuSeconds = cpu.Seconds };
    }

    private async Task<StageReport> RunMeteredAsync(StageWork work, CancellationToken cancel)
    {
        var job = _grains.GetGrain<IVideoJobGrain>(work.JobId);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var progress = new ThrottledProgress(f => _ = job.Progress(work.Unit, _token!, f), _options.ProgressInterval, _options.ProgressStep);
        var silo = _silo.SiloAddress.ToString();
        StageReport Failed(JobError error, bool transient) =>
            new(work.Unit, "", silo, null, error, transient, started.Elapsed.TotalSeconds);
        try
        {
            var output = await _runner.RunAsync(work, progress, cancel);
            return new StageReport(work.Unit, "", silo, output, null, false, started.Elapsed.TotalSeconds);
        }
        catch (ClipperException e)
        {
            _log.LogWarning("{Job} {Work} failed: {Code}: {Message}", work.JobId, work.Unit, e.Code.Code(), e.Message);
            return Failed(new JobError(e.Code.Code(), e.Message, e.Detail), e.IsTransient);
        }
        catch (Exception e) when (e is OperationCanceledException && (cancel.IsCancellationRequested || _runner.Stopping))
        {
            _log.LogInformation("{Job} {Work} stopped ({Why})", work.JobId, work.Unit,
                _runner.Stopping ? "this silo is stopping" : "cancelled");
            return Failed(new JobError(ErrorCode.Cancelled.Code(), "the work was stopped", null), false);
        }
        catch (Exception e)
        {
            _log.LogError(e, "{Job} {Work} failed unexpectedly", work.JobId, work.Unit);
            return Failed(new JobError(ErrorCode.Internal.Code(), $"{work.Unit} failed: {e.Message}", e.ToString()), false);
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
            if (_finishedToken == report.Token)
            {
                _finishedToken = null;
            }

            _log.LogWarning(e, "could not report {Work} of {Job}", report.Unit, jobId);
        }
    }
}
