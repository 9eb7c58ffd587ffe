namespace Clipper.Persistence.Tests.Grains;

/// <summary>A grain that registers Orleans reminders and counts their ticks (in memory).</summary>
public interface IAlarmGrain : IGrainWithStringKey
{
    Task<string> Register(string name, TimeSpan due, TimeSpan period);

    Task Unregister(string name);

    Task<string[]> Names();

    Task<int> Ticks(string name);
}
