using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Clipper.Abstractions.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Clipper.Gateway;

/// <summary>
/// The job list, live, for one watcher (the <c>/jobs</c> page): the newest jobs now, then each change of any of them
/// and each job added later, as the jobs and the list push them; nothing is asked again and again. Unfinished jobs are
/// followed through the <see cref="JobWatchHub"/> (one subscription per job on this server however many pages show
/// it); the list grain tells of jobs added or finished since.
/// </summary>
public sealed class JobListFeed(IGrainFactory grains, JobWatchHub hub, IOptions<GatewayOptions> options, ILogger<JobListFeed> log)
{
    /// <summary>What the feed hands on: the first page of the list once, then one job at a time.</summary>
    public abstract record Event;

    public sealed record Listed(IReadOnlyList<JobView> Jobs) : Event;

    public sealed record Changed(JobView Job) : Event;

    /// <summary>The newest <paramref name="size"/> jobs, then every change, until <paramref name="cancel"/>.</summary>
    public async IAsyncEnumerable<Event> WatchAsync(int size, [EnumeratorCancellation] CancellationToken cancel)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var events = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        var watcher = new ListWatcher(events.Writer);
        var reference = grains.CreateObjectReference<IJobListObserver>(watcher);
        var followed = new HashSet<string>();
        var renewing = RenewAsync(reference, stop.Token);
        try
        {
            // subscribed before the list is read: a job added in between is told twice, never missed
            await grains.GetGrain<IJobIndexGrain>(0).Subscribe(reference);
            var (views, _) = await JobMapping.ListAsync(grains, size, null, []);
            yield return new Listed(views);
            foreach (var v in views.Where(v => !v.Status.IsTerminal()))
            {
                Follow(v.JobId);
            }

            await foreach (var item in events.Reader.ReadAllAsync(cancel))
            {
                switch (item)
                {
                    case JobView view:
                        yield return new Changed(view);
                        break;
                    case JobSummary s when !followed.Contains(s.JobId):
                        if (s.Status.IsTerminal())
                        {
                            // a job that ended before this page followed it: shown once as it ended
                            followed.Add(s.JobId);
                            if (await grains.GetGrain<IVideoJobGrain>(s.JobId).Get() is { } ended)
                            {
                                yield return new Changed(ended);
                            }
                        }
                        else
                        {
                            Follow(s.JobId);
                        }

                        break;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await renewing;
            try
            {
                await grains.GetGrain<IJobIndexGrain>(0).Unsubscribe(reference);
            }
            catch (Exception e)
            {
                log.LogDebug("job list: could not unsubscribe: {Message}", e.Message);
            }

            grains.DeleteObjectReference<IJobListObserver>(reference);
            GC.KeepAlive(watcher);
        }

        // each unfinished job's views, from the hub, into the one channel this feed reads
        void Follow(string jobId)
        {
            if (!followed.Add(jobId))
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await foreach (var v in hub.WatchAsync(jobId, stop.Token))
                    {
                        events.Writer.TryWrite(v);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // the page went away
                }
                catch (Exception e)
                {
                    log.LogWarning(e, "job list: following {Job} failed", jobId);
                }
            }, CancellationToken.None);
        }
    }

    /// <summary>Renews the list subscription well within its expiry until the watcher goes.</summary>
    private async Task RenewAsync(IJobListObserver reference, CancellationToken stop)
    {
        var every = TimeSpan.FromTicks(Math.Min(options.Value.WatchRenewal.Ticks, IJobIndexGrain.WatcherExpiry.Ticks / 3));
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, stop);
                await grains.GetGrain<IJobIndexGrain>(0).Subscribe(reference);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // the list grain's silo went away: the next renewal finds it on another
                log.LogWarning(e, "job list: renewing the subscription failed; trying again");
            }
        }
    }

    private sealed class ListWatcher(ChannelWriter<object> events) : IJobListObserver
    {
        public Task Listed(JobSummary job)
        {
            events.TryWrite(job);
            return Task.CompletedTask;
        }
    }
}
