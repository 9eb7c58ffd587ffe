using System.Diagnostics;
using Clipper.Core.Errors;
using Clipper.Core.Processes;

namespace Clipper.Core.Tests;

[Trait("Category", "unit")]
public sealed class ProcessRunnerTests
{
    private static readonly TimeSpan Ten = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task KeepsStdoutWholeAndOnlyTheTailOfStderr()
    {
        var r = await ProcessRunner.RunAsync(["sh", "-c", "echo out; for i in $(seq 1 100); do echo err$i >&2; done; exit 3"], Ten);
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("out\n", r.StdoutText);
        var tail = r.StderrTail.Split('\n');
        Assert.Equal(ProcessRunner.TailLines, tail.Length);
        Assert.Equal("err100", tail[^1]);
    }

    [Fact]
    public async Task CheckedRunTurnsAFailureIntoToolFailedWithTheStderrTail()
    {
        var e = await Assert.ThrowsAsync<ClipperException>(() =>
            ProcessRunner.RunCheckedAsync(["sh", "-c", "echo 'bad thing happened' >&2; exit 7"], Ten));
        Assert.Equal(ErrorCode.ToolFailed, e.Code);
        Assert.Contains("exit code 7", e.Message);
        Assert.Contains("bad thing happened", e.Message);
        Assert.Contains("bad thing happened", e.Detail);
    }

    [Fact]
    public async Task AProcessOverItsTimeLimitIsKilled()
    {
        var sw = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ClipperException>(() => ProcessRunner.RunAsync(["sleep", "30"], TimeSpan.FromMilliseconds(300)));
        Assert.Equal(ErrorCode.ToolFailed, e.Code);
        Assert.Contains("killed", e.Message);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"returned after {sw.Elapsed}");
    }

    [Fact]
    public async Task AToolOverItsCpuTimeLimitIsStoppedByTheKernel()
    {
        // a busy loop: one CPU second in about one wall second on a free core; the wall limit is far away
        var e = await Assert.ThrowsAsync<ClipperException>(() => ProcessRunner.RunCheckedAsync(
            ["sh", "-c", "while :; do :; done"], TimeSpan.FromMinutes(2), cpuLimit: TimeSpan.FromSeconds(1)));
        Assert.Equal(ErrorCode.ToolFailed, e.Code);
        Assert.Contains("sh used its CPU time limit of 1 s", e.Message);
    }

    [Fact]
    public async Task AToolThatOnlyWaitsIsNotHeldToItsCpuLimitInWallTime()
    {
        // two wall seconds, almost no CPU: a CPU limit of one second does not stop it (a wall limit of one would)
        var r = await ProcessRunner.RunCheckedAsync(["sleep", "2"], TimeSpan.FromMinutes(1), cpuLimit: TimeSpan.FromSeconds(1));
        Assert.Equal(0, r.ExitCode);
    }

    [Fact]
    public async Task AToolKilledOnItsTimeLimitIsReapedNotLeftAZombie()
    {
        // the tool runs under the CPU-measuring shell: killed, it must be gone from the process table at once, not a
        // zombie re-parented to a PID 1 that may never reap it
        var pidFile = Path.Combine(Path.GetTempPath(), $"clipper-pid-{Guid.NewGuid():N}");
        var script = Path.Combine(Path.GetTempPath(), $"clipper-tool-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\necho $$ > '{pidFile}'\nexec sleep 30\n", TestContext.Current.CancellationToken);
        try
        {
            var e = await Assert.ThrowsAsync<ClipperException>(() => ProcessRunner.RunAsync(["/bin/sh", script], TimeSpan.FromMilliseconds(500)));
            Assert.Contains("killed", e.Message);
            var pid = int.Parse((await File.ReadAllTextAsync(pidFile, TestContext.Current.CancellationToken)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} is still in the process table: {(File.Exists($"/proc/{pid}/stat") ? File.ReadAllText($"/proc/{pid}/stat") : "")}");
        }
        finally
        {
            File.Delete(script);
            File.Delete(pidFile);
        }
    }

    [Fact]
    public async Task CancellingKillsTheWholeProcessTree()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"clipper-child-{Guid.NewGuid():N}");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var e = await Assert.ThrowsAsync<ClipperException>(() => ProcessRunner.RunAsync(
            ["sh", "-c", $"(sleep 3; touch {marker}) & wait"], TimeSpan.FromMinutes(1), cts.Token));
        Assert.Equal(ErrorCode.Cancelled, e.Code);
        await Task.Delay(3500, TestContext.Current.CancellationToken);
        Assert.False(File.Exists(marker), "the grandchild was killed with its parent");
    }

    [Fact]
    public async Task AMissingToolCannotStart()
    {
        var e = await Assert.ThrowsAsync<ClipperException>(() => ProcessRunner.RunAsync(["/nonexistent/tool"], TimeSpan.FromSeconds(5)));
        Assert.Equal(ErrorCode.ToolFailed, e.Code);
        Assert.Contains("could not be started", e.Message);
    }

    [Fact]
    public async Task AConsumerThatStopsReadingEarlyDoesNotBreakTheRun()
    {
        var r = await ProcessRunner.RunAsync(["sh", "-c", "seq 1 200000"], Ten, stdoutConsumer: async (s, ct) =>
        {
            var buf = new byte[16];
            _ = await s.ReadAsync(buf, ct);
        });
        Assert.Equal(0, r.ExitCode);
    }

    [Fact]
    public async Task AStdinProducerFeedsTheProcessAndItsEndClosesTheInput()
    {
        // wc only finishes once its input is closed: the count proves every byte arrived and the pipe was closed
        var r = await ProcessRunner.RunAsync(["wc", "-c"], Ten, stdinProducer: async (s, ct) =>
        {
            var block = new byte[65536];
            for (int i = 0; i < 40; i++)
            {
                await s.WriteAsync(block, ct);
            }
        });
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("2621440", r.StdoutText.Trim());
    }

    [Fact]
    public async Task AProcessThatStopsReadingItsInputDoesNotBreakTheRun()
    {
        var r = await ProcessRunner.RunAsync(["head", "-c", "10"], Ten, stdinProducer: async (s, ct) =>
        {
            var block = new byte[65536];
            for (int i = 0; i < 1000; i++)
            {
                await s.WriteAsync(block, ct);
            }
        });
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(10, r.Stdout.Length);
    }
}
