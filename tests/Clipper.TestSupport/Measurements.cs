using Clipper.Core.Samples;

namespace Clipper.TestSupport;

/// <summary>
/// Figures a test measured (word error rate, face coverage, recovery time), appended to
/// <c>.build/measurements.txt</c> beside <c>.assets/</c>; <c>./clipper test</c> prints them after the run, so they
/// are seen without digging through test logs.
/// </summary>
public static class Measurements
{
    private static readonly object Gate = new();

    public static void Record(string line)
    {
        var dir = Path.Combine(Path.GetDirectoryName(Assets.Dir())!, ".build");
        Directory.CreateDirectory(dir);
        lock (Gate)
        {
            File.AppendAllText(Path.Combine(dir, "measurements.txt"), $"{DateTime.UtcNow:HH:mm:ss} {line}{Environment.NewLine}");
        }

        Console.WriteLine(line);
    }
}
