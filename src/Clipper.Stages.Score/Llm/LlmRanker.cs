using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clipper.Core;
using Clipper.Core.Storage;
using OpenAI.Chat;

namespace Clipper.Stages.Score.Llm;

/// <summary>
/// Re-ranks the heuristic's proposals with one chat call: strict JSON-schema output, temperature 0 and a fixed seed.
/// The request body is the SDK's own serialisation of <see cref="ChatCompletionOptions"/> (response format, temperature,
/// seed) with the model and the SDK's serialised messages, sent through <see cref="ChatClient"/>'s
/// <c>CompleteChatAsync(BinaryContent, RequestOptions)</c> so the exact bytes sent and received are kept for the
/// audit; the answer is read back into the SDK's <see cref="ChatCompletion"/>.
/// Answers are cached in the blob store by (transcript, candidates, model, prompt), so the same video with the same
/// settings makes no second call. Every failure ends in an <see cref="LlmOutcome"/> naming a stable code; nothing
/// but the caller's own cancellation is thrown.
/// </summary>
public sealed class LlmRanker(ChatClient chat, string model, ScoreOptions settings, IBlobStore blobs, ILlmGate gate,
    Func<string?, string> redact)
{
    /// <summary>The stamp of every score this ranker gives.</summary>
    public LlmStamp Stamp { get; } = new(LlmPrompt.ScorerVersion, model, LlmPrompt.Hash(settings.LlmPromptTemplate));

    public async Task<LlmOutcome> RankAsync(string transcriptHash, string language, IReadOnlyList<LlmCandidate> candidates,
        CancellationToken cancel)
    {
        var cacheKey = CacheKey(transcriptHash, language, candidates);
        if (await ReadCacheAsync(cacheKey, cancel) is { } cached)
        {
            return cached;
        }

        if (!await gate.AllowAsync(cancel))
        {
            return Fail(LlmFailure.BreakerOpen, "the circuit breaker is open after repeated failures: the provider was not called", cacheKey, null);
        }

        var request = RequestBody(language, candidates);
        var outcome = await CallAsync(request, candidates, cacheKey, cancel);
        await gate.RecordAsync(outcome.Used, cancel);
        if (outcome.Used)
        {
            await blobs.PutBytesAsync(cacheKey, Encoding.UTF8.GetBytes(Json.Serialize(new CacheEntry(outcome.Stamp,
                outcome.Verdicts.ToArray(), outcome.Usage, outcome.Audit))), cancel);
        }

        return outcome;
    }

    /// <summary>The request's JSON body (exactly what is sent).</summary>
    internal string RequestBody(string language, IReadOnlyList<LlmCandidate> candidates)
    {
#pragma warning disable OPENAI001 // Seed is marked experimental by the SDK; the API takes it and reproducible scores need it
        var options = new ChatCompletionOptions
        {
            Temperature = 0,
            Seed = settings.LlmSeed,
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat(LlmPrompt.SchemaName,
                BinaryData.FromString(LlmPrompt.Schema().ToJsonString()), jsonSchemaIsStrict: true),
        };
#pragma warning restore OPENAI001
        var body = JsonNode.Parse(ModelReaderWriter.Write(options).ToString())!.AsObject();
        body["model"] = model;
        body["messages"] = new JsonArray(
            Message(new SystemChatMessage(LlmPrompt.System(settings.LlmPromptTemplate, language))),
            Message(new UserChatMessage(UserText(language, candidates))));
        return body.ToJsonString();
    }

    private static JsonNode Message(ChatMessage m) => JsonNode.Parse(ModelReaderWriter.Write(m).ToString())!;

    /// <summary>The candidates as the model reads them: ids, sentence indices and times, and the words.</summary>
    internal static string UserText(string language, IReadOnlyList<LlmCandidate> candidates)
    {
        var list = new JsonArray();
        foreach (var c in candidates)
        {
            var sentences = new JsonArray();
            for (int i = 0; i < c.Window.Sentences.Count; i++)
            {
                var s = c.Window.Sentences[i];
                sentences.Add(new JsonObject
                {
                    ["index"] = c.FirstSentence + i,
                    ["start"] = Math.Round(s.Start, 2),
                    ["end"] = Math.Round(s.End, 2),
                    ["text"] = s.Text,
                });
            }

            list.Add(new JsonObject
            {
                ["id"] = c.Id,
                ["first_sentence"] = c.FirstSentence,
                ["last_sentence"] = c.LastSentence,
                ["seconds"] = Math.Round(c.Window.Duration, 1),
                ["sentences"] = sentences,
            });
        }

        return new JsonObject { ["language"] = language, ["candidates"] = list }.ToJsonString();
    }

    private async Task<LlmOutcome> CallAsync(string request, IReadOnlyList<LlmCandidate> candidates, string cacheKey, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(settings.LlmTimeout);
        string? body = null;
        int? status = null;
        try
        {
            var result = await chat.CompleteChatAsync(BinaryContent.Create(BinaryData.FromString(request)),
                new RequestOptions { CancellationToken = deadline.Token });
            var raw = result.GetRawResponse();
            status = raw.Status;
            body = raw.Content.ToString();
        }
        catch (ClientResultException e)
        {
            var raw = e.GetRawResponse();
            body = raw?.Content.ToString();
            status = e.Status == 0 ? null : e.Status;
            if (e.Status == 0)
            {
                return Fail(LlmFailure.Network, e.Message, cacheKey, new LlmAudit(redact(request), redact(body), null));
            }

            var code = e.Status == 429 && body?.Contains("insufficient_quota", StringComparison.Ordinal) == true
                ? LlmFailure.Quota
                : LlmFailure.Http(e.Status);
            return Fail(code, $"HTTP {e.Status}: {Excerpt(body)}", cacheKey, new LlmAudit(redact(request), redact(body), status));
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return Fail(LlmFailure.Timeout, FormattableString.Invariant($"no answer within {settings.LlmTimeout.TotalSeconds:0.#} s"),
                cacheKey, new LlmAudit(redact(request), null, null));
        }
        catch (HttpRequestException e)
        {
            return Fail(LlmFailure.Network, e.Message, cacheKey, new LlmAudit(redact(request), null, null));
        }

        var audit = new LlmAudit(redact(request), redact(body), status);
        if (string.IsNullOrWhiteSpace(body))
        {
            return Fail(LlmFailure.Empty, "the provider answered 200 with an empty body", cacheKey, audit);
        }

        ChatCompletion completion;
        try
        {
            completion = ModelReaderWriter.Read<ChatCompletion>(BinaryData.FromString(body))
                ?? throw new JsonException("no completion");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Fail(LlmFailure.Malformed, $"the body is not a chat completion: {Excerpt(e.Message)}", cacheKey, audit);
        }

        if (!string.IsNullOrEmpty(completion.Refusal))
        {
            return Fail(LlmFailure.Refused, $"the model refused: {Excerpt(completion.Refusal)}", cacheKey, audit);
        }

        var text = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
        if (string.IsNullOrWhiteSpace(text))
        {
            return Fail(LlmFailure.Empty, "the completion holds no content", cacheKey, audit);
        }

        var usage = Usage(completion.Usage);
        List<LlmVerdict> verdicts;
        try
        {
            verdicts = Parse(text);
        }
        catch (JsonException e)
        {
            return Fail(LlmFailure.Malformed, $"the content is not JSON: {Excerpt(e.Message)}", cacheKey, audit, usage);
        }
        catch (SchemaException e)
        {
            return Fail(LlmFailure.Schema, e.Message, cacheKey, audit, usage);
        }

        if (verdicts.Count == 0)
        {
            return Fail(LlmFailure.Empty, "the model judged no candidate", cacheKey, audit, usage);
        }

        if (Check(verdicts, candidates) is { } problem)
        {
            return Fail(LlmFailure.Schema, problem, cacheKey, audit, usage);
        }

        return new LlmOutcome(LlmFailure.Answered, null, Stamp, cacheKey, verdicts, usage, audit);
    }

    /// <summary>The verdicts of the content; throws <see cref="JsonException"/> or <see cref="SchemaException"/>.</summary>
    internal static List<LlmVerdict> Parse(string text)
    {
        var root = JsonNode.Parse(text) as JsonObject ?? throw new SchemaException("the answer is not a JSON object");
        var clips = root["clips"] as JsonArray ?? throw new SchemaException("the answer has no 'clips' array");
        var output = new List<LlmVerdict>();
        foreach (var node in clips)
        {
            var o = node as JsonObject ?? throw new SchemaException("a clip is not an object");
            output.Add(new LlmVerdict(Str(o, "id"), Int(o, "score"), Int(o, "hook"), Int(o, "payoff"), Int(o, "clarity"),
                Int(o, "shareability"), Str(o, "reason"), Str(o, "title"), Str(o, "description"), Hashtags(o),
                Int(o, "first_sentence"), Int(o, "last_sentence")));
        }

        return output;
    }

    /// <summary>The first break of the contract, or null: ids must be given ones, once each; numbers 0–100; sentences inside the candidate.</summary>
    internal static string? Check(IReadOnlyList<LlmVerdict> verdicts, IReadOnlyList<LlmCandidate> candidates)
    {
        var byId = candidates.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in verdicts)
        {
            if (!byId.TryGetValue(v.Id, out var c))
            {
                return $"unknown candidate id '{Excerpt(v.Id)}'";
            }

            if (!seen.Add(v.Id))
            {
                return $"candidate '{v.Id}' judged twice";
            }

            foreach (var (name, value) in new[] { ("score", v.Score), ("hook", v.Hook), ("payoff", v.Payoff), ("clarity", v.Clarity), ("shareability", v.Shareability) })
            {
                if (value is < 0 or > 100)
                {
                    return $"candidate '{v.Id}': {name} {value} is outside 0–100";
                }
            }

            if (v.FirstSentence < c.FirstSentence || v.LastSentence > c.LastSentence || v.FirstSentence > v.LastSentence)
            {
                return $"candidate '{v.Id}': sentences {v.FirstSentence}–{v.LastSentence} are not inside its {c.FirstSentence}–{c.LastSentence}";
            }

            if (v.Title.Length == 0 || v.Reason.Length == 0)
            {
                return $"candidate '{v.Id}': an empty title or reason";
            }
        }

        return null;
    }

    private static string Str(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : throw new SchemaException($"'{name}' is missing or not a string");

    private static int Int(JsonObject o, string name)
    {
        if (o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d)
            && d == Math.Floor(d) && Math.Abs(d) < 1e6)
        {
            return (int)d;
        }

        throw new SchemaException($"'{name}' is missing or not an integer");
    }

    /// <summary>"#word" each, without spaces, repeats or empties; at most five.</summary>
    private static string[] Hashtags(JsonObject o)
    {
        if (o["hashtags"] is not JsonArray a)
        {
            throw new SchemaException("'hashtags' is missing or not an array");
        }

        var tags = a.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new SchemaException("a hashtag is not a string"))
            .Select(s => "#" + string.Concat(s.Trim().TrimStart('#').Where(ch => !char.IsWhiteSpace(ch))))
            .Where(s => s.Length > 1)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(5)
            .ToArray();
        return tags.Length > 0 ? tags : throw new SchemaException("no hashtags");
    }

    private LlmUsage? Usage(ChatTokenUsage? u)
    {
        if (u is null)
        {
            return null;
        }

        decimal cost = ((u.InputTokenCount * settings.LlmInputPricePerMillion) + (u.OutputTokenCount * settings.LlmOutputPricePerMillion)) / 1_000_000m;
        return new LlmUsage(u.InputTokenCount, u.OutputTokenCount, cost, settings.LlmPricesAsOf);
    }

    /// <summary><c>llm-cache/{sha256}.json</c> of the transcript, the language, the candidate set, the model and the prompt.</summary>
    internal string CacheKey(string transcriptHash, string language, IReadOnlyList<LlmCandidate> candidates)
    {
        var b = new StringBuilder();
        b.Append(Stamp.Scorer).Append('\n').Append(model).Append('\n').Append(Stamp.PromptHash).Append('\n')
            .Append(settings.LlmSeed.ToString(CultureInfo.InvariantCulture)).Append('\n').Append(language).Append('\n')
            .Append(transcriptHash).Append('\n');
        foreach (var c in candidates)
        {
            b.Append(CultureInfo.InvariantCulture, $"{c.Id} {c.FirstSentence} {c.LastSentence} {c.Window.Start:0.000} {c.Window.End:0.000}\n");
        }

        return BlobLayout.LlmCache(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(b.ToString()))));
    }

    private async Task<LlmOutcome?> ReadCacheAsync(string key, CancellationToken cancel)
    {
        if (!await blobs.ExistsAsync(key, cancel))
        {
            return null;
        }

        try
        {
            var entry = Json.Deserialize<CacheEntry>(Encoding.UTF8.GetString(await blobs.GetBytesAsync(key, cancel)));
            return entry.Stamp == Stamp && entry.Verdicts.Length > 0
                ? new LlmOutcome(LlmFailure.Cached, null, Stamp, key, entry.Verdicts, entry.Usage, entry.Audit)
                : null;
        }
        catch (JsonException)
        {
            return null; // a damaged entry is asked again and rewritten
        }
    }

    private LlmOutcome Fail(string code, string detail, string cacheKey, LlmAudit? audit, LlmUsage? usage = null) =>
        new(code, redact(detail), Stamp, cacheKey, [], usage, audit);

    private static string Excerpt(string? s) => s is null ? "" : s.Length <= 200 ? s : s[..200] + "…";

    /// <summary>A cached answer: what it was made with, the verdicts, what the call cost, and its audit.</summary>
    private sealed record CacheEntry(LlmStamp Stamp, LlmVerdict[] Verdicts, LlmUsage? Usage, LlmAudit? Audit);

    private sealed class SchemaException(string message) : Exception(message);
}
