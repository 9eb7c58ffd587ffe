namespace Clipper.Stages.Encode.Tests;

/// <summary>This test process's child processes (and theirs: tools run under a CPU-measuring shell), read from /proc.</summary>
internal static class Children
{
    /// <summary>Ids of the running descendants of this process whose command name is <paramref name="comm"/>.</summary>
    public static List<int> Named(string comm) =>
        Clipper.TestSupport.ProcessTable.Descendants(Environment.ProcessId)
            .Where(e => e.Name == comm)
            .Select(e => e.Pid).ToList();
}
