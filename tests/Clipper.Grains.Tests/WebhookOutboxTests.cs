using Clipper.Abstractions.Jobs;
using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Webhooks;
using Clipper.Grains.Webhooks;
using Clipper.Stages.Fetch.Webhooks;

namespace Clipper.Grains.Tests;

/// <summary>The outbox's rules, the events a job's state implies, and the Standard Webhooks signature.</summary>
[Trait("Category", "unit")]
public sealed class WebhookOutboxTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly Webhook Endpoint = new("https://example.com/hook", [WebhookSigner.NewSecret()]);
    private static readonly WebhookOptions Options = new()
    {
        FirstRetryDelay = TimeSpan.FromSeconds(5),
        MaxRetryDelay = TimeSpan.FromHours(1),
        RetryFor = TimeSpan.FromHours(24),
        Jitter = 0.2,
    };

    [Fact]
    public void TheSignatureIsTheStandardWebhooksOne()
    {
        // the example of the Standard Webhooks specification
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            WebhookSigner.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}", ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]));
        var two = WebhookSigner.Sign("msg_1", 1, "{}", [WebhookSigner.NewSecret(), WebhookSigner.NewSecret()]).Split(' ');
        Assert.Equal(2, two.Length);
        Assert.All(two, s => Assert.StartsWith("v1,", s));
        Assert.False(WebhookSigner.IsSecret("whsec_c2hvcnQ=")); // 5 bytes
        Assert.False(WebhookSigner.IsSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    }

    [Fact]
    public void EventsAreKeptOnceByIdInTheOrderTheyCame()
    {
        var s = new WebhookOutboxState();
        Assert.Equal(2, WebhookOutbox.Append(s, Endpoint, [Event("a"), Event("b")]));
        Assert.Equal(1, WebhookOutbox.Append(s, Endpoint, [Event("a"), Event("c"), Event("b")]));
        Assert.Equal(["a", "b", "c"], s.Events.Select(e => e.Id));
        Assert.Equal("a", WebhookOutbox.Due(s, T0)!.Id);
    }

    [Fact]
    public void AFailureBacksOffDoublingWithJitterAndASuccessMovesOn()
    {
        var s = new WebhookOutboxState();
        WebhookOutbox.Append(s, Endpoint, [Event("a"), Event("b")]);
        var waits = new List<double>();
        var now = T0;
        for (int i = 0; i < 4; i++)
        {
            WebhookOutbox.Record(s, s.Events[0], new WebhookSendResult(now, 500, 12, "no"), Options, 0.5);
            waits.Add((s.RetryAt!.Value - now).TotalSeconds);
            Assert.Null(WebhookOutbox.Due(s, now));
            now = s.RetryAt!.Value;
            Assert.Equal("a", WebhookOutbox.Due(s, now)!.Id);
        }

        Assert.Equal([5, 10, 20, 40], waits);
        Assert.Equal(4, Options.RetryDelay(1, 0).TotalSeconds, 3);
        Assert.Equal(6, Options.RetryDelay(1, 0.999999).TotalSeconds, 3);
        Assert.Equal(3600, Options.RetryDelay(20, 0.5).TotalSeconds, 3);
        WebhookOutbox.Record(s, s.Events[0], new WebhookSendResult(now, 204, 8, ""), Options, 0.5);
        Assert.Equal("b", WebhookOutbox.Due(s, now)!.Id);
        Assert.Equal(1, s.Delivered);
        Assert.Equal(5, s.Attempts.Count);
    }

    [Fact]
    public void AnEventStillFailingAfterTheRetryWindowIsGivenUpAndTheNextGoes()
    {
        var s = new WebhookOutboxState();
        WebhookOutbox.Append(s, Endpoint, [Event("a"), Event("b")]);
        var now = T0;
        int attempts = 0;
        while (WebhookOutbox.Due(s, now)?.Id == "a")
        {
            WebhookOutbox.Record(s, s.Events[0], new WebhookSendResult(now, 503, 5, ""), Options, 0.5);
            attempts++;
            now = s.RetryAt ?? now;
        }

        Assert.Equal(1, s.GaveUp);
        Assert.Equal("b", WebhookOutbox.Due(s, now)!.Id);
        Assert.InRange(now - T0, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
        Assert.InRange(attempts, 30, 40); // 5 s doubling to an hour, then hourly, for a day
    }

    [Fact]
    public void RedeliveryStartsOverWithTheSameEventsAndAttemptsAreBounded()
    {
        var s = new WebhookOutboxState();
        WebhookOutbox.Append(s, Endpoint, [Event("a"), Event("b")]);
        foreach (var e in s.Events.ToList())
        {
            WebhookOutbox.Record(s, e, new WebhookSendResult(T0, 200, 1, "ok"), Options, 0.5);
        }

        Assert.False(WebhookOutbox.Pending(s));
        Assert.Equal(2, WebhookOutbox.Redeliver(s));
        Assert.Equal("a", WebhookOutbox.Due(s, T0)!.Id);
        var few = new WebhookOptions { AttemptsKept = 3 };
        for (int i = 0; i < 5; i++)
        {
            WebhookOutbox.Record(s, s.Events[0], new WebhookSendResult(T0.AddSeconds(i), 500, 1, new string('x', 10)), few, 0.5);
        }

        Assert.Equal(3, s.Attempts.Count);
        Assert.Equal(T0.AddSeconds(4), s.Attempts[^1].At);
    }

    [Fact]
    public void AJobsEventsFollowItsStateWithIdsThatDoNotChange()
    {
        var s = new JobState { Spec = new JobSpec("/talk.mp4", new ClipSettings(2, 15, 30, 270, 480), new WebhookList([Endpoint])) };
        JobStatuses.Enter(s, JobStatus.Submitted, T0);
        s.SubmittedAt = T0;
        Assert.Equal(["job.started"], Types(s));
        JobStatuses.Enter(s, JobStatus.Tracking, T0.AddSeconds(30)); // fetching, transcribing, scoring stamped on the way
        s.Clips = [new ClipPlan(1, 0, 20, 80, 1, 2, 3, 4, "why", "title"), new ClipPlan(2, 30, 50, 70, 1, 2, 3, 4, "why", "title")];
        s.Encoded[2] = new EncodeResult(2, "jobs/j/clip-02.mp4", "jobs/j/clip-02.srt", "jobs/j/clip-02.vtt", "jobs/j/clip-02.jpg", 20);
        var before = WebhookEvents.Of("j", s, _ => null, T0);
        Assert.Equal(["job.started", "job.stage", "job.stage", "job.stage", "job.stage", "clip.ready"], before.Select(e => e.Type));
        s.Encoded[1] = new EncodeResult(1, "jobs/j/clip-01.mp4", "jobs/j/clip-01.srt", "jobs/j/clip-01.vtt", "jobs/j/clip-01.jpg", 20, null,
            [new(270, 270, "jobs/j/clip-01/1x1.mp4", "jobs/j/clip-01/1x1.jpg", "single")]);
        JobStatuses.Enter(s, JobStatus.Completed, T0.AddSeconds(60));
        var after = WebhookEvents.Of("j", s, b => $"https://store.example/{b}?sig=x", T0.AddSeconds(99));
        Assert.Equal(before.Select(e => e.Id), after.Where(e => before.Any(b => b.Id == e.Id)).Select(e => e.Id));
        Assert.Equal(["job.started", "job.stage", "job.stage", "job.stage", "job.stage", "job.stage", "clip.ready", "clip.ready", "job.completed"],
            after.Select(e => e.Type));
        Assert.Equal(after.Count, after.Select(e => e.Id).Distinct().Count());
        var completed = System.Text.Json.Nodes.JsonNode.Parse(after[^1].Body)!;
        Assert.Equal("job.completed", (string?)completed["type"]);
        Assert.Equal("2026-12-06T12:01:00.000Z", (string?)completed["timestamp"]);
        Assert.Equal("https://store.example/jobs/j/clip-01.mp4?sig=x", (string?)completed["data"]!["clips"]![0]!["video"]!["url"]);
        // a clip's other ratios, when the job asked for several; none otherwise
        Assert.Equal("""[{"ratio":"1:1","width":270,"height":270,"video":{"blob":"jobs/j/clip-01/1x1.mp4","url":"https://store.example/jobs/j/clip-01/1x1.mp4?sig=x"},"thumbnail":{"blob":"jobs/j/clip-01/1x1.jpg","url":"https://store.example/jobs/j/clip-01/1x1.jpg?sig=x"}}]""",
            completed["data"]!["clips"]![0]!["renditions"]!.ToJsonString());
        Assert.Null(completed["data"]!["clips"]![1]!["renditions"]);
        Assert.DoesNotContain(Endpoint.Secrets[0], string.Concat(after.Select(e => e.Body)));
        Assert.DoesNotContain(Endpoint.Secrets[0], s.Spec.ToString());
    }

    private static List<string> Types(JobState s) => [.. WebhookEvents.Of("j", s, _ => null, T0).Select(e => e.Type)];

    private static WebhookEvent Event(string id) => new(id, "job.stage", "{}", T0);
}
