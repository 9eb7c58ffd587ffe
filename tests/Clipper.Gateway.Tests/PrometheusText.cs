using System.Globalization;
using System.Text.RegularExpressions;

namespace Clipper.Gateway.Tests;

/// <summary>A strict reader of the Prometheus text format (0.0.4): every line a comment (# HELP / # TYPE) or a sample.</summary>
public static partial class PrometheusText
{
    /// <summary>Samples by "name{labels}" (labels as written); throws on any line that is not valid.</summary>
    public static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>();
        var types = new Dictionary<string, string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                var m = Meta().Match(line);
                Assert.True(m.Success, $"bad comment line: {line}");
                if (m.Groups[1].Value == "TYPE")
                {
                    Assert.Contains(m.Groups[3].Value.Trim(), new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                    Assert.True(types.TryAdd(m.Groups[2].Value, m.Groups[3].Value.Trim()), $"TYPE given twice for {m.Groups[2].Value}");
                }

                continue;
            }

            var s = Sample().Match(line);
            Assert.True(s.Success, $"bad sample line: {line}");
            var value = s.Groups[3].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            Assert.True(samples.TryAdd(s.Groups[1].Value + s.Groups[2].Value, value), $"sample given twice: {line}");
        }

        return samples;
    }

    [GeneratedRegex(@"^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$")]
    private static partial Regex Meta();

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*"",?)*\})? ([-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|Inf|NaN)|\+Inf|-Inf|NaN)( -?[0-9]+)?$")]
    private static partial Regex Sample();
}
