using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Work;

namespace Clipper.Grains.Cost;

/// <summary>
/// A job's usage, from its persisted state, priced by a <see cref="PriceOptions"/> table (whose LLM prices are
/// resolved). Pure: the usage is what the units reported and the stage results keep, so a reactivated job shows the
/// same numbers.
/// </summary>
public static class JobCosts
{
    public static JobCost Of(JobState s, PriceOptions prices)
    {
        var stages = new List<StageCost>();
        foreach (var info in StageInfo.All)
        {
            var units = s.Units.Where(u => u.Id.Stage == info.Stage && (u.Seconds is not null || u.CpuSeconds > 0)).ToList();
            if (units.Count == 0)
            {
                continue;
            }

            double cpu = units.Sum(u => u.CpuSeconds);
            stages.Add(new StageCost(info.Stage.ToString().ToLowerInvariant(), units.Count, cpu, units.Sum(u => u.Seconds ?? 0),
                cpu / 3600 * prices.CpuPerCoreHour));
        }

        RemoteAsrCost? asr = s.Transcript?.Remote is { } r
            ? new RemoteAsrCost(r.Service, r.Model, r.Requests, r.AudioSeconds, r.AudioSeconds / 60 * prices.TranscriptionPerAudioMinute)
            : null;
        LlmCost? llm = s.Ranking is { Method: "llm" } k && k.InputTokens + k.OutputTokens > 0
            ? new LlmCost(k.Model ?? "", k.InputTokens, k.OutputTokens,
                ((k.InputTokens * (prices.LlmInputPerMillion ?? 0)) + (k.OutputTokens * (prices.LlmOutputPerMillion ?? 0))) / 1_000_000)
            : null;
        double total = stages.Sum(x => x.Cost) + (asr?.Cost ?? 0) + (llm?.Cost ?? 0);
        return new JobCost(stages, asr, llm, total, prices.Currency, AsOf(prices));
    }

    /// <summary>Each price's label, in one line.</summary>
    public static string AsOf(PriceOptions p) =>
        $"cpu: {p.CpuAsOf}; transcription: {p.TranscriptionAsOf}; llm: {p.LlmAsOf ?? "unset"}";
}
