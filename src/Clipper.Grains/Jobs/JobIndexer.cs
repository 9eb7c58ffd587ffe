using Clipper.Abstractions.Jobs;
using Microsoft.Extensions.Logging;

namespace Clipper.Grains.Jobs;

/// <summary>
/// Tells the job list a job's status after the job's own state is written (the list may lag, never lead); a status
/// that did not reach it is told again at the next save or activation.
/// </summary>
public sealed class JobIndexer(IGrainFactory grains, ILogger log)
{
    private JobStatus _told;

    public async Task TellAsync(string jobId, JobState s)
    {
        if (!s.IsSubmitted || s.Status == _told)
        {
            return;
        }

        try
        {
            await grains.GetGrain<IJobIndexGrain>(0).Put(new JobSummary(jobId, s.Status, s.SubmittedAt));
            _told = s.Status;
        }
        catch (Exception e)
        {
            log.LogWarning(e, "job {Job}: the job list was not told of {Status}", jobId, s.Status);
        }
    }
}
