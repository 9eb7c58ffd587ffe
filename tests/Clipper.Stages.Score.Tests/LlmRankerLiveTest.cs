using Clipper.Core.Remote;
using Clipper.Core.Storage;
using Clipper.Core.Transcripts;
using Clipper.Stages.Score.Llm;
using Clipper.TestSupport;

namespace Clipper.Stages.Score.Tests;

/// <summary>The ranker against the real OpenAI API: runs only with CLIPPER_LIVE_OPENAI_API_KEY set (it costs a fraction of a cent).</summary>
[Trait("Category", "external")]
public sealed class LlmRankerLiveTest
{
    [Fact]
    public async Task The_real_model_judges_the_candidates_within_the_contract()
    {
        var key = Environment.GetEnvironmentVariable("CLIPPER_LIVE_OPENAI_API_KEY");
        Assert.SkipWhen(string.IsNullOrWhiteSpace(key), "CLIPPER_LIVE_OPENAI_API_KEY is not set: no call to the real OpenAI API");
        var dir = TestMedia.TempDir("llm-live");
        try
        {
            var openAi = new OpenAiOptions { ApiKey = key!, RequestTimeout = TimeSpan.FromSeconds(90) };
            var settings = new ScoreOptions { Rank = "llm", LlmCandidates = 4, LlmTimeout = TimeSpan.FromSeconds(90) };
            var words = HandWords.Speak(0.5, 2.8, 0.7, LiveTalk);
            var t = new Transcript(words, "hand");
            var clips = new Clipper.Core.Clips.ClipOptions(3, 15, 40, 1080, 1920);
            var proposal = ClipSelector.Propose(t, words[^1].End + 1, clips, settings, settings.LlmCandidates);
            var candidates = LlmBlend.Candidates(proposal);
            var ranker = new LlmRanker(openAi.CreateClient().GetChatClient(openAi.ChatModel), openAi.ChatModel, settings,
                new FileBlobStore(dir), new LocalLlmGate(new CircuitBreaker(3, TimeSpan.FromMinutes(1), TimeProvider.System)), openAi.Redact);

            var outcome = await ranker.RankAsync("live", "English", candidates, CancellationToken.None);

            Assert.True(outcome.Code == "llm", $"{outcome.Code}: {outcome.Detail}");
            Assert.NotEmpty(outcome.Verdicts);
            Assert.True(outcome.Usage!.InputTokens > 0);
            Assert.DoesNotContain(key!, outcome.Audit!.Request + outcome.Audit.Response);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static readonly string[] LiveTalk =
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
    ];
}
