using System.Globalization;
using Clipper.Abstractions.Jobs;
using Clipper.Core.Errors;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Utilities;

namespace Clipper.Grains.Jobs;

/// <summary>The job list (see <see cref="IJobIndexGrain"/>), persisted in the "jobs" storage like the jobs.</summary>
public sealed class JobIndexGrain([PersistentState("index", "jobs")] IPersistentState<JobIndexState> state, ILogger<JobIndexGrain> log)
    : Grain, IJobIndexGrain
{
    /// <summary>The list's watchers (the job list pages): each job put is pushed to them once it is written.</summary>
    private readonly ObserverManager<IJobListObserver> _watchers = new(IJobIndexGrain.WatcherExpiry, log);

    /// <summary>Newest first (submit time, then id, both descending): the order pages are listed in.</summary>
    private static readonly Comparer<JobSummary> Newest = Comparer<JobSummary>.Create((a, b) =>
    {
        int c = b.SubmittedAt.UtcTicks.CompareTo(a.SubmittedAt.UtcTicks);
        return c != 0 ? c : string.CompareOrdinal(b.JobId, a.JobId);
    });

    /// <summary>The jobs kept in listing order as they are put, so a page is read, not sorted, per request.</summary>
    private SortedSet<JobSummary>? _sorted;

    private SortedSet<JobSummary> Sorted => _sorted ??= new SortedSet<JobSummary>(state.State.Jobs.Values, Newest);

    public async Task Put(JobSummary summary)
    {
        if (state.State.Jobs.TryGetValue(summary.JobId, out var known))
        {
            if (known == summary)
            {
                return;
            }

            Sorted.Remove(known);
        }

        state.State.Jobs[summary.JobId] = summary;
        Sorted.Add(summary);
        await state.WriteStateAsync();
        if (_watchers.Count > 0)
        {
            await _watchers.Notify(w => w.Listed(summary));
        }
    }

    public Task Subscribe(IJobListObserver watcher)
    {
        _watchers.Subscribe(watcher, watcher);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IJobListObserver watcher)
    {
        _watchers.Unsubscribe(watcher);
        return Task.CompletedTask;
    }

    public Task<JobPage> List(int size, string? after, IReadOnlyList<JobStatus> statuses)
    {
        size = Math.Clamp(size, 1, 500);
        IEnumerable<JobSummary> jobs = Sorted;
        if (Cursor.TryParse(after, out var ticks, out var id))
        {
            var probe = new JobSummary(id, JobStatus.None, new DateTimeOffset(ticks, TimeSpan.Zero));
            jobs = Sorted.Count == 0 || Newest.Compare(probe, Sorted.Max!) > 0
                ? []
                : Sorted.GetViewBetween(probe, Sorted.Max!).Where(j => Newest.Compare(j, probe) > 0);
        }

        if (statuses.Count > 0)
        {
            jobs = jobs.Where(j => statuses.Contains(j.Status));
        }

        var page = jobs.Take(size + 1).ToList();
        string? next = page.Count > size ? Cursor.Of(page[size - 1]) : null;
        return Task.FromResult(new JobPage(page.Take(size).ToList(), next));
    }

    public Task<IReadOnlyDictionary<JobStatus, int>> Counts() =>
        Task.FromResult<IReadOnlyDictionary<JobStatus, int>>(
            state.State.Jobs.Values.GroupBy(j => j.Status).ToDictionary(g => g.Key, g => g.Count()));

    /// <summary>A page cursor: the last listed job's submit time (UTC ticks) and id, "ticks.id".</summary>
    private static class Cursor
    {
        public static string Of(JobSummary j) => $"{j.SubmittedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}.{j.JobId}";

        public static bool TryParse(string? token, out long ticks, out string id)
        {
            ticks = 0;
            id = "";
            if (string.IsNullOrEmpty(token))
            {
                return false;
            }

            int dot = token.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out ticks))
            {
                throw new ClipperException(ErrorCode.BadOption, $"page token {token} is not one this server gave");
            }

            id = token[(dot + 1)..];
            return true;
        }
    }
}

[GenerateSerializer, Alias("clipper.JobIndexState")]
public sealed class JobIndexState
{
    [Id(0)] public Dictionary<string, JobSummary> Jobs { get; set; } = [];
}
