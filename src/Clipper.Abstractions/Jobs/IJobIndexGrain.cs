namespace Clipper.Abstractions.Jobs;

/// <summary>One line of the job list: enough to page and filter without waking every job.</summary>
[GenerateSerializer, Immutable, Alias("clipper.JobSummary")]
public sealed record JobSummary(string JobId, JobStatus Status, DateTimeOffset SubmittedAt);

/// <summary>A page of the job list, newest first; <see cref="Next"/> is null on the last page.</summary>
[GenerateSerializer, Immutable, Alias("clipper.JobPage")]
public sealed record JobPage(IReadOnlyList<JobSummary> Jobs, string? Next);

/// <summary>
/// Every job's id, status and submit time, kept by the jobs themselves (each status change is put here after the
/// job's own state is written). A single grain, key 0: enough for thousands of jobs, not for millions.
/// </summary>
[Alias("clipper.IJobIndexGrain")]
public interface IJobIndexGrain : IGrainWithIntegerKey
{
    [Alias("Put")]
    Task Put(JobSummary summary);

    /// <summary>Newest first, at most <paramref name="size"/>, after the cursor <paramref name="after"/>, only the given statuses (none: all).</summary>
    [Orleans.Concurrency.AlwaysInterleave, Alias("List")]
    Task<JobPage> List(int size, string? after, IReadOnlyList<JobStatus> statuses);

    /// <summary>How many jobs are in each status.</summary>
    [Orleans.Concurrency.AlwaysInterleave, Alias("Counts")]
    Task<IReadOnlyDictionary<JobStatus, int>> Counts();

    /// <summary>
    /// Pushes every job put from now on to <paramref name="watcher"/>, until it unsubscribes or stops renewing (call
    /// again within <see cref="WatcherExpiry"/>).
    /// </summary>
    [Alias("Subscribe")]
    Task Subscribe(IJobListObserver watcher);

    [Alias("Unsubscribe")]
    Task Unsubscribe(IJobListObserver watcher);

    /// <summary>How long a list watcher stays subscribed without renewing.</summary>
    public static readonly TimeSpan WatcherExpiry = TimeSpan.FromMinutes(1);
}
