using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Clipper.Core.Configuration;

/// <summary>
/// Keys of a configuration section that no setting of its options class reads: a misspelt or renamed key
/// (<c>Clipper:Transcribe:RecogniserTimeoutPerSecond</c> after it became <c>RecogniserCpuPerSecond</c>) would otherwise be
/// ignored without a word, and the silo run on the default the operator meant to change. The section is walked as the
/// binder walks it: a key is known when the class has a public property of that name (case aside), and a nested options
/// class (<c>Clipper:Job:Transcribe</c>, <c>Clipper:Transcribe:Whisper</c>) is walked in turn. Lists and dictionaries are
/// not walked (their keys are indices and names the operator chooses).
/// </summary>
public static class UnknownSettings
{
    /// <summary>
    /// Each unknown key's path and "Section:Key is not a setting", with the nearest known name when one is close, in the
    /// order the configuration lists them. <paramref name="alsoKnown"/> names child sections other options classes read
    /// (the root "Clipper" section holds every stage's).
    /// </summary>
    public static IReadOnlyList<(string Path, string Problem)> Find(IConfigurationSection section, Type options, IEnumerable<string>? alsoKnown = null)
    {
        var problems = new List<(string, string)>();
        Walk(section, options, new HashSet<string>(alsoKnown ?? [], StringComparer.OrdinalIgnoreCase), problems);
        return problems;
    }

    private static void Walk(IConfigurationSection section, Type type, HashSet<string> alsoKnown, List<(string, string)> problems)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (alsoKnown.Contains(child.Key))
            {
                continue;
            }

            if (!properties.TryGetValue(child.Key, out var property))
            {
                var near = Nearest(child.Key, properties.Keys.Concat(alsoKnown));
                problems.Add((child.Path, $"{child.Path} is not a setting{(near is null ? "" : $" (did you mean {section.Path}:{near}?)")}"));
                continue;
            }

            if (IsOptionsClass(property.PropertyType))
            {
                Walk(child, property.PropertyType, [], problems);
            }
        }
    }

    /// <summary>A class the binder fills key by key, as opposed to a value (string, number, enum, time span, URI) or a collection.</summary>
    private static bool IsOptionsClass(Type t) =>
        t.IsClass && t != typeof(string) && t != typeof(Uri) && !typeof(IEnumerable).IsAssignableFrom(t);

    /// <summary>
    /// The known name within a third of the key's length in edits (at least 2), or that the key begins or ends (a unit left
    /// off: CacheBudget for CacheBudgetBytes), the closest first; null when none is.
    /// </summary>
    private static string? Nearest(string key, IEnumerable<string> known)
    {
        int limit = Math.Max(2, key.Length / 3);
        static bool Part(string a, string b) => a.Length >= 4 && (b.StartsWith(a, StringComparison.OrdinalIgnoreCase) || b.EndsWith(a, StringComparison.OrdinalIgnoreCase));
        return known.Select(k => (Name: k, Distance: Distance(key.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(x => x.Distance <= limit || Part(key, x.Name) || Part(x.Name, key))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => x.Name).FirstOrDefault();
    }

    /// <summary>
    /// Adds each unknown key of <paramref name="section"/> to <paramref name="checks"/>, but not one a check has already
    /// named (a retired key's own message says more).
    /// </summary>
    public static void AddTo(OptionChecks checks, IConfigurationSection section, Type options, IEnumerable<string>? alsoKnown = null)
    {
        foreach (var (path, problem) in Find(section, options, alsoKnown))
        {
            if (!checks.Problems.Any(p => p.StartsWith(path + " ", StringComparison.OrdinalIgnoreCase)))
            {
                checks.Add(problem);
            }
        }
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}
