using System.Diagnostics;
using System.Text;
using Clipper.Core.Errors;

namespace Clipper.Core.Processes;

/// <summary>
/// The outcome of a finished process: stdout whole (unless streamed), stderr only as its last lines, and the CPU
/// seconds (user + system) it and the processes it waited for used (0 where that could not be measured).
/// </summary>
public sealed record ProcessResult(int ExitCode, byte[] Stdout, string StderrTail, double CpuSeconds = 0)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);
}

/// <summary>
/// Runs a child process with a time limit, always capturing its exit code and the tail of its stderr.
/// Cancelling the token kills the process tree (that is how cancelling a job stops its ffmpeg).
/// Failures become <see cref="ClipperException"/>s with <see cref="ErrorCode.ToolFailed"/> and the stderr tail.
/// Each process's own CPU time is measured (<see cref="ChildCpu"/>) and added to the caller's <see cref="CpuMeter"/>.
/// </summary>
public static class ProcessRunner
{
    public const int TailLines = 25;

    /// <summary>Runs and returns the result whatever the exit code; throws only on timeout, cancel or failure to start.</summary>
    /// <param name="stdinProducer">writes the process's standard input, which is closed when it returns (frames piped into
    /// ffmpeg); without it standard input is closed at once</param>
    /// <param name="cpuLimit">the most CPU time the tool may use (whole seconds, enforced by the kernel), so that a tool that is
    /// only slow because it shares its cores is not stopped, while <paramref name="timeout"/> stays the backstop for one that
    /// hangs; null: none. Only a tool run under the measuring shell (<see cref="ChildCpu"/>) is held to it.</param>
    public static async Task<ProcessResult> RunAsync(
        IReadOnlyList<string> command,
        TimeSpan timeout,
        CancellationToken cancel = default,
        Func<Stream, CancellationToken, Task>? stdoutConsumer = null,
        Action<string>? stderrLine = null,
        string? workingDirectory = null,
        Func<Stream, CancellationToken, Task>? stdinProducer = null,
        TimeSpan? cpuLimit = null)
    {
        var tool = Path.GetFileName(command[0]);
        int? cpuLimitSeconds = cpuLimit is { } c ? (int)Math.Ceiling(c.TotalSeconds) : null;
        var cpu = ChildCpu.For(command, cpuLimitSeconds);
        var psi = new ProcessStartInfo(cpu.Command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var arg in cpu.Command.Skip(1))
        {
            psi.ArgumentList.Add(arg);
        }

        using var _ = cpu;
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new ClipperException(ErrorCode.ToolFailed, $"{tool} could not be started: {e.Message}", inner: e);
        }

