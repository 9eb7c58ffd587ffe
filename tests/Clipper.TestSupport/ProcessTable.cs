using System.Globalization;

namespace Clipper.TestSupport;

/// <summary>The machine's processes as /proc shows them now: id, parent, command name (15 chars at most) and state.</summary>
public static class ProcessTable
{
    public sealed record Entry(int Pid, int ParentPid, string Name, char State);

    public static List<Entry> Read()
    {
        var entries = new List<Entry>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                int open = stat.IndexOf('(');
                int close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                entries.Add(new Entry(pid, int.Parse(fields[1], CultureInfo.InvariantCulture), stat[(open + 1)..close], fields[0][0]));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the process ended while we looked
            }
        }

        return entries;
    }

    /// <summary>The live (not zombie) processes below <paramref name="ancestor"/>: children, grandchildren…</summary>
    public static List<Entry> Descendants(int ancestor)
    {
        var all = Read();
        var byPid = all.ToDictionary(e => e.Pid);
        bool Under(Entry e)
        {
            for (int i = 0; i < 64; i++)
            {
                if (e.ParentPid == ancestor)
                {
                    return true;
                }

                if (!byPid.TryGetValue(e.ParentPid, out e!))
                {
                    return false;
                }
            }

            return false;
        }

        return all.Where(e => e.State != 'Z' && Under(e)).ToList();
    }
}
