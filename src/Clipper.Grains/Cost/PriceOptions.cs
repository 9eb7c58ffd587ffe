using Clipper.Core.Configuration;

namespace Clipper.Grains.Cost;

/// <summary>
/// The price table ("Clipper:Prices") that turns a job's usage into money (<see cref="JobCosts"/>). No price is built
/// in as truth: each default is a provider's list price on the date its label gives, and an operator sets their own
/// (their contract, their region, their machines). The LLM prices fall back to the ranking's older keys
/// (Clipper:Score:LlmInputPricePerMillion, LlmOutputPricePerMillion, LlmPricesAsOf), which still work; set here, they
/// win over those, and the ranking's own recorded cost uses them too.
/// </summary>
public sealed class PriceOptions
{
    public const string Section = "Clipper:Prices";

    /// <summary>The currency every price is in.</summary>
    public string Currency { get; set; } = "USD";

    /// <summary>Remote speech-to-text, per minute of audio sent (default: OpenAI whisper-1's list price as of <see cref="TranscriptionAsOf"/>).</summary>
    public double TranscriptionPerAudioMinute { get; set; } = 0.006;

    public string TranscriptionAsOf { get; set; } = "2026-12-06 OpenAI whisper-1 list price";

    /// <summary>LLM ranking, per million input tokens; unset: Clipper:Score:LlmInputPricePerMillion (gpt-4o-mini's 0.15 as of 2024-07-18).</summary>
    public double? LlmInputPerMillion { get; set; }

    /// <summary>LLM ranking, per million output tokens; unset: Clipper:Score:LlmOutputPricePerMillion (gpt-4o-mini's 0.60 as of 2024-07-18).</summary>
    public double? LlmOutputPerMillion { get; set; }

    /// <summary>The LLM prices' label; unset: Clipper:Score:LlmPricesAsOf.</summary>
    public string? LlmAsOf { get; set; }

    /// <summary>
    /// CPU, per core-hour of the stages' processes and in-process work. Default 0: what a core-hour costs depends on
    /// the machines, so none is assumed; set it to price CPU.
    /// </summary>
    public double CpuPerCoreHour { get; set; }

    public string CpuAsOf { get; set; } = "not priced: set Clipper:Prices:CpuPerCoreHour";

    public void Check(OptionChecks c)
    {
        c.Require(Currency.Trim().Length > 0, nameof(Currency), "must not be empty");
        foreach (var (key, value) in new (string, double?)[]
        {
            (nameof(TranscriptionPerAudioMinute), TranscriptionPerAudioMinute), (nameof(LlmInputPerMillion), LlmInputPerMillion),
            (nameof(LlmOutputPerMillion), LlmOutputPerMillion), (nameof(CpuPerCoreHour), CpuPerCoreHour),
        })
        {
            c.Require(value is null || (value >= 0 && double.IsFinite(value.Value)), key, $"must be a price of 0 or more, got {value}");
        }
    }
}
