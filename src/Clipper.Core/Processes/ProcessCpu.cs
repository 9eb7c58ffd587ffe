using System.Globalization;

namespace Clipper.Core.Processes;

/// <summary>CPU time as Linux accounts it in /proc/self/stat.</summary>
public static class ProcessCpu
{
    /// <summary>
    /// Seconds this process has used itself (utime + stime) and that its finished, reaped children, such as
    /// ffmpeg and pocketsphinx, have used (cutime + cstime). Unlike wall time, not inflated by other work sharing
    /// the machine.
    /// </summary>
    public static CpuTime Seconds()
    {
        // fields 14-17 of stat are 11-14 after the command name
        var f = StatFields(File.ReadAllText("/proc/self/stat"));
        double Ticks(int i) => long.Parse(f[i], CultureInfo.InvariantCulture) / 100.0;
        return new CpuTime(Ticks(11) + Ticks(12), Ticks(13) + Ticks(14));
    }

    /// <summary>
    /// The fields of a /proc/PID/stat line after the command name, from field 3 (the state) on: the name may hold spaces
    /// and parentheses, so they start after its last ')'. [0] is the state, [1] the parent pid.
    /// </summary>
    public static string[] StatFields(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
}

/// <summary>CPU seconds of a process itself and of its reaped children.</summary>
public readonly record struct CpuTime(double Self, double Children)
{
    public double Total => Self + Children;
}
