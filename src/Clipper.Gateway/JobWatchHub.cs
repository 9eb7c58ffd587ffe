using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Clipper.Abstractions.Jobs;
using Clipper.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Clipper.Gateway;

/// <summary>
/// Live views of jobs for any number of watchers: one subscription per watched job on this server (not one per
/// watcher) receives each change the job grain pushes and hands it to every watcher of that job. The subscription is
/// renewed every <see cref="GatewayOptions.WatchRenewal"/> (which also finds a job reactivated on another silo) and
/// ends when its last watcher goes or the job ends.
/// </summary>
public sealed class JobWatchHub(IGrainFactory grains, IOptions<GatewayOptions> options, ILogger<JobWatchHub> log)
{
    private readonly ConcurrentDictionary<string, Feed> _feeds = new();
    private readonly object _gate = new();

    /// <summary>The job now, then every change, ending after the terminal state. Throws <see cref="ErrorCode.JobNotFound"/> when no such job.</summary>
    public async IAsyncEnumerable<JobView> WatchAsync(string jobId, [EnumeratorCancellation] CancellationToken cancel)
    {
        var first = await grains.GetGrain<IVideoJobGrain>(jobId).Get()
            ?? throw new ClipperException(ErrorCode.JobNotFound, $"no job {jobId}");
        yield return first;
        if (first.Status.IsTerminal())
        {
            yield break;
        }

        var feed = Join(jobId, first);
        try
        {
            long seen = 0;
            var last = first;
            while (true)
            {
                var (view, version) = await feed.NextAsync(seen, cancel);
                seen = version;
                if (view is null)
                {
                    continue;
                }

                if (Changed(last, view))
                {
                    last = view;
                    yield return view;
                }

                if (view.Status.IsTerminal())
                {
                    yield break;
                }
            }
        }
        finally
        {
            Leave(jobId, feed);
        }
    }

    /// <summary>Watchers of each job now (for tests and metrics).</summary>
    public int Watchers(string jobId) => _feeds.TryGetValue(jobId, out var f) ? f.Watchers : 0;

    /// <summary>Whether a watcher should hear of <paramref name="next"/> after <paramref name="last"/>.</summary>
    public static bool Changed(JobView last, JobView next) =>
        last.Status != next.Status || last.Encoded.Count != next.Encoded.Count || last.Clips.Count != next.Clips.Count
        || Math.Round(last.Percent, 1) != Math.Round(next.Percent, 1) || last.Error != next.Error;

    /// <summary>Why this event: "stage", "clip", "finished" or "progress".</summary>
    public static string Reason(JobView? last, JobView next) =>
        last is null ? "current"
        : next.Status.IsTerminal() ? "finished"
        : last.Status != next.Status ? "stage"
        : next.Encoded.Count > last.Encoded.Count ? "clip"
        : "progress";

    private Feed Join(string jobId, JobView first)
    {
        lock (_gate)
        {
            var feed = _feeds.GetOrAdd(jobId, _ => new Feed(first));
            if (++feed.Watchers == 1)
            {
                feed.Stop = new CancellationTokenSource();
                _ = FollowAsync(jobId, feed, feed.Stop.Token);
            }

            return feed;
        }
    }

    private void Leave(string jobId, Feed feed)
    {
        lock (_gate)
        {
            if (--feed.Watchers == 0)
            {
                feed.Stop?.Cancel();
                _feeds.TryRemove(jobId, out _);
            }
        }
    }

    /// <summary>Subscribes the feed to the job and renews the subscription until the feed stops or the job ends.</summary>
    private async Task FollowAsync(string jobId, Feed feed, CancellationToken stop)
    {
        var job = grains.GetGrain<IVideoJobGrain>(jobId);
        var watcher = grains.CreateObjectReference<IJobObserver>(feed);
        int failures = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var view = await job.Subscribe(watcher);
                    failures = 0;
                    if (view is not null)
                    {
                        feed.Publish(view);
                        if (view.Status.IsTerminal())
                        {
                            return;
                        }
                    }

                    await Task.Delay(options.Value.WatchRenewal, stop);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // a silo going away mid-call: subscribe again, the job lives on elsewhere
                    if (++failures % 20 == 1)
                    {
                        log.LogWarning(e, "watching {Job}: subscribing failed; trying again", jobId);
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(500), stop).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
        }
        finally
        {
            try
            {
                await job.Unsubscribe(watcher);
            }
            catch (Exception e)
            {
                // the job's silo is gone: its subscription went with it
                log.LogDebug("watching {Job}: could not unsubscribe: {Message}", jobId, e.Message);
            }

            grains.DeleteObjectReference<IJobObserver>(watcher);
        }
    }

    private sealed class Feed(JobView first) : IJobObserver
    {
        private readonly object _lock = new();
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private JobView _latest = first;
        private long _version;

        public int Watchers { get; set; }

        public CancellationTokenSource? Stop { get; set; }

        public Task Changed(JobView view)
        {
            Publish(view);
            return Task.CompletedTask;
        }

        public void Publish(JobView view)
        {
            TaskCompletionSource done;
            lock (_lock)
            {
                // a renewal's answer may cross a pushed change on the wire: never hand a watcher an older view
                if (_latest.Status.IsTerminal() || (!view.Status.IsTerminal() && (view.Status < _latest.Status
                    || (view.Status == _latest.Status && view.Percent < _latest.Percent))))
                {
                    return;
                }

                _latest = view;
                _version++;
                done = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            done.TrySetResult();
        }

        /// <summary>The latest view once it is newer than <paramref name="seen"/>.</summary>
        public async Task<(JobView? View, long Version)> NextAsync(long seen, CancellationToken cancel)
        {
            Task wait;
            lock (_lock)
            {
                if (_version > seen)
                {
                    return (_latest, _version);
                }

                wait = _changed.Task;
            }

            await wait.WaitAsync(cancel);
            lock (_lock)
            {
                return (_latest, _version);
            }
        }
    }
}
