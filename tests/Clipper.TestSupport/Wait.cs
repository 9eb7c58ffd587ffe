using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Clipper.TestSupport;

/// <summary>
/// The one way tests wait for something to come true: ask every <see cref="Poll"/> until it holds, and past the
/// timeout throw <see cref="TimeoutException"/> naming what was awaited (the condition as written at the call) and
/// what was last seen, so a wait never ends quietly and lets the test go on as if it had held.
/// </summary>
public static class Wait
{
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    public static Task Until(Func<bool> condition, TimeSpan timeout,
        [CallerArgumentExpression(nameof(condition))] string what = "") =>
        Until(() => Task.FromResult(condition()), timeout, () => "", what);

    public static Task Until(Func<Task<bool>> condition, TimeSpan timeout,
        [CallerArgumentExpression(nameof(condition))] string what = "") =>
        Until(condition, timeout, () => "", what);

    /// <summary>Asks <paramref name="condition"/> until it holds; past the timeout throws, saying <paramref name="seen"/>.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, Func<string> seen,
        [CallerArgumentExpression(nameof(condition))] string what = "")
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed >= timeout)
            {
                throw Expired(what, timeout, seen());
            }

            await Task.Delay(Poll);
        }
    }

    /// <summary>
    /// Reads <paramref name="read"/> until <paramref name="done"/> holds for what it returned, and returns that;
    /// past the timeout throws with the last value read.
    /// </summary>
    public static async Task<T> For<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, TimeSpan? poll = null,
        [CallerArgumentExpression(nameof(done))] string what = "")
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed >= timeout)
            {
                throw Expired(what, timeout, value?.ToString() ?? "null");
            }

            await Task.Delay(poll ?? Poll);
        }
    }

    private static TimeoutException Expired(string what, TimeSpan timeout, string seen) =>
        new($"waited {timeout.TotalSeconds:0.#} s for {what}" + (seen.Length > 0 ? $"; last seen: {seen}" : ""));
}
