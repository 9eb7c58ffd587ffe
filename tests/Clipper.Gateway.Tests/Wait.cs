using System.Diagnostics;

namespace Clipper.Gateway.Tests;

public static class Wait
{
    public static Task Until(Func<bool> condition, TimeSpan timeout) =>
        Until(() => Task.FromResult(condition()), timeout, () => "");

    /// <summary>Asks <paramref name="condition"/> until it holds; past the timeout fails, saying <paramref name="seen"/>.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, Func<string> seen)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < timeout, $"not true within {timeout.TotalSeconds} s {seen()}".TrimEnd());
            await Task.Delay(200);
        }
    }
}
