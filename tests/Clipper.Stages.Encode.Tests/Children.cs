namespace Clipper.Stages.Encode.Tests;

/// <summary>This test process's child processes, read from /proc.</summary>
internal static class Children
{
    /// <summary>Ids of the running children of this process whose command name is <paramref name="comm"/>.</summary>
    public static List<int> Named(string comm) =>
        Clipper.TestSupport.ProcessTable.Read()
            .Where(e => e.Name == comm && e.ParentPid == Environment.ProcessId && e.State != 'Z')
            .Select(e => e.Pid).ToList();
}
