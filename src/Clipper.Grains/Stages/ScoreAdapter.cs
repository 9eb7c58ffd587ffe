using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core;
using Clipper.Core.Remote;
using Clipper.Core.Storage;
using Clipper.Core.Transcripts;
using Clipper.Grains.Ranking;
using Clipper.Stages.Score;
using Clipper.Stages.Score.Llm;
using OpenAI.Chat;

namespace Clipper.Grains.Stages;

/// <summary>
/// Score: the clips chosen from the transcript (<see cref="Scored"/>). With Clipper:Score:Rank = llm the heuristic's
/// proposals are re-ranked by one chat call (<see cref="LlmRanker"/>) behind the provider's cluster-wide breaker; the
/// call's audit (exact request and response, the key taken out) is stored beside the job's clips
/// (<see cref="BlobLayout.LlmAudit"/>) whatever came of it.
/// </summary>
internal sealed class ScoreAdapter(IBlobStore blobs, ScoreOptions options, OpenAiOptions openAi, IGrainFactory grains,
    IClipperMetrics metrics) : IStageAdapter
{
    private ChatClient? _chat;

    public async Task<StageOutput> RunAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel)
    {
        var t = await blobs.ReadJsonAsync<Transcript>(work.Transcript!.TranscriptKey, cancel);
        // the stage's result holds the language as decided for this job (its own choice beats the stored transcript's)
        t = t with { Language = work.Transcript.Language ?? t.Language };
        var clipOptions = work.Spec.Options.ToOptions();
        // the job's own choice, else the operator's
        if ((work.Spec.Options.Rank ?? (options.RankWithLlm ? "llm" : "heuristic")) != "llm")
        {
            var clips = await Task.Run(() => ClipSelector.Select(t, work.Source!.Duration, clipOptions, options), cancel);
            return new Scored(clips.Select(ClipPlan.From).ToList(), RankSummary.Heuristic);
        }

        var proposal = await Task.Run(() => ClipSelector.Propose(t, work.Source!.Duration, clipOptions, options,
            Math.Max(options.LlmCandidates, clipOptions.MaxClips)), cancel);
        var candidates = LlmBlend.Candidates(proposal);
        _chat ??= openAi.CreateClient().GetChatClient(openAi.ChatModel);
        var ranker = new LlmRanker(_chat, openAi.ChatModel, options, blobs, new GrainLlmGate(grains, Provider()), openAi.Redact);
        var outcome = await ranker.RankAsync(TranscriptHash(t), Languages.EnglishName(t.Language), candidates, cancel);
        var ranked = LlmBlend.Apply(proposal, candidates, outcome, clipOptions, options);

        var auditKey = BlobLayout.LlmAudit(work.JobId);
        await blobs.PutBytesAsync(auditKey, Encoding.UTF8.GetBytes(openAi.Redact(Audit(work.JobId, outcome, candidates).ToJsonString(
            new System.Text.Json.JsonSerializerOptions { WriteIndented = true }))), cancel);
        // tokens were spent by this job only when the model answered now (a cached answer cost nothing this time)
        var usage = outcome.Code == LlmFailure.Cached ? null : outcome.Usage;
        metrics.LlmRanking(outcome.Code, usage?.InputTokens ?? 0, usage?.OutputTokens ?? 0);
        return new Scored(ranked.Select(ClipPlan.From).ToList(), new RankSummary("llm", outcome.Code, outcome.Detail,
            outcome.Stamp.Model, outcome.Stamp.Scorer, outcome.Stamp.PromptHash, auditKey, usage?.InputTokens ?? 0,
            usage?.OutputTokens ?? 0, (double)(usage?.Cost ?? 0), options.LlmPricesAsOf));
    }

    /// <summary>The breaker's key: one per service, endpoint and model.</summary>
    private string Provider() =>
        $"{openAi.Service}|{(openAi.AzureEndpoint.Length > 0 ? openAi.AzureEndpoint : openAi.BaseUrl)}|{openAi.ChatModel}";

    private static string TranscriptHash(Transcript t) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Json.Serialize(t.Words))));

    /// <summary>The audit record: the outcome, the stamp, the candidates as proposed, the verdicts, and the exact request and response.</summary>
    private static JsonObject Audit(string jobId, LlmOutcome o, IReadOnlyList<LlmCandidate> candidates) => new()
    {
        ["job"] = jobId,
        ["outcome"] = o.Code,
        ["detail"] = o.Detail,
        ["cached"] = o.Cached,
        ["cacheKey"] = o.CacheKey,
        ["stamp"] = new JsonObject { ["scorer"] = o.Stamp.Scorer, ["model"] = o.Stamp.Model, ["promptHash"] = o.Stamp.PromptHash },
        ["usage"] = o.Usage is { } u
            ? new JsonObject { ["inputTokens"] = u.InputTokens, ["outputTokens"] = u.OutputTokens, ["costUsd"] = u.Cost, ["pricesAsOf"] = u.PricesAsOf }
            : null,
        ["candidates"] = new JsonArray([.. candidates.Select(c => (JsonNode)new JsonObject
        {
            ["id"] = c.Id,
            ["start"] = Math.Round(c.Window.Start, 3),
            ["end"] = Math.Round(c.Window.End, 3),
            ["firstSentence"] = c.FirstSentence,
            ["lastSentence"] = c.LastSentence,
            ["heuristicScore"] = c.Heuristic.Score,
            ["heuristicReason"] = c.Heuristic.Reason,
        })]),
        ["verdicts"] = JsonNode.Parse(Json.Serialize(o.Verdicts)),
        ["request"] = o.Audit?.Request is { } request ? JsonNode.Parse(request) : null,
        // the response body as text, exactly as received (a malformed answer is kept as it came)
        ["status"] = o.Audit?.Status,
        ["response"] = o.Audit?.Response,
    };
}
