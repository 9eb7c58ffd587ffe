namespace Clipper.Persistence.Tests.Grains;

public sealed class AlarmGrain : Grain, IAlarmGrain, IRemindable
{
    private readonly Dictionary<string, int> _ticks = [];

    public async Task<string> Register(string name, TimeSpan due, TimeSpan period)
    {
        var reminder = await this.RegisterOrUpdateReminder(name, due, period);
        return reminder.ReminderName;
    }

    public async Task Unregister(string name)
    {
        var reminder = await this.GetReminder(name);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task<string[]> Names() =>
        [.. (await this.GetReminders()).Select(r => r.ReminderName).Order(StringComparer.Ordinal)];

    public Task<int> Ticks(string name) => Task.FromResult(_ticks.GetValueOrDefault(name));

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _ticks[reminderName] = _ticks.GetValueOrDefault(reminderName) + 1;
        return Task.CompletedTask;
    }
}