        var inTask = Task.CompletedTask;
        if (stdinProducer is null)
        {
            process.StandardInput.Close();
        }
        else
        {
            inTask = Task.Run(async () =>
            {
                var stream = process.StandardInput.BaseStream;
                try
                {
                    await stdinProducer(stream, cancel).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
                {
                    // the process stopped reading (it failed or was killed): the exit code and stderr tell the story
                }
                finally
                {
                    try
                    {
                        process.StandardInput.Close();
                    }
                    catch (IOException)
                    {
                        // already gone
                    }
                }
            }, CancellationToken.None);
        }

        var tail = new Queue<string>();
        var errTask = Task.Run(async () =>
        {
            string? line;
            while ((line = await process.StandardError.ReadLineAsync().ConfigureAwait(false)) is not null)
            {
                stderrLine?.Invoke(line);
                lock (tail)
                {
                    tail.Enqueue(line);
                    if (tail.Count > TailLines)
                    {
                        tail.Dequeue();
                    }
                }
            }
        }, CancellationToken.None);
        var stdout = new MemoryStream();
        var outTask = Task.Run(async () =>
        {
            var stream = process.StandardOutput.BaseStream;
            try
            {
                if (stdoutConsumer is not null)
                {
                    await stdoutConsumer(stream, cancel).ConfigureAwait(false);
                    await stream.CopyToAsync(Stream.Null, CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    await stream.CopyToAsync(stdout, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
            {
                // the consumer stopped reading or the process died: the exit code and stderr tell the story
            }
        }, CancellationToken.None);

        using var timeoutCts = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, timeoutCts.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process, cpu.Wrapped);
            if (cancel.IsCancellationRequested)
            {
                throw new ClipperException(ErrorCode.Cancelled, $"{tool} was stopped because the work was cancelled");
            }

            await Task.WhenAny(Task.WhenAll(outTask, errTask), Task.Delay(5000, CancellationToken.None)).ConfigureAwait(false);
            throw new ClipperException(ErrorCode.ToolFailed,
                $"{tool} did not finish within {timeout.TotalSeconds:0} s and was killed", TailOf(tail));
        }

        await Task.WhenAny(Task.WhenAll(outTask, errTask, inTask), Task.Delay(10000, CancellationToken.None)).ConfigureAwait(false);
        double seconds = cpu.Read();
        CpuMeter.AddChild(seconds);
        if (cpuLimitSeconds is { } limit && cpu.Wrapped
            && (process.ExitCode == ChildCpu.CpuLimitExit || (process.ExitCode == ChildCpu.KilledExit && seconds >= limit)))
        {
            throw new ClipperException(ErrorCode.ToolFailed,
                $"{tool} used its CPU time limit of {limit} s ({seconds:0.0} s measured) and was stopped", TailOf(tail));
        }

        return new ProcessResult(process.ExitCode, stdout.ToArray(), TailOf(tail), seconds);
    }

    /// <summary>Runs and throws <see cref="ErrorCode.ToolFailed"/> (exit code and stderr tail) unless it exits 0.</summary>
    public static async Task<ProcessResult> RunCheckedAsync(IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancel = default,
        TimeSpan? cpuLimit = null)
    {
        var r = await RunAsync(command, timeout, cancel, cpuLimit: cpuLimit).ConfigureAwait(false);
        RequireSuccess(command, r);
        return r;
    }

    public static void RequireSuccess(IReadOnlyList<string> command, ProcessResult r)
    {
        if (r.ExitCode != 0)
        {
            var tool = Path.GetFileName(command[0]);
            throw new ClipperException(ErrorCode.ToolFailed,
                $"{tool} failed with exit code {r.ExitCode}{LastLine(r.StderrTail)}", r.StderrTail);
        }
    }

    /// <summary>
    /// Kills the process and everything it started. Under the measuring shell the tool's tree is killed first and the
    /// shell left to reap it and exit: a tool killed with its shell would be left a zombie, re-parented to a PID 1 that
    /// may never reap it (in a container, this process).
    /// </summary>
    private static void Kill(Process process, bool wrapped)
    {
        try
        {
            if (wrapped && KillChildren(process.Id) > 0 && process.WaitForExit(5000))
            {
                return;
            }

            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // it already ended
        }
    }

    /// <summary>Kills the trees of the processes whose parent is <paramref name="pid"/>; returns how many there were.</summary>
    private static int KillChildren(int pid)
    {
        int killed = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var child) || ParentOf(dir) != pid)
            {
                continue;
            }

            try
            {
                using var p = Process.GetProcessById(child);
                p.Kill(entireProcessTree: true);
                killed++;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // it ended meanwhile
            }
        }

        return killed;
    }

    /// <summary>The parent pid in /proc/PID/stat (the field after the state, after the command's closing parenthesis); -1 when gone.</summary>
    private static int ParentOf(string dir)
    {
        try
        {
            var fields = ProcessCpu.StatFields(File.ReadAllText(Path.Combine(dir, "stat")));
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return -1;
        }
    }

    private static string LastLine(string tail)
    {
        if (string.IsNullOrWhiteSpace(tail))
        {
            return "";
        }

        var lines = tail.Trim().Split('\n');
        return ": " + lines[^1];
    }

    private static string TailOf(Queue<string> tail)
    {
        lock (tail)
        {
            return string.Join("\n", tail);
        }
    }
}
