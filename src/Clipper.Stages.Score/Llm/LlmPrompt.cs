using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Clipper.Stages.Score.Llm;

/// <summary>
/// The ranking prompt: the system message (an operator may replace it, <see cref="ScoreOptions.LlmPromptTemplate"/>)
/// and the strict JSON schema of the answer. <see cref="Hash"/> covers both, so a changed template or schema changes
/// every score's stamp and misses the cache.
/// </summary>
public static class LlmPrompt
{
    /// <summary>The scorer's version, stamped on every LLM score; raise it when the parsing or blending rules change.</summary>
    public const string ScorerVersion = "clipper-llm-rank/1";

    public const string SchemaName = "clip_ranking";

    /// <summary>The built-in system message; <c>{language}</c> is replaced by the transcript's language.</summary>
    public const string DefaultTemplate =
        """
        You rank candidate short-form clips cut from one long talking video. Each candidate is a run of whole
        sentences of the transcript, with its id and its sentences' indices and times.
        For each candidate worth posting, return: its id; a 0-100 score of how well it would do as a standalone
        vertical short; sub-scores 0-100 for hook (the first seconds stop the scroll), payoff (it lands a point),
        clarity (understandable without the rest of the video) and shareability; a one-line reason naming what
        drives the score; a title (at most 60 characters), a one- or two-sentence description and 3 to 5 hashtags,
        all in {language}; and first_sentence / last_sentence: the candidate's own first and last sentence indices,
        or a tighter range inside them when trimming makes a better clip. Never use an id or a sentence index
        that was not given. Judge only the words given; do not invent content.
        """;

    /// <summary>The answer's schema (strict structured outputs: every property required, no extras).</summary>
    public static JsonObject Schema()
    {
        static JsonObject Int() => new() { ["type"] = "integer" };
        static JsonObject Str() => new() { ["type"] = "string" };
        var clip = new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["required"] = new JsonArray("id", "score", "hook", "payoff", "clarity", "shareability", "reason", "title",
                "description", "hashtags", "first_sentence", "last_sentence"),
            ["properties"] = new JsonObject
            {
                ["id"] = Str(),
                ["score"] = Int(),
                ["hook"] = Int(),
                ["payoff"] = Int(),
                ["clarity"] = Int(),
                ["shareability"] = Int(),
                ["reason"] = Str(),
                ["title"] = Str(),
                ["description"] = Str(),
                ["hashtags"] = new JsonObject { ["type"] = "array", ["items"] = Str() },
                ["first_sentence"] = Int(),
                ["last_sentence"] = Int(),
            },
        };
        return new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["required"] = new JsonArray("clips"),
            ["properties"] = new JsonObject { ["clips"] = new JsonObject { ["type"] = "array", ["items"] = clip } },
        };
    }

    /// <summary>The system message for a language ("English", "German", …).</summary>
    public static string System(string template, string language) => template.Replace("{language}", language, StringComparison.Ordinal);

    /// <summary>sha256 (hex, first 16) of the template and the schema: the prompt's part of the stamp and the cache key.</summary>
    public static string Hash(string template) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(template + "\n" + Schema().ToJsonString())))[..16];
}
