namespace Clipper.Abstractions.Stages;

/// <summary>
/// One transcription of a video at a time in the whole cluster, keyed by the transcript's cache key (the site's video
/// id, else the source's content hash): the first unit takes the lease and transcribes, the others wait for it to be
/// released and then read its transcript from the cache. A holder renews the lease while it works; one that stops (its
/// silo died) loses it when it runs out, and a waiter takes over.
/// </summary>
public interface ITranscriptLeaseGrain : IGrainWithStringKey
{
    /// <summary>
    /// Takes the lease for <paramref name="owner"/> for <paramref name="lease"/> when it is free or has run out, else
    /// waits up to <paramref name="wait"/> (kept below the messaging timeout) for its release. True when the owner holds it.
    /// </summary>
    Task<bool> Acquire(string owner, TimeSpan lease, TimeSpan wait);

    /// <summary>Extends the owner's lease by <paramref name="lease"/> from now; false when the owner no longer holds it.</summary>
    Task<bool> Renew(string owner, TimeSpan lease);

    /// <summary>Lets the lease go (when the owner holds it) and wakes the waiters.</summary>
    Task Release(string owner);

    /// <summary>How many units wait for the lease now (for tests and diagnostics).</summary>
    Task<int> Waiting();
}
