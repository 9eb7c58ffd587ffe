using System.Text.Json.Nodes;
using Clipper.Abstractions.Jobs;
using Clipper.Core.Errors;
using Clipper.Gateway.Errors;

namespace Clipper.Host.Cli;

/// <summary>How a followed job ended: finished (the report's view of it) or failed (its error).</summary>
public sealed record JobEnding(string JobId, FinishedJob? Finished, JobError? Error)
{
    public static JobEnding Of(JobView v) => v.Status == JobStatus.Completed
        ? new(v.JobId, FinishedJob.From(v), null)
        : new(v.JobId, null, v.Error ?? new JobError(ErrorCode.Internal.Code(), "the job ended without a result", null));

    public static JobEnding Of(Gateway.V1.Job j) => j.State == Gateway.V1.JobState.Completed
        ? new(j.JobId, FinishedJob.From(j), null)
        : new(j.JobId, null, new JobError(j.ErrorCode, j.ErrorMessage, null));
}

/// <summary>
/// The one client path of <c>clip</c>, <c>submit</c> and <c>watch</c>: follow the job's views as they come (the grain's,
/// through the in-process watch hub, or the API's, through WatchJob) with the progress view, then end it the same way:
/// one <c>error: CODE: message</c> line and its exit code, or the clips and the report written, the table printed, exit 0.
/// </summary>
/// <param name="failureDetails">Where an internal failure is explained (the log file, or the server's).</param>
public sealed class JobFollow(TextWriter stdout, TextWriter stderr, string failureDetails)
{
    /// <summary>The exit code, and report.json when one was written.</summary>
    public sealed record Outcome(int ExitCode, JsonObject? Report);

    /// <summary>The job's last view: the terminal one (an internal failure when the views stopped before it).</summary>
    public async Task<T> FollowAsync<T>(string jobId, IAsyncEnumerable<T> views, Func<T, ProgressView.Point> read, CancellationToken cancel) =>
        await new ProgressView(stderr, ProgressView.IsTerminal).FollowAsync(views, read, cancel)
        ?? throw new ClipperException(ErrorCode.Internal, $"the watch of job {jobId} ended before the job did");

    /// <summary>
    /// Ends a followed job. A finished one has its files and report written to <paramref name="dir"/> (when given;
    /// otherwise <paramref name="elsewhere"/> says where the clips are) and its table printed.
    /// </summary>
    public async Task<Outcome> FinishAsync(JobEnding end, IArtifactSource files, string? dir, string? elsewhere, CancellationToken cancel)
    {
        if (end.Finished is not { } job)
        {
            var e = end.Error!;
            stderr.WriteLine($"error: {e.Code}: {e.Message}");
            var exit = ErrorTable.Of(ErrorCodes.FromCode(e.Code)).ExitCode;
            if (exit != ExitCodes.CannotClip)
            {
                if (!string.IsNullOrWhiteSpace(e.Detail))
                {
                    stderr.WriteLine("  " + e.Detail.Trim().Replace("\n", "\n  "));
                }

                stderr.WriteLine($"clipper: internal failure; details in {failureDetails}");
            }

            return new Outcome(exit, null);
        }

        var report = dir is null ? null : await Report.WriteAsync(job, files, dir, cancel);
        Report.PrintTable(stdout, job);
        stdout.WriteLine();
        stdout.WriteLine(dir is null
            ? $"{job.Clips.Count} clips; {elsewhere}"
            : $"{job.Clips.Count} clips written to {dir} (open report.html)");
        return new Outcome(ExitCodes.Done, report);
    }
}
