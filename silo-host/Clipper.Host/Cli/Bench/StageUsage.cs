namespace Clipper.Host.Cli.Bench;

/// <summary>One reading of the sampler: seconds since it started, CPU seconds so far, units running per stage.</summary>
public sealed record UsageSample(double At, double CpuSeconds, IReadOnlyDictionary<string, long> Running);

/// <summary>A stage's share of a sampled run: the wall seconds in which it had a unit running, and the CPU split to it.</summary>
public sealed record StageShare(string Stage, double WallSeconds, double CpuSeconds);

/// <summary>
/// Splits CPU sampled over time among the stages that had units running. Between two samples the CPU used goes to
/// the stages in proportion to their running units (the mean of the counts at both ends), so while tracking and
/// encoding overlap each gets the share of its units; an interval with no unit running at either end goes to
/// <see cref="Idle"/> (the silo starting and stopping, the job between units). A stage's wall seconds are the
/// intervals in which it had a unit running at either end, so overlapping stages' walls add up to more than the run.
/// Pure arithmetic, so it can be tested; a unit shorter than the interval between samples may go unseen, its CPU
/// then falling to its neighbours.
/// </summary>
public static class StageUsage
{
    public const string Idle = "(no unit)";

    /// <summary>The stages in the order they first ran, then <see cref="Idle"/> when it got anything.</summary>
    public static IReadOnlyList<StageShare> Split(IReadOnlyList<UsageSample> samples)
    {
        var wall = new Dictionary<string, double>();
        var cpu = new Dictionary<string, double>();
        var order = new List<string>();
        void Add(string stage, double w, double c)
        {
            if (!wall.ContainsKey(stage))
            {
                order.Add(stage);
                wall[stage] = 0;
                cpu[stage] = 0;
            }

            wall[stage] += w;
            cpu[stage] += c;
        }

        for (int i = 1; i < samples.Count; i++)
        {
            var (a, b) = (samples[i - 1], samples[i]);
            double dt = b.At - a.At, dc = b.CpuSeconds - a.CpuSeconds;
            var weights = a.Running.Keys.Union(b.Running.Keys)
                .Select(s => (Stage: s, Weight: (a.Running.GetValueOrDefault(s) + b.Running.GetValueOrDefault(s)) / 2.0))
                .Where(x => x.Weight > 0)
                .ToList();
            double total = weights.Sum(x => x.Weight);
            if (total == 0)
            {
                Add(Idle, dt, dc);
                continue;
            }

            foreach (var (stage, weight) in weights)
            {
                Add(stage, dt, dc * weight / total);
            }
        }

        return order.Where(s => s != Idle).Append(Idle).Where(wall.ContainsKey)
            .Select(s => new StageShare(s, wall[s], cpu[s])).ToList();
    }
}
