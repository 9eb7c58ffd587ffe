using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Clipper.TestSupport;

/// <summary>
/// The chart's Grafana dashboard (helm/clipper/dashboards/clipper.json) as its PromQL: every panel target's
/// expression and every query variable's, each read into the series selectors it names and the labels it groups by.
/// There is no PromQL parser to be had offline here, so <see cref="Read"/> is a tokenizer that knows PromQL's lexical
/// parts: strings, label matchers in braces, ranges in brackets, Grafana's $variables, numbers, keywords, and
/// identifiers followed by "(" or by a grouping (functions and aggregations); any other identifier is a metric name.
/// </summary>
public static partial class GrafanaDashboard
{
    public static string File => Path.Combine(RepoRoot.Dir, "helm", "clipper", "dashboards", "clipper.json");

    /// <summary>One label matcher of a selector: name, operator (=, !=, =~, !~) and the value as written.</summary>
    public sealed record Matcher(string Label, string Op, string Value);

    /// <summary>A series selector: the metric's name and its matchers.</summary>
    public sealed record Selector(string Metric, IReadOnlyList<Matcher> Matchers);

    /// <summary>What one expression names: where it is (panel title and ref id, or the variable), the text, its selectors and grouping labels.</summary>
    public sealed record Query(string Where, string Expr, IReadOnlyList<Selector> Selectors, IReadOnlyList<string> GroupBy);

    private static readonly HashSet<string> Grouping = ["by", "without", "on", "ignoring", "group_left", "group_right"];

    private static readonly HashSet<string> Keywords = ["and", "or", "unless", "bool", "offset", "atan2", "inf", "nan"];

    /// <summary>Every query of the dashboard: the panels' targets (rows' nested panels too) and the query variables.</summary>
    public static IReadOnlyList<Query> Queries(JsonNode dashboard)
    {
        var queries = new List<Query>();
        foreach (var panel in Panels(dashboard["panels"]!.AsArray()))
        {
            foreach (var target in panel["targets"]?.AsArray() ?? [])
            {
                var expr = (string?)target!["expr"] ?? throw new InvalidOperationException($"panel '{panel["title"]}' has a target without expr");
                queries.Add(Read($"panel '{panel["title"]}' {target["refId"]}", expr));
            }
        }

        foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
        {
            if ((string?)variable!["type"] != "query")
            {
                continue;
            }

            var text = (string?)variable["definition"] ?? (string)variable["query"]!["query"]!;
            // Grafana's label_values(selector, label): the selector is PromQL, the label must be on its series
            var m = LabelValues().Match(text);
            var q = Read($"variable ${variable["name"]}", m.Success ? m.Groups[1].Value : text);
            queries.Add(m.Success ? q with { GroupBy = [.. q.GroupBy, m.Groups[2].Value] } : q);
        }

        return queries;
    }

    /// <summary>The panels that show data (rows are only headings), rows' collapsed panels included.</summary>
    public static IEnumerable<JsonNode> Panels(JsonArray panels)
    {
        foreach (var p in panels)
        {
            if ((string?)p!["type"] == "row")
            {
                foreach (var inner in Panels(p["panels"]?.AsArray() ?? []))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return p;
            }
        }
    }

