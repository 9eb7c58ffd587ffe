using System.Diagnostics;

namespace Clipper.Gateway.Tests;

public static class Wait
{
    public static async Task Until(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, $"not true within {timeout.TotalSeconds} s");
            await Task.Delay(200);
        }
    }
}
