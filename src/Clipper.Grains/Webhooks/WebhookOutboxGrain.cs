using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Webhooks;
using Clipper.Stages.Fetch.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Clipper.Grains.Webhooks;

/// <summary>
/// One endpoint's durable outbox (see <see cref="IWebhookOutboxGrain"/>): a thin shell around
/// <see cref="WebhookOutbox"/>. Deliveries run in an interleaving timer, so appends and queries never wait behind a
/// receiver; state writes are serialised by a lock. A reminder is registered while anything is undelivered, so an
/// outbox whose silo died is reactivated and goes on.
/// </summary>
public sealed class WebhookOutboxGrain : Grain, IWebhookOutboxGrain, IRemindable
{
    public const string ReminderName = "deliver";

    private readonly IPersistentState<WebhookOutboxState> _state;
    private readonly WebhookOptions _options;
    private readonly WebhookSender _sender;
    private readonly TimeProvider _clock;
    private readonly ILogger<WebhookOutboxGrain> _log;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private IGrainTimer? _timer;
    private bool _pumping;
    private bool _reminded;

    public WebhookOutboxGrain([PersistentState("webhooks", "jobs")] IPersistentState<WebhookOutboxState> state,
        IOptions<WebhookOptions> options, WebhookSender sender, TimeProvider clock, ILogger<WebhookOutboxGrain> log)
    {
        _state = state;
        _options = options.Value;
        _sender = sender;
        _clock = clock;
        _log = log;
    }

    private WebhookOutboxState S => _state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (WebhookOutbox.Pending(S))
        {
            _log.LogInformation("webhook outbox {Key} activated with {Count} event(s) undelivered; delivering",
                this.GetPrimaryKeyString(), S.Events.Count - S.Next);
            Arm(TimeSpan.Zero);
        }

        return Task.CompletedTask;
    }

    public async Task<int> Append(Webhook endpoint, IReadOnlyList<WebhookEvent> events)
    {
        await WriteAsync(() => WebhookOutbox.Append(S, endpoint, events) > 0);
        await KickAsync();
        return S.Events.Count;
    }

    public async Task<int> Redeliver()
    {
        int count = 0;
        await WriteAsync(() => (count = WebhookOutbox.Redeliver(S)) > 0);
        _log.LogInformation("webhook outbox {Key}: redelivering {Count} event(s)", this.GetPrimaryKeyString(), count);
        await KickAsync();
        return count;
    }

    public Task<WebhookDeliveries?> Deliveries() => Task.FromResult(WebhookOutbox.View(S));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminded = true;
        if (WebhookOutbox.Pending(S))
        {
            await KickAsync();
        }
        else
        {
            await ForgetReminderAsync();
        }
    }

    /// <summary>Makes sure deliveries run (and that a reminder backs them) while anything is pending.</summary>
    private async Task KickAsync()
    {
        if (!WebhookOutbox.Pending(S))
        {
            return;
        }

        if (!_reminded)
        {
            await this.RegisterOrUpdateReminder(ReminderName, _options.ReminderPeriod, _options.ReminderPeriod);
            _reminded = true;
        }

        if (!_pumping)
        {
            Arm(S.RetryAt is { } at && at > _clock.GetUtcNow() ? at - _clock.GetUtcNow() : TimeSpan.Zero);
        }
    }

    private void Arm(TimeSpan due)
    {
        _timer?.Dispose();
        _timer = this.RegisterGrainTimer(PumpAsync,
            new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
    }

    /// <summary>Sends what is due, one event at a time in order, until nothing is or the next one backs off.</summary>
    private async Task PumpAsync(CancellationToken cancel)
    {
        if (_pumping)
        {
            return;
        }

        _pumping = true;
        try
        {
            while (WebhookOutbox.Due(S, _clock.GetUtcNow()) is { } e && S.Endpoint is { } endpoint)
            {
                var result = await _sender.SendAsync(endpoint.Url, endpoint.Secrets, e.Id, e.Body, cancel);
                if (result.Status is < 200 or >= 300)
                {
                    _log.LogWarning("webhook {Event} ({Type}) of {Key} to {Url}: attempt failed ({Status}: {Excerpt})",
                        e.Id, e.Type, this.GetPrimaryKeyString(), endpoint.Url, result.Status, result.Excerpt);
                }

                await WriteAsync(() =>
                {
                    WebhookOutbox.Record(S, e, result, _options, Random.Shared.NextDouble());
                    return true;
                });
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return; // the activation is going away; the reminder brings it back
        }
        finally
        {
            _pumping = false;
        }

        if (WebhookOutbox.Pending(S))
        {
            Arm(S.RetryAt is { } at && at > _clock.GetUtcNow() ? at - _clock.GetUtcNow() : TimeSpan.Zero);
        }
        else
        {
            await ForgetReminderAsync();
        }
    }

    private async Task WriteAsync(Func<bool> change)
    {
        await _writing.WaitAsync();
        try
        {
            if (change())
            {
                await _state.WriteStateAsync();
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task ForgetReminderAsync()
    {
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }

        _reminded = false;
    }
}
