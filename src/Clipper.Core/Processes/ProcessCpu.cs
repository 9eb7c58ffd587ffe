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
        var stat = File.ReadAllText("/proc/self/stat");
        // the command name may hold spaces: the fields after it start at field 3 (state), so fields 14-17 are 11-14
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        double Ticks(int i) => long.Parse(f[i], CultureInfo.InvariantCulture) / 100.0;
        return new CpuTime(Ticks(11) + Ticks(12), Ticks(13) + Ticks(14));
    }
}

/// <summary>CPU seconds of a process itself and of its reaped children.</summary>
public readonly record struct CpuTime(double Self, double Children)
{
    public double Total => Self + Children;
}
