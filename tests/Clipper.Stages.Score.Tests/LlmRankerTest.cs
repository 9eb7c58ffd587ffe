using System.Text.Json.Nodes;
using Clipper.Core.Clips;
using Clipper.Core.Remote;
using Clipper.Core.Storage;
using Clipper.Core.Transcripts;
using Clipper.Stages.Score.Llm;
using Clipper.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Clipper.Stages.Score.Tests;

/// <summary>
/// The LLM ranker through the real OpenAI SDK client against <see cref="FakeOpenAiChat"/> on loopback: the blend, the
/// cache, the stamp, every failure ending in the heuristic ranking with its code, the circuit breaker, and the key
/// kept out of everything stored.
/// </summary>
[Trait("Category", "unit")]
public sealed class LlmRankerTest : IAsyncLifetime
{
    private const string Key = "sk-test-SECRET-5f1e2d3c4b5a69788796a5b4c3d2e1f0";

    private static readonly string[] Talk =
    [
        "Why do most startups fail in their very first year?",
        "The answer is not money, and it is not the idea either.",
        "It is the founders who stop talking to their customers.",
        "I learned this the hard way with my first company.",
        "We spent eighteen months building a product nobody wanted.",
        "Every week we added features and every week our users left.",
        "Then one morning a customer called me and she was furious.",
        "She said we had solved a problem she never had.",
        "That call changed everything about how I build products.",
        "Here is the secret that nobody tells you about feedback.",
        "People will lie to you to be polite, so watch what they do.",
        "Count the clicks, count the returns and ignore the compliments.",
        "Now let me tell you about the second company we started.",
        "We launched with a landing page and a single button.",
        "Three hundred people pressed it before we wrote any code.",
        "Those three hundred people became our first paying customers.",
        "The lesson is simple and you can use it tomorrow morning.",
        "Build the smallest thing that proves somebody actually cares.",
        "Most of my friends thought this approach was completely crazy.",
        "They wanted a polished product and a big launch party.",
        "But a launch party does not tell you anything about demand.",
        "A waiting list with real email addresses tells you everything.",
        "So what should you do if nobody signs up at all?",
        "You change the promise, not the button colour or the font.",
        "We rewrote our headline six times in a single weekend.",
        "The sixth version doubled the sign ups overnight.",
        "It said exactly what the customer would get on day one.",
        "Clarity beats cleverness every single time in marketing.",
        "If you remember one thing from this talk remember that.",
        "Thank you all for listening and good luck with your companies.",
    ];

    private readonly FakeOpenAiChat _fake = new();
    private readonly string _dir = TestMedia.TempDir("llm-rank");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly ClipOptions _clips = new(3, 15, 40, 1080, 1920);
    private FileBlobStore _blobs = null!;

