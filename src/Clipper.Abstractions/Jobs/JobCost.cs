namespace Clipper.Abstractions.Jobs;

/// <summary>
/// What a job used and what that costs at the silo's price table (Clipper:Prices): CPU seconds and wall seconds of
/// each stage (its units summed, failed attempts' CPU included), the remote speech-to-text service's requests and
/// billed audio, and the LLM's tokens; each line's money and the total in <see cref="Currency"/>. Every price is a
/// label, not a truth: <see cref="PricesAsOf"/> says whose list and when.
/// </summary>
[GenerateSerializer, Immutable, Alias("clipper.JobCost")]
public sealed record JobCost(IReadOnlyList<StageCost> Stages, RemoteAsrCost? Transcription, LlmCost? Ranking, double Total,
    string Currency, string PricesAsOf)
{
    /// <summary>CPU seconds of every stage.</summary>
    public double CpuSeconds => Stages.Sum(s => s.CpuSeconds);
}

/// <summary>One stage: its units that ran, their CPU seconds (children and in-process work), wall seconds of the finished ones, and the CPU's price.</summary>
[GenerateSerializer, Immutable, Alias("clipper.StageCost")]
public sealed record StageCost(string Stage, int Units, double CpuSeconds, double WallSeconds, double Cost);

/// <summary>What this job sent a remote speech-to-text service (nothing when the transcript came from the cache).</summary>
[GenerateSerializer, Immutable, Alias("clipper.RemoteAsrCost")]
public sealed record RemoteAsrCost(string Service, string Model, int Requests, double AudioSeconds, double Cost)
{
    public double AudioMinutes => AudioSeconds / 60;
}

/// <summary>What this job's ranking call spent (nothing when the answer came from the cache).</summary>
[GenerateSerializer, Immutable, Alias("clipper.LlmCost")]
public sealed record LlmCost(string Model, int InputTokens, int OutputTokens, double Cost);