    /// <summary>Reads one PromQL expression into its selectors and grouping labels; throws on what it cannot read.</summary>
    public static Query Read(string where, string expr)
    {
        var selectors = new List<Selector>();
        var groupBy = new List<string>();
        int i = 0;
        while (i < expr.Length)
        {
            char c = expr[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '"' or '\'' or '`')
            {
                i = SkipString(expr, i, where);
            }
            else if (c == '[')
            {
                // a range or a subquery's window: [5m], [$__rate_interval], [1h:5m]
                i = expr.IndexOf(']', i) is var end and >= 0 ? end + 1 : throw Bad(where, expr, "an unclosed [");
            }
            else if (c == '$')
            {
                i = i + 1 < expr.Length && expr[i + 1] == '{' ? expr.IndexOf('}', i) + 1 : SkipName(expr, i + 1);
            }
            else if (c == '{')
            {
                // a selector with no name before it ({__name__="…"}): not used by the dashboard, so not read
                throw Bad(where, expr, "a selector without a metric name");
            }
            else if (char.IsDigit(c) || (c == '.' && i + 1 < expr.Length && char.IsDigit(expr[i + 1])))
            {
                i = SkipWord(expr, i);
            }
            else if (char.IsLetter(c) || c is '_' or ':')
            {
                int end = SkipName(expr, i);
                var word = expr[i..end];
                int next = SkipSpace(expr, end);
                bool call = next < expr.Length && expr[next] == '(';
                // an aggregation may put its grouping first: sum by (stage) (…)
                bool aggregation = NextName(expr, next) is "by" or "without";
                if (Grouping.Contains(word) && !call && word is "group_left" or "group_right")
                {
                    i = end;
                }
                else if (Grouping.Contains(word))
                {
                    if (!call)
                    {
                        throw Bad(where, expr, $"'{word}' without a label list");
                    }

                    int close = expr.IndexOf(')', next);
                    groupBy.AddRange(expr[(next + 1)..close].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                    i = close + 1;
                }
                else if (call || aggregation || Keywords.Contains(word.ToLowerInvariant()))
                {
                    i = end;
                }
                else
                {
                    var matchers = new List<Matcher>();
                    i = next < expr.Length && expr[next] == '{' ? ReadMatchers(expr, next, matchers, where) : end;
                    selectors.Add(new Selector(word, matchers));
                }
            }
            else
            {
                // operators, parentheses and commas
                i++;
            }
        }

        return new Query(where, expr, selectors, groupBy);
    }

    private static int ReadMatchers(string expr, int open, List<Matcher> matchers, string where)
    {
        int i = open + 1;
        while (true)
        {
            i = SkipSpace(expr, i);
            if (i < expr.Length && expr[i] == '}')
            {
                return i + 1;
            }

            var m = MatcherAt().Match(expr, i);
            if (!m.Success || m.Index != i)
            {
                throw Bad(where, expr, $"a label matcher at {i}");
            }

            matchers.Add(new Matcher(m.Groups[1].Value, m.Groups[2].Value, Regex.Unescape(m.Groups[3].Value)));
            i = SkipSpace(expr, i + m.Length);
            if (i < expr.Length && expr[i] == ',')
            {
                i++;
            }
        }
    }

    private static int SkipString(string expr, int i, string where)
    {
        char quote = expr[i];
        for (int j = i + 1; j < expr.Length; j++)
        {
            if (expr[j] == '\\' && quote != '`')
            {
                j++;
            }
            else if (expr[j] == quote)
            {
                return j + 1;
            }
        }

        throw Bad(where, expr, "an unclosed string");
    }

    private static string NextName(string expr, int i) => expr[i..SkipName(expr, i)];

    private static int SkipName(string expr, int i)
    {
        while (i < expr.Length && (char.IsLetterOrDigit(expr[i]) || expr[i] is '_' or ':'))
        {
            i++;
        }

        return i;
    }

    /// <summary>A number or a duration: 0.95, 1e3, 5m.</summary>
    private static int SkipWord(string expr, int i)
    {
        while (i < expr.Length && (char.IsLetterOrDigit(expr[i]) || expr[i] is '_' or ':' or '.'))
        {
            i++;
        }

        return i;
    }

    private static int SkipSpace(string expr, int i)
    {
        while (i < expr.Length && char.IsWhiteSpace(expr[i]))
        {
            i++;
        }

        return i;
    }

    private static FormatException Bad(string where, string expr, string what) => new($"{where}: cannot read {what} in: {expr}");

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*""((?:[^""\\]|\\.)*)""")]
    private static partial Regex MatcherAt();

    [GeneratedRegex(@"^\s*label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$")]
    private static partial Regex LabelValues();
}
