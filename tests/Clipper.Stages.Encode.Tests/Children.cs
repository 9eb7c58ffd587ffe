namespace Clipper.Stages.Encode.Tests;

/// <summary>This test process's child processes and their CPU time, read from /proc.</summary>
internal static class Children
{
    /// <summary>Ids of the running children of this process whose command name is <paramref name="comm"/>.</summary>
    public static List<int> Named(string comm) =>
        Clipper.TestSupport.ProcessTable.Read()
            .Where(e => e.Name == comm && e.ParentPid == Environment.ProcessId && e.State != 'Z')
            .Select(e => e.Pid).ToList();

    /// <summary>
    /// CPU seconds used by this process's finished, reaped children (cutime + cstime of /proc/self/stat): unlike
    /// wall time, not inflated by other work sharing the machine.
    /// </summary>
    public static double CpuSeconds() => Clipper.Core.Processes.ProcessCpu.Seconds().Children;
}
