using Clipper.Abstractions.Stages;
using Orleans.Concurrency;

namespace Clipper.Grains.Stages;

/// <summary>
/// <see cref="ITranscriptLeaseGrain"/>: the holder and its expiry in memory (a lease lost with its silo only means a
/// waiter may transcribe once more, never a wrong transcript). Reentrant, so a release reaches it while others wait.
/// </summary>
[Reentrant]
public sealed class TranscriptLeaseGrain(TimeProvider clock) : Grain, ITranscriptLeaseGrain
{
    private string? _holder;
    private DateTimeOffset _expires;
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    public async Task<bool> Acquire(string owner, TimeSpan lease, TimeSpan wait)
    {
        if (TryTake(owner, lease))
        {
            return true;
        }

        // until the holder lets go, the holder's lease runs out, or this call has waited long enough
        var left = _expires - clock.GetUtcNow();
        var limit = left < wait ? left : wait;
        if (limit > TimeSpan.Zero)
        {
            _waiting++;
            try
            {
                await Task.WhenAny(_released.Task, Task.Delay(limit, clock));
            }
            finally
            {
                _waiting--;
            }
        }

        return TryTake(owner, lease);
    }

    public Task<int> Waiting() => Task.FromResult(_waiting);

    public Task<bool> Renew(string owner, TimeSpan lease)
    {
        if (_holder != owner)
        {
            return Task.FromResult(false);
        }

        _expires = clock.GetUtcNow() + lease;
        return Task.FromResult(true);
    }

    public Task Release(string owner)
    {
        if (_holder == owner)
        {
            _holder = null;
            var released = _released;
            _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
            released.SetResult();
        }

        return Task.CompletedTask;
    }

    private bool TryTake(string owner, TimeSpan lease)
    {
        var now = clock.GetUtcNow();
        if (_holder is not null && _holder != owner && _expires > now)
        {
            return false;
        }

        _holder = owner;
        _expires = now + lease;
        DelayDeactivation(lease);
        return true;
    }
}
