using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Work;
using Clipper.Grains.Cost;
using Clipper.Grains.Work;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Clipper.Grains.Jobs;

/// <summary>
/// The job's view as shown: built from the written state (never from a change not yet saved) and the running units'
/// progress, kept for queries and pushed to every watcher when it changes. Watchers renew their subscription; one
/// that does not, or whose call fails, is dropped; all are let go once the job ended. The view's cost is priced by
/// <paramref name="prices"/>.
/// </summary>
public sealed class JobViewPublisher(TimeSpan watcherExpiry, ILogger log, PriceOptions? prices = null)
{
    private readonly ObserverManager<IJobObserver> _watchers = new(watcherExpiry, log);

    public JobView? View { get; private set; }

    public JobView? Subscribe(IJobObserver watcher)
    {
        if (View is not null && !View.Status.IsTerminal())
        {
            _watchers.Subscribe(watcher, watcher);
        }

        return View;
    }

    public void Unsubscribe(IJobObserver watcher) => _watchers.Unsubscribe(watcher);

    public void Publish(string jobId, JobState s, IReadOnlyDictionary<WorkId, double> progress, DateTimeOffset now)
    {
        View = s.IsSubmitted ? JobViews.WithProgress(jobId, s, progress, View, prices, now) : null;
        if (View is not { } view || _watchers.Count == 0)
        {
            return;
        }

        _watchers.Notify(w => w.Changed(view));
        if (view.Status.IsTerminal())
        {
            _watchers.Clear();
        }
    }
}
