namespace Clipper.Stages.Score.Llm;

/// <summary>A candidate as the model sees it: an id, the window, and its sentences' indices in the transcript.</summary>
public sealed record LlmCandidate(string Id, Window Window, int FirstSentence, int LastSentence, Rating Heuristic);

/// <summary>The model's judgement of one candidate, checked against the candidates it was given.</summary>
public sealed record LlmVerdict(string Id, int Score, int Hook, int Payoff, int Clarity, int Shareability, string Reason,
    string Title, string Description, string[] Hashtags, int FirstSentence, int LastSentence);

/// <summary>What an LLM score was made with: the scorer's version, the model, and the prompt's hash.</summary>
public sealed record LlmStamp(string Scorer, string Model, string PromptHash);

/// <summary>Tokens one call used and what they cost at the price table in <see cref="ScoreOptions"/>.</summary>
public sealed record LlmUsage(int InputTokens, int OutputTokens, decimal Cost, string PricesAsOf);

/// <summary>The exact request and response bodies of the call (the key taken out), and the response's HTTP status.</summary>
public sealed record LlmAudit(string Request, string? Response, int? Status);

/// <summary>
/// How an LLM ranking went. <see cref="Code"/> is <c>llm</c> (the model answered now), <c>llm_cached</c> (the same
/// request was answered before: no call) or a failure code (<see cref="LlmFailure"/>), in which case
/// <see cref="Verdicts"/> is empty and the heuristic ranking stands.
/// </summary>
public sealed record LlmOutcome(string Code, string? Detail, LlmStamp Stamp, string CacheKey, IReadOnlyList<LlmVerdict> Verdicts,
    LlmUsage? Usage, LlmAudit? Audit)
{
    public bool Used => Code is LlmFailure.Answered or LlmFailure.Cached;

    public bool Cached => Code == LlmFailure.Cached;
}

/// <summary>The stable short codes of an LLM ranking (never renamed; the README lists them).</summary>
public static class LlmFailure
{
    public const string Answered = "llm";
    public const string Cached = "llm_cached";

    /// <summary>No answer within <see cref="ScoreOptions.LlmTimeout"/>.</summary>
    public const string Timeout = "llm_timeout";

    /// <summary>The provider could not be reached (connection refused, reset, DNS).</summary>
    public const string Network = "llm_network";

    /// <summary>A 200 whose body or message content is empty.</summary>
    public const string Empty = "llm_empty";

    /// <summary>A body or message content that is not the JSON asked for.</summary>
    public const string Malformed = "llm_malformed";

    /// <summary>The model refused (the completion's refusal field).</summary>
    public const string Refused = "llm_refused";

    /// <summary>JSON that breaks the contract: an unknown or repeated id, a score outside 0–100, a sentence outside the candidate, no title.</summary>
    public const string Schema = "llm_schema";

    /// <summary>429 with <c>insufficient_quota</c>: the account is out of credit.</summary>
    public const string Quota = "llm_quota";

    /// <summary>The circuit breaker is open after repeated failures: no call was made.</summary>
    public const string BreakerOpen = "llm_breaker_open";

    /// <summary>Any other HTTP error: <c>llm_http_401</c>, <c>llm_http_404</c> (unknown model), <c>llm_http_429</c>, <c>llm_http_500</c>, ….</summary>
    public static string Http(int status) => $"llm_http_{status}";
}
