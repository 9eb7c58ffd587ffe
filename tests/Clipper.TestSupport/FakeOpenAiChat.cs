using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Clipper.TestSupport;

/// <summary>
/// A fake OpenAI chat endpoint on loopback (HttpListener) speaking the real wire format: <c>POST /v1/chat/completions</c>
/// with a strict json_schema response format, answered by a chat completion built from the candidates the request
/// itself carries. Its good answer scores each candidate by <see cref="ScoreOf"/>, a rule on the candidate's text, so
/// a test can compute the expected order. <see cref="Answer"/> switches it to one of the failures a real provider has.
/// </summary>
public sealed class FakeOpenAiChat : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();
    private int _calls;

    public FakeOpenAiChat()
    {
        int port = Ports.Free();
        BaseUrl = $"http://127.0.0.1:{port}/v1";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public enum Mode { Good, Hang, Empty200, MalformedBody, MalformedContent, Refusal, UnknownId, Score140, SentenceOutside, NoModel404, Quota429, Unauthorized401 }

    public Mode Answer { get; set; } = Mode.Good;

    public string BaseUrl { get; }

    /// <summary>Chat calls received.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The last request's body and Authorization header, as received.</summary>
    public string? LastRequest { get; private set; }

    public string? LastAuthorization { get; private set; }

    /// <summary>The last request's path.</summary>
    public string? LastPath { get; private set; }

    /// <summary>The last request's api-key header (Azure's way of sending the key).</summary>
    public string? LastApiKey { get; private set; }

    /// <summary>The last answer's body, as sent.</summary>
    public string? LastResponse { get; private set; }

    /// <summary>The fake's LLM score of a candidate: a rule on its words (the sum of their lengths, mod 101).</summary>
    public static int ScoreOf(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Sum(w => w.Length) % 101;

    public static string TitleOf(string id) => $"Fake title {id}";

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext c)
    {
        var response = c.Response;
        try
        {
            LastPath = c.Request.Url!.AbsolutePath;
            // OpenAI's route, or Azure OpenAI's (a deployment per model)
            bool azure = LastPath.StartsWith("/openai/deployments/", StringComparison.Ordinal) && LastPath.EndsWith("/chat/completions", StringComparison.Ordinal);
            if (c.Request.HttpMethod != "POST" || (LastPath != "/v1/chat/completions" && !azure))
            {
                await SendAsync(response, 404, """{"error":{"message":"no such route","type":"invalid_request_error"}}""");
                return;
            }

            Interlocked.Increment(ref _calls);
            string body = await new StreamReader(c.Request.InputStream, Encoding.UTF8).ReadToEndAsync();
            LastRequest = body;
            LastAuthorization = c.Request.Headers["Authorization"];
            LastApiKey = c.Request.Headers["api-key"];
            var request = JsonNode.Parse(body)!.AsObject();
            var format = request["response_format"]!;
            if ((string?)format["type"] != "json_schema" || (bool?)format["json_schema"]!["strict"] != true)
            {
                await SendAsync(response, 400, """{"error":{"message":"expected a strict json_schema response format","type":"invalid_request_error"}}""");
                return;
            }

            switch (Answer)
            {
                case Mode.Hang:
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    return;
                case Mode.Empty200:
                    await SendAsync(response, 200, "");
                    return;
                case Mode.MalformedBody:
                    await SendAsync(response, 200, """{"id": "chatcmpl-x", "choices": [ {"message": """);
                    return;
                case Mode.NoModel404:
                    await SendAsync(response, 404, $$$"""{"error":{"message":"The model `{{{request["model"]}}}` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}""");
                    return;
                case Mode.Quota429:
                    await SendAsync(response, 429, """{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""");
                    return;
                case Mode.Unauthorized401:
                    await SendAsync(response, 401, """{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""");
                    return;
            }

            var user = JsonNode.Parse((string)request["messages"]!.AsArray().Last(m => (string?)m!["role"] == "user")!["content"]!)!;
            string? content = Answer switch
            {
                Mode.Refusal => null,
                Mode.MalformedContent => "Sure! Here are the rankings: c1 is great.",
                _ => Verdicts(user["candidates"]!.AsArray()).ToJsonString(),
            };
            var message = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = Answer == Mode.Refusal ? "I'm sorry, I can't help with that." : null };
            var completion = new JsonObject
            {
                ["id"] = "chatcmpl-fake",
                ["object"] = "chat.completion",
                ["created"] = 1765000000,
                ["model"] = (string?)request["model"],
                ["system_fingerprint"] = "fp_fake",
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = "stop" }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = body.Length / 4, ["completion_tokens"] = (content?.Length ?? 10) / 4, ["total_tokens"] = (body.Length / 4) + ((content?.Length ?? 10) / 4) },
            };
            await SendAsync(response, 200, completion.ToJsonString());
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // the client went away (the time-out case) or the fake is stopping
        }
    }

    private JsonObject Verdicts(JsonArray candidates)
    {
        var clips = new JsonArray();
        foreach (var c in candidates)
        {
            var id = (string)c!["id"]!;
            var text = string.Join(' ', c["sentences"]!.AsArray().Select(s => (string)s!["text"]!));
            int score = Answer == Mode.Score140 && clips.Count == 0 ? 140 : ScoreOf(text);
            clips.Add(new JsonObject
            {
                ["id"] = Answer == Mode.UnknownId && clips.Count == 0 ? "c99" : id,
                ["score"] = score,
                ["hook"] = score,
                ["payoff"] = 100 - score,
                ["clarity"] = 50,
                ["shareability"] = score / 2,
                ["reason"] = $"fake reason for {id}",
                ["title"] = TitleOf(id),
                ["description"] = $"Fake description of {id}.",
                ["hashtags"] = new JsonArray("#fake", "clipper", "#" + id),
                ["first_sentence"] = (int)c["first_sentence"]!,
                ["last_sentence"] = Answer == Mode.SentenceOutside && clips.Count == 0 ? (int)c["last_sentence"]! + 1 : (int)c["last_sentence"]!,
            });
        }

        return new JsonObject { ["clips"] = clips };
    }

    private async Task SendAsync(HttpListenerResponse response, int status, string body)
    {
        LastResponse = body;
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }
}
