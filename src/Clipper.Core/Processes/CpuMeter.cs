using System.Runtime.InteropServices;

namespace Clipper.Core.Processes;

/// <summary>
/// The CPU seconds one piece of asynchronous work uses, counted apart from whatever else the process runs at the same
/// time (other jobs' units on the same silo). Two parts:
/// <list type="bullet">
/// <item>in-process work (ONNX face detection, scoring, JSON): the meter rides the work's execution context, and each
/// time a thread starts or stops running a piece of that flow, the thread's own CPU clock
/// (<c>CLOCK_THREAD_CPUTIME_ID</c>) is read, so only the time threads spent on this flow is counted;</item>
/// <item>child processes (ffmpeg, pocketsphinx, yt-dlp and what they wait for): <see cref="ProcessRunner"/> measures
/// each one's own user + system time and adds it here.</item>
/// </list>
/// Work that leaves the flow without its context (threads of a native library's own pool) is not seen; with one
/// detector thread, ONNX Runtime runs on the calling thread.
/// </summary>
public sealed class CpuMeter : IDisposable
{
    private static readonly AsyncLocal<CpuMeter?> Current = new(OnSwitch);

    /// <summary>The thread CPU clock when this thread began running the current meter's flow.</summary>
    [ThreadStatic]
    private static double _enteredAt;

    private readonly CpuMeter? _outer;
    private long _inProcessNanos;
    private long _childNanos;

    private CpuMeter(CpuMeter? outer) => _outer = outer;

    /// <summary>CPU seconds of in-process work on this meter's flow so far.</summary>
    public double InProcessSeconds => Interlocked.Read(ref _inProcessNanos) / 1e9;

    /// <summary>CPU seconds of the child processes run on this meter's flow that have ended.</summary>
    public double ChildSeconds => Interlocked.Read(ref _childNanos) / 1e9;

    public double Seconds => InProcessSeconds + ChildSeconds;

    /// <summary>
    /// Starts counting the calling flow (and everything it awaits or starts with Task.Run) until disposed. Call it at
    /// the top of an async method: the method's end restores the caller's context, so the meter goes no further.
    /// </summary>
    public static CpuMeter Start()
    {
        var meter = new CpuMeter(Current.Value);
        Current.Value = meter;
        return meter;
    }

    /// <summary>Adds a finished child process's CPU seconds to the meter of the calling flow, if it has one.</summary>
    public static void AddChild(double seconds)
    {
        if (Current.Value is { } m && seconds > 0)
        {
            Interlocked.Add(ref m._childNanos, (long)(seconds * 1e9));
        }
    }

    /// <summary>Stops counting: the flow goes back to the meter it had before (the time so far stays counted).</summary>
    public void Dispose()
    {
        if (ReferenceEquals(Current.Value, this))
        {
            Current.Value = _outer;
        }
    }

    /// <summary>Runs whenever the meter of the running flow changes on a thread: charges the meter leaving, clocks the one arriving.</summary>
    private static void OnSwitch(AsyncLocalValueChangedArgs<CpuMeter?> change)
    {
        if (ReferenceEquals(change.PreviousValue, change.CurrentValue))
        {
            return;
        }

        double now = ThreadCpu.Seconds();
        if (change.PreviousValue is { } leaving)
        {
            Interlocked.Add(ref leaving._inProcessNanos, (long)(Math.Max(0, now - _enteredAt) * 1e9));
        }

        _enteredAt = now;
    }
}

/// <summary>The calling thread's own CPU clock.</summary>
public static class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>CPU seconds (user + system) the calling thread has used; 0 where the clock cannot be read (not Linux).</summary>
    public static double Seconds()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(ClockThreadCpuTimeId, out var t) != 0)
        {
            return 0;
        }

        return t.Seconds + (t.Nanoseconds / 1e9);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