    public ValueTask InitializeAsync()
    {
        _blobs = new FileBlobStore(Path.Combine(_dir, "blobs"));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _fake.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private static Transcript Transcript() => new(HandWords.Speak(0.5, 2.8, 0.7, Talk), "hand");

    private static double Duration(Transcript t) => t.Words[^1].End + 1;

    private OpenAiOptions OpenAi() => new() { ApiKey = Key, BaseUrl = _fake.BaseUrl, RequestTimeout = TimeSpan.FromSeconds(30) };

    // a generous deadline: a loaded machine's first call (JIT, connection) must not time out; the hang case sets its own
    private static ScoreOptions Settings(string? template = null, TimeSpan? timeout = null) => new()
    {
        Rank = "llm",
        LlmCandidates = 6,
        LlmTimeout = timeout ?? TimeSpan.FromSeconds(30),
        BreakerFailures = 3,
        BreakerOpenFor = TimeSpan.FromMinutes(5),
        LlmPromptTemplate = template ?? LlmPrompt.DefaultTemplate,
    };

    private LlmRanker Ranker(ScoreOptions settings, ILlmGate? gate = null)
    {
        var openAi = OpenAi();
        return new LlmRanker(openAi.CreateClient().GetChatClient(openAi.ChatModel), openAi.ChatModel, settings, _blobs,
            gate ?? new LocalLlmGate(new CircuitBreaker(settings.BreakerFailures, settings.BreakerOpenFor, _time)), openAi.Redact);
    }

    private async Task<(Proposal Proposal, IReadOnlyList<LlmCandidate> Candidates, LlmOutcome Outcome, IReadOnlyList<ScoredClip> Clips)> RankAsync(
        ScoreOptions settings, ILlmGate? gate = null)
    {
        var t = Transcript();
        var proposal = ClipSelector.Propose(t, Duration(t), _clips, settings, settings.LlmCandidates);
        var candidates = LlmBlend.Candidates(proposal);
        var outcome = await Ranker(settings, gate).RankAsync("transcript-hash-1", "English", candidates, CancellationToken.None);
        return (proposal, candidates, outcome, LlmBlend.Apply(proposal, candidates, outcome, _clips, settings));
    }

    [Fact]
    public async Task A_good_answer_reorders_the_clips_by_the_blend_and_carries_the_models_titles_and_hashtags()
    {
        var settings = Settings();
        var (proposal, candidates, outcome, clips) = await RankAsync(settings);

        Assert.Equal("llm", outcome.Code);
        Assert.Equal(1, _fake.Calls);
        Assert.Equal(4, candidates.Count); // the talk holds four non-overlapping windows above the bar
        var expected = candidates
            .Select(c => (c.Id, Blend: HeuristicScorer.Round(((0.3 * c.Heuristic.Score) + (0.7 * FakeOpenAiChat.ScoreOf(c.Window.Text))) / 1.0), c.Heuristic.Score, c.Window.Start))
            .OrderByDescending(x => x.Blend).ThenByDescending(x => x.Score).ThenBy(x => x.Start)
            .Take(3).ToList();
        Assert.Equal(expected.Select(x => FakeOpenAiChat.TitleOf(x.Id)), clips.Select(c => c.Title));
        Assert.Equal(expected.Select(x => x.Blend), clips.Select(c => c.Score));
        // the blend changed the heuristic's order, or this test would prove nothing
        Assert.NotEqual(proposal.Picks.Take(3).Select(p => p.Window.Start), clips.Select(c => c.Start));
        var first = clips[0];
        Assert.Equal("llm", first.Ranking!.By);
        Assert.Equal(FakeOpenAiChat.ScoreOf(candidates.Single(c => FakeOpenAiChat.TitleOf(c.Id) == first.Title).Window.Text), first.Ranking.Llm);
        Assert.StartsWith("fake reason for c", first.Reason);
        Assert.Equal(["#fake", "#clipper"], first.Hashtags!.Take(2));
        Assert.StartsWith("Fake description of c", first.Description);
        Assert.Equal(new LlmStamp(LlmPrompt.ScorerVersion, "gpt-4o-mini", LlmPrompt.Hash(LlmPrompt.DefaultTemplate)), outcome.Stamp);

        // the request on the wire: the model, temperature 0, the seed, a strict schema, every candidate with its sentences
        var sent = JsonNode.Parse(_fake.LastRequest!)!;
        Assert.Equal("gpt-4o-mini", (string?)sent["model"]);
        Assert.Equal(0, (double)sent["temperature"]!);
        Assert.Equal(settings.LlmSeed, (long)sent["seed"]!);
        Assert.Equal(LlmPrompt.SchemaName, (string?)sent["response_format"]!["json_schema"]!["name"]);
        // the audit holds exactly what went and came
        Assert.True(JsonNode.DeepEquals(sent, JsonNode.Parse(outcome.Audit!.Request)));
        Assert.Equal(_fake.LastResponse, outcome.Audit.Response);
        Assert.Equal(200, outcome.Audit.Status);
        Assert.True(outcome.Usage!.InputTokens > 0);
        Assert.Equal(_fake.LastRequest!.Length / 4, outcome.Usage.InputTokens);
    }

    [Fact]
    public async Task The_same_job_twice_gives_identical_scores_and_the_second_makes_no_call()
    {
        var first = await RankAsync(Settings());
        var second = await RankAsync(Settings());

        Assert.Equal(1, _fake.Calls);
        Assert.Equal("llm", first.Outcome.Code);
        Assert.Equal("llm_cached", second.Outcome.Code);
        Assert.Equal(first.Outcome.Stamp, second.Outcome.Stamp);
        Assert.Equal(first.Clips, second.Clips);
        Assert.True(await _blobs.ExistsAsync(first.Outcome.CacheKey));
        Assert.StartsWith("llm-cache/", first.Outcome.CacheKey);
    }

    [Fact]
    public async Task A_changed_prompt_template_changes_the_stamp_and_calls_again()
    {
        var first = await RankAsync(Settings());
        var changed = await RankAsync(Settings(LlmPrompt.DefaultTemplate + "\nPrefer clips that end on a laugh."));

        Assert.Equal(2, _fake.Calls);
        Assert.Equal("llm", changed.Outcome.Code);
        Assert.NotEqual(first.Outcome.Stamp.PromptHash, changed.Outcome.Stamp.PromptHash);
        Assert.NotEqual(first.Outcome.CacheKey, changed.Outcome.CacheKey);
        Assert.Contains("end on a laugh", _fake.LastRequest);
    }

    [Theory]
    [InlineData(FakeOpenAiChat.Mode.Hang, "llm_timeout")]
    [InlineData(FakeOpenAiChat.Mode.Empty200, "llm_empty")]
    [InlineData(FakeOpenAiChat.Mode.MalformedBody, "llm_malformed")]
    [InlineData(FakeOpenAiChat.Mode.MalformedContent, "llm_malformed")]
    [InlineData(FakeOpenAiChat.Mode.Refusal, "llm_refused")]
    [InlineData(FakeOpenAiChat.Mode.UnknownId, "llm_schema")]
    [InlineData(FakeOpenAiChat.Mode.Score140, "llm_schema")]
    [InlineData(FakeOpenAiChat.Mode.SentenceOutside, "llm_schema")]
    [InlineData(FakeOpenAiChat.Mode.NoModel404, "llm_http_404")]
    [InlineData(FakeOpenAiChat.Mode.Quota429, "llm_quota")]
    [InlineData(FakeOpenAiChat.Mode.Unauthorized401, "llm_http_401")]
    public async Task A_failed_call_leaves_the_heuristic_ranking_and_names_the_reason(FakeOpenAiChat.Mode mode, string code)
    {
        _fake.Answer = mode;
        var settings = Settings(timeout: mode == FakeOpenAiChat.Mode.Hang ? TimeSpan.FromSeconds(1) : null);
        var (proposal, _, outcome, clips) = await RankAsync(settings);

        Assert.Equal(code, outcome.Code);
        Assert.False(outcome.Used);
        Assert.Equal(1, _fake.Calls);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Detail));
        var t = Transcript();
        var heuristic = ClipSelector.Select(t, Duration(t), _clips, settings);
        Assert.Equal(heuristic, clips);
        Assert.All(clips, c => Assert.Equal("heuristic", c.Ranking!.By));
        Assert.Equal(proposal.Picks.Take(3).Select(p => p.Rating.Title), clips.Select(c => c.Title));
        // a failure is not cached: the next job asks again
        Assert.False(await _blobs.ExistsAsync(outcome.CacheKey));
        // the key reached the provider in its header, and nowhere else
        Assert.Equal("Bearer " + Key, _fake.LastAuthorization);
        Assert.DoesNotContain(Key, outcome.ToString());
        Assert.DoesNotContain(Key, outcome.Audit?.Request ?? "");
        Assert.DoesNotContain(Key, outcome.Audit?.Response ?? "");
    }

    [Fact]
    public async Task The_breaker_opens_after_consecutive_failures_and_closes_after_its_period()
    {
        _fake.Answer = FakeOpenAiChat.Mode.Quota429;
        var breaker = new CircuitBreaker(3, TimeSpan.FromMinutes(5), _time);
        var gate = new LocalLlmGate(breaker);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("llm_quota", (await RankAsync(Settings(), gate)).Outcome.Code);
        }

        var blocked = await RankAsync(Settings(), gate);
        Assert.Equal("llm_breaker_open", blocked.Outcome.Code);
        Assert.Equal(3, _fake.Calls);
        Assert.Equal(1, breaker.Opened);

        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("llm_breaker_open", (await RankAsync(Settings(), gate)).Outcome.Code);
        Assert.Equal(3, _fake.Calls);

        _fake.Answer = FakeOpenAiChat.Mode.Good;
        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Equal("llm", (await RankAsync(Settings(), gate)).Outcome.Code);
        Assert.Equal(4, _fake.Calls);
        Assert.False(breaker.IsOpen);
    }

    [Fact]
    public void A_half_open_breaker_lets_one_call_through_and_the_others_wait_for_its_outcome()
    {
        var breaker = new CircuitBreaker(2, TimeSpan.FromMinutes(5), _time);
        breaker.Record(false);
        breaker.Record(false);
        Assert.False(breaker.Allow());

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(breaker.Allow());   // the trial
        Assert.False(breaker.Allow());  // every other job meanwhile
        breaker.Record(false);          // the trial failed: open again, for a whole period
        Assert.Equal(2, breaker.Opened);
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.False(breaker.Allow());

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(breaker.Allow());
        Assert.False(breaker.Allow());
        _time.Advance(TimeSpan.FromMinutes(5));  // a trial that never reports is given up after a period
        Assert.True(breaker.Allow());
        breaker.Record(true);                    // it answered: closed, everyone through
        Assert.True(breaker.Allow());
        Assert.True(breaker.Allow());
        Assert.False(breaker.IsOpen);
    }

    [Fact]
    public async Task An_azure_endpoint_is_called_through_the_azure_client_at_its_deployment()
    {
        var settings = Settings();
        var openAi = new OpenAiOptions { ApiKey = Key, AzureEndpoint = _fake.BaseUrl[..^"/v1".Length] + "/", RequestTimeout = TimeSpan.FromSeconds(30) };
        var t = Transcript();
        var proposal = ClipSelector.Propose(t, Duration(t), _clips, settings, settings.LlmCandidates);
        var candidates = LlmBlend.Candidates(proposal);
        var ranker = new LlmRanker(openAi.CreateClient().GetChatClient(openAi.ChatModel), openAi.ChatModel, settings, _blobs,
            new LocalLlmGate(new CircuitBreaker(3, TimeSpan.FromMinutes(5), _time)), openAi.Redact);

        var outcome = await ranker.RankAsync("transcript-hash-1", "English", candidates, CancellationToken.None);

        Assert.Equal("llm", outcome.Code);
        Assert.Equal("/openai/deployments/gpt-4o-mini/chat/completions", _fake.LastPath);
        Assert.Equal(Key, _fake.LastApiKey);
    }

    [Fact]
    public async Task The_key_is_in_no_stored_blob()
    {
        await RankAsync(Settings());
        _fake.Answer = FakeOpenAiChat.Mode.Unauthorized401;
        await RankAsync(Settings(LlmPrompt.DefaultTemplate + " "));

        var files = Directory.GetFiles(_dir, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.DoesNotContain(Key, File.ReadAllText(f)));
    }
}
