using System.Globalization;
using Clipper.Core.Clips;
using Clipper.Core.Errors;

namespace Clipper.Host.Cli;

/// <summary><c>clip INPUT [--out DIR] [--clips N] [--min S] [--max S]</c>, parsed and validated (bad_option otherwise).</summary>
public sealed record ClipArgs(string Input, string? Out, ClipOptions Options)
{
    public static ClipArgs Parse(IReadOnlyList<string> args)
    {
        string? input = null, output = null;
        var d = ClipOptions.Defaults;
        int clips = d.MaxClips;
        double min = d.MinSeconds, max = d.MaxSeconds;
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            switch (a)
            {
                case "--out":
                    output = Value(args, ++i, a);
                    break;
                case "--clips":
                    var n = Number(Value(args, ++i, a), a);
                    if (n != Math.Floor(n) || n > int.MaxValue || n < int.MinValue)
                    {
                        throw Bad($"--clips needs a whole number, got '{args[i]}'");
                    }

                    clips = (int)n;
                    break;
                case "--min":
                    min = Number(Value(args, ++i, a), a);
                    break;
                case "--max":
                    max = Number(Value(args, ++i, a), a);
                    break;
                default:
                    if (a.StartsWith("--", StringComparison.Ordinal))
                    {
                        throw Bad($"unknown option {a}");
                    }

                    if (input is not null)
                    {
                        throw Bad($"only one input, got '{input}' and '{a}'");
                    }

                    input = a;
                    break;
            }
        }

        if (input is null)
        {
            throw Bad("no input: clipper clip INPUT (a video file or an http(s) URL)");
        }

        return new ClipArgs(input, output, new ClipOptions(clips, min, max, d.Width, d.Height).Validate());
    }

    private static string Value(IReadOnlyList<string> args, int i, string option) =>
        i < args.Count ? args[i] : throw Bad($"{option} needs a value");

    private static double Number(string v, string option) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d : throw Bad($"{option} needs a number, got '{v}'");

    private static ClipperException Bad(string message) => new(ErrorCode.BadOption, message);
}
