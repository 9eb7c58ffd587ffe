namespace Clipper.Stages.Encode.Tests;

/// <summary>This test process's child processes, read from /proc.</summary>
internal static class Children
{
    /// <summary>Ids of the running children of this process whose command name is <paramref name="comm"/>.</summary>
    public static List<int> Named(string comm)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                int open = stat.IndexOf('(');
                int close = stat.LastIndexOf(')');
                string name = stat[(open + 1)..close];
                var fields = stat[(close + 2)..].Split(' ');
                // after the name: state, then the parent's id
                if (name == comm && int.Parse(fields[1]) == Environment.ProcessId && fields[0] != "Z")
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // the process ended while we looked
            }
        }

        return found;
    }

    /// <summary>
    /// CPU seconds used by this process's finished, reaped children (cutime + cstime of /proc/self/stat): unlike
    /// wall time, not inflated by other work sharing the machine.
    /// </summary>
    public static double CpuSeconds()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields after the name start at field 3 (state), so cutime (16) and cstime (17) are at 13 and 14
        return (long.Parse(f[13]) + long.Parse(f[14])) / 100.0;
    }
}
