namespace Clipper.TestSupport;

/// <summary>The repository checkout the tests run from: the nearest directory above the test binaries holding Clipper.sln.</summary>
public static class RepoRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Dir => Root.Value;

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Clipper.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException($"no Clipper.sln above {AppContext.BaseDirectory}: run the tests from a clone of the repository");
    }
}
