using System.Globalization;
using System.Text.RegularExpressions;

namespace Clipper.Core.Processes;

/// <summary>
/// Measures one child process's CPU time. System.Diagnostics.Process reaps a child the moment it exits (its SIGCHLD
/// handler calls waitpid), so neither /proc/&lt;pid&gt;/stat nor Process.TotalProcessorTime can be read after the end,
/// and the silo's own children total (/proc/self/stat cutime) mixes every job's processes. So the command runs under
/// <c>/bin/sh</c>, which waits for it and then writes the shell's <c>times</c>: the second line is the user and system
/// time of the shell's waited-for children, i.e. the tool and every process the tool itself waited for (the ffmpeg
/// yt-dlp starts). Exit code, stdin, stdout and stderr are the tool's. Only a tool named by an absolute path or found on
/// PATH is wrapped; any other runs as before, unmeasured, so a missing tool still fails to start as it did.
/// The shell can also cap the tool's CPU time (<c>ulimit -t</c>, the kernel's RLIMIT_CPU): past it the kernel stops the
/// tool with SIGXCPU, however long it waited for a core.
/// </summary>
internal sealed partial class ChildCpu : IDisposable
{
    private readonly string? _file;

    private ChildCpu(IReadOnlyList<string> command, string? file)
    {
        Command = command;
        _file = file;
    }

    /// <summary>The command to start: the tool under the measuring shell, or the tool itself.</summary>
    public IReadOnlyList<string> Command { get; }

    /// <summary>Whether the tool runs under the measuring shell (so the process started is the shell, the tool its child).</summary>
    public bool Wrapped => _file is not null;

    /// <summary>The exit statuses the shell reports for a tool the kernel stopped at its CPU limit (128 + SIGXCPU, 128 + SIGKILL).</summary>
    public const int CpuLimitExit = 128 + 24, KilledExit = 128 + 9;

    /// <param name="cpuLimitSeconds">the tool's CPU time limit in whole seconds; null: none</param>
    public static ChildCpu For(IReadOnlyList<string> command, int? cpuLimitSeconds = null)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/bin/sh") || !Resolves(command[0]))
        {
            return new ChildCpu(command, null);
        }

        var file = Path.Combine(Path.GetTempPath(), $"clipper-cpu-{Guid.NewGuid():N}");
        // $0 is the file, "$@" the tool and its arguments, exactly as given (no word splitting, no globbing); a CPU limit is
        // set in the shell and inherited by the tool (the shell itself only waits). The soft limit sends SIGXCPU, the hard one,
        // 5 s later, SIGKILL to a tool that ignores it; with both equal the kernel would send only SIGKILL.
        var limit = cpuLimitSeconds is { } n
            ? string.Create(CultureInfo.InvariantCulture, $"ulimit -S -t {Math.Max(1, n)} && ulimit -H -t {Math.Max(1, n) + 5} && ")
            : "";
        return new ChildCpu(["/bin/sh", "-c", limit + "\"$@\"; s=$?; times >\"$0\"; exit $s", file, .. command], file);
    }

    /// <summary>The CPU seconds the finished tool used; 0 when it was not measured (killed, or run unwrapped).</summary>
    public double Read()
    {
        if (_file is null || !File.Exists(_file))
        {
            return 0;
        }

        // "0m0.001s 0m0.002s" for the shell itself, then the same for its children
        var times = Times().Matches(File.ReadAllText(_file));
        if (times.Count < 4)
        {
            return 0;
        }

        double Seconds(Match m) => (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 60)
            + double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        return Seconds(times[2]) + Seconds(times[3]);
    }

    public void Dispose()
    {
        if (_file is not null)
        {
            try
            {
                File.Delete(_file);
            }
            catch (IOException)
            {
                // a leftover of a few bytes in the temporary directory
            }
        }
    }

    /// <summary>Whether the tool names an executable file, directly or on PATH, as Process.Start would find it.</summary>
    private static bool Resolves(string tool)
    {
        if (tool.Contains('/'))
        {
            // a relative path would be found from the shell's working directory, not this process's
            return Path.IsPathRooted(tool) && Executable(tool);
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Any(dir => Executable(Path.Combine(dir, tool)));
    }

    private static bool Executable(string file) =>
        !OperatingSystem.IsWindows() && File.Exists(file) && (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    [GeneratedRegex(@"(\d+)m([0-9.]+)s")]
    private static partial Regex Times();
}
