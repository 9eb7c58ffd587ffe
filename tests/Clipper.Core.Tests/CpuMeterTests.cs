using Clipper.Core.Processes;

namespace Clipper.Core.Tests;

/// <summary>
/// CPU time per process and per piece of work, measured against work that burns a known amount: a shell loop that
/// runs until its own /proc utime reaches 0.5 s, a sleeping process, and in-process loops that spin a thread's own
/// CPU clock, one inside the meter and one beside it at the same time.
/// </summary>
[Trait("Category", "unit")]
public sealed class CpuMeterTests
{
    private static readonly TimeSpan Ten = TimeSpan.FromSeconds(10);

    /// <summary>Spins until the shell's own user time (field 14 of /proc/$$/stat, in 1/100 s) reaches 50 ticks.</summary>
    private static readonly string[] HalfSecondBurn =
        ["sh", "-c", "while [ $(cut -d' ' -f14 /proc/$$/stat) -lt 50 ]; do i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; done"];

    [Fact]
    public async Task AProcessBurningHalfASecondIsMeasuredAtLeastThreeTenths()
    {
        var r = await ProcessRunner.RunAsync(HalfSecondBurn, Ten);
        Assert.Equal(0, r.ExitCode);
        Assert.InRange(r.CpuSeconds, 0.3, 2.0);
    }

    [Fact]
    public async Task ASleepingProcessIsMeasuredNearZero()
    {
        var r = await ProcessRunner.RunAsync(["sleep", "0.5"], Ten);
        Assert.Equal(0, r.ExitCode);
        Assert.InRange(r.CpuSeconds, 0, 0.1);
    }

    [Fact]
    public async Task TheExitCodeAndOutputAreTheToolsUnderTheMeasuringShell()
    {
        var r = await ProcessRunner.RunAsync(["sh", "-c", "printf 'a b'; echo oops >&2; exit 5"], Ten);
        Assert.Equal(5, r.ExitCode);
        Assert.Equal("a b", r.StdoutText);
        Assert.Equal("oops", r.StderrTail);
    }

    [Fact]
    public async Task AMeterCountsItsOwnProcessesAndNotOnesRunningBesideIt()
    {
        // the burn beside it runs at the same time in another flow: the silo's cutime would mix the two
        var beside = Task.Run(() => ProcessRunner.RunAsync(HalfSecondBurn, Ten));
        var (meter, slept) = await MeteredAsync(() => ProcessRunner.RunAsync(["sleep", "0.5"], Ten));
        await beside;
        Assert.InRange(meter.ChildSeconds, 0, 0.1);
        Assert.True(slept.CpuSeconds <= 0.1);

        var (burnt, r) = await MeteredAsync(() => ProcessRunner.RunAsync(HalfSecondBurn, Ten));
        Assert.Equal(r.CpuSeconds, burnt.ChildSeconds, 3);
        Assert.InRange(burnt.ChildSeconds, 0.3, 2.0);
    }

    [Fact]
    public async Task AMeterCountsTheInProcessWorkOfItsFlowAcrossThreadsAndNotOtherWork()
    {
        // 0.3 s of CPU on this flow, in pieces on pool threads with awaits between; 0.6 s beside it, unmetered
        var beside = Task.Run(() => Spin(0.6));
        var (meter, _) = await MeteredAsync(async () =>
        {
            for (int i = 0; i < 3; i++)
            {
                await Task.Run(() => Spin(0.1));
                await Task.Yield(); // the flow resumes on whichever pool thread comes next
            }

            return 0;
        });
        await beside;
        Assert.InRange(meter.InProcessSeconds, 0.29, 0.45);
        Assert.Equal(0, meter.ChildSeconds);
    }

    [Fact]
    public void TheThreadClockAdvancesWithWorkAndNotWithSleep()
    {
        double start = ThreadCpu.Seconds();
        Thread.Sleep(200);
        double slept = ThreadCpu.Seconds() - start;
        Spin(0.2);
        double worked = ThreadCpu.Seconds() - start - slept;
        Assert.InRange(slept, 0, 0.05);
        Assert.InRange(worked, 0.2, 0.3);
    }

    private static async Task<(CpuMeter Meter, T Result)> MeteredAsync<T>(Func<Task<T>> work)
    {
        using var meter = CpuMeter.Start();
        var result = await work();
        return (meter, result);
    }

    /// <summary>Busy until the calling thread's own CPU clock has advanced by the given seconds.</summary>
    private static void Spin(double seconds)
    {
        double end = ThreadCpu.Seconds() + seconds;
        while (ThreadCpu.Seconds() < end)
        {
            // the clock read itself is the work
        }
    }
}
