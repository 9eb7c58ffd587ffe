using System.Text.Json.Nodes;
using Clipper.Gateway.V1;
using Clipper.Stages.Fetch.Webhooks;
using Clipper.TestSupport;

namespace Clipper.Gateway.Tests;

/// <summary>
/// One real job (the short talk, uploaded) told of its events at three endpoints of an independent Python receiver
/// (tests/python/webhook_receiver.py): <c>/ok</c> answers 200, <c>/flaky</c> 500 twice per event then 200,
/// <c>/hang</c> never answers. Loopback is allowed by this server's own settings; retries are quick.
/// </summary>
public sealed class WebhookJobFixture : IAsyncLifetime
{
    public static readonly string OldSecret = WebhookSigner.NewSecret();
    public static readonly string Secret = WebhookSigner.NewSecret();

    public GatewayServer Server { get; private set; } = null!;

    public WebhookReceiver Receiver { get; private set; } = null!;

    /// <summary>The job as its watch ended.</summary>
    public Job Final { get; private set; } = null!;

    /// <summary>The job's deliveries (/api/jobs/{id}/webhooks) the moment its watch ended, by endpoint path.</summary>
    public Dictionary<string, JsonObject> AtCompletion { get; private set; } = [];

    /// <summary>What /ok and /flaky had received once their outboxes settled (before any redelivery).</summary>
    public IReadOnlyList<WebhookReceiver.Received> Ok { get; private set; } = [];

    public IReadOnlyList<WebhookReceiver.Received> Flaky { get; private set; } = [];

    public Dictionary<string, JsonObject> Settled { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync([Secret]);
        Server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["Clipper:Webhooks:AllowPrivateAddresses"] = "true",
            ["Clipper:Webhooks:FirstRetryDelay"] = "00:00:00.3",
            ["Clipper:Webhooks:MaxRetryDelay"] = "00:00:01",
            ["Clipper:Webhooks:AttemptTimeout"] = "00:00:02",
        });
        var talk = await TestMedia.ShortTalkAsync();
        var ok = new Webhook { Url = Receiver.Url("/ok") };
        ok.Secrets.Add(OldSecret); // rotation: the receiver knows only the new secret
        ok.Secrets.Add(Secret);
        var submitted = await Server.UploadAsync(talk.File, new ClipOptions { MaxClips = 2, Width = 270, Height = 480 }, webhooks:
        [
            ok,
            new Webhook { Url = Receiver.Url("/flaky"), Secrets = { Secret } },
            new Webhook { Url = Receiver.Url("/hang"), Secrets = { Secret } },
        ]);
        var events = await Server.WatchAllAsync(submitted.JobId, TimeSpan.FromMinutes(8));
        Final = events[^1].Job;
        AtCompletion = await DeliveriesAsync(Server, Final.JobId);
        Settled = await Wait.For(() => DeliveriesAsync(Server, Final.JobId),
            d => (bool)d["/ok"]["settled"]! && (bool)d["/flaky"]["settled"]!, TimeSpan.FromMinutes(2));
        Ok = Receiver.Requests("/ok");
        Flaky = Receiver.Requests("/flaky");
    }

    /// <summary>The job's deliveries as its page reads them, by the endpoint URL's path.</summary>
    public static async Task<Dictionary<string, JsonObject>> DeliveriesAsync(GatewayServer server, string jobId)
    {
        var json = JsonNode.Parse(await server.Web.GetStringAsync($"/api/jobs/{jobId}/webhooks"))!;
        return json["endpoints"]!.AsArray().Select(e => e!.AsObject()).ToDictionary(e => new Uri((string)e["url"]!).AbsolutePath);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

[Trait("Category", "cluster")]
[Trait("Category", "media")]
[Trait("Category", "external")]
public sealed class WebhookTests(WebhookJobFixture fixture, ITestOutputHelper output) : IClassFixture<WebhookJobFixture>
{
    private static readonly string[] Stages = ["fetching", "transcribing", "scoring", "tracking", "encoding"];

    [Fact]
    public void TheIndependentReceiverVerifiesEveryEventAndGetsThemInOrder()
    {
        var job = fixture.Final;
        Assert.Equal(JobState.Completed, job.State);
        var got = fixture.Ok;
        output.WriteLine(string.Join("\n", got.Select(r => $"{r.Id} {r.Type} verified={r.Verified} signatures={r.Signatures} {r.Status}")));
        Assert.All(got, r => Assert.True(r.Verified, $"{r.Id} {r.Type} did not verify"));
        Assert.All(got, r => Assert.Equal(2, r.Signatures)); // one per secret while rotating
        Assert.All(got, r => Assert.Equal(job.JobId, (string?)r.Event!["data"]!["job_id"]));
        Assert.Equal(got.Count, got.Select(r => r.Id).Distinct().Count()); // every delivery went through the first time

        var types = got.Select(r => r.Type).ToList();
        Assert.Equal("job.started", types[0]);
        Assert.Equal("job.completed", types[^1]);
        Assert.Equal(Stages, got.Where(r => r.Type == "job.stage").Select(r => (string?)r.Event!["data"]!["stage"]));
        var ready = got.Where(r => r.Type == "clip.ready").ToList();
        Assert.Equal(job.Clips.Select(c => c.Rank).Order(), ready.Select(r => (int)r.Event!["data"]!["clip"]!["rank"]!).Order());
        int scoring = got.ToList().FindIndex(r => r.Type == "job.stage" && (string?)r.Event!["data"]!["stage"] == "scoring");
        Assert.All(ready, r => Assert.True(got.ToList().IndexOf(r) > scoring, "a clip was ready before its job was scored"));
        Assert.Equal(job.Clips.Count, got[^1].Event!["data"]!["clips"]!.AsArray().Count);
        Assert.All(ready, r => Assert.StartsWith($"jobs/{job.JobId}/clip-", (string)r.Event!["data"]!["clip"]!["video"]!["blob"]!));
        Measurements.Record($"webhooks: {got.Count} events to a Python receiver, all verified, in order; latency " +
            $"{string.Join(", ", Attempts(fixture.Settled["/ok"]).Select(a => $"{(double)a["milliseconds"]!:0} ms"))}");
    }

    [Fact]
    public void AReceiverThatFailsTwiceGetsEachEventOnceByIdWithTheAttemptsOnThePage()
    {
        var ok = fixture.Ok.Select(r => r.Id).ToList();
        var flaky = fixture.Flaky;
        var delivered = flaky.Where(r => r.Status == 200).Select(r => r.Id).ToList();
        Assert.Equal(ok, delivered); // each event delivered once, in the same order as to the endpoint that never failed
        Assert.Equal(ok.Count, flaky.Select(r => r.Id).Distinct().Count());
        Assert.Equal(3 * ok.Count, flaky.Count); // two refusals and a success per event
        Assert.All(flaky, r => Assert.True(r.Verified));

        var page = fixture.Settled["/flaky"];
        Assert.Equal(ok.Count, (int)page["delivered"]!);
        var attempts = Attempts(page);
        Assert.Equal(2 * ok.Count, attempts.Count(a => (int)a["status"]! == 500 && (string)a["excerpt"]! == "try again"));
        Assert.Equal(ok.Count, attempts.Count(a => (int)a["status"]! == 200 && (string)a["excerpt"]! == "ok"));
        // any other attempt failed before the receiver saw a request (it is on the page, not in the receiver's log)
        var unseen = attempts.Where(a => (int)a["status"]! is not (200 or 500)).ToList();
        output.WriteLine($"attempts the receiver never saw: {string.Join("; ", unseen.Select(a => a.ToJsonString()))}");
        Assert.All(unseen, a => Assert.Equal(0, (int)a["status"]!));
        Measurements.Record($"webhooks: a receiver failing twice per event got {ok.Count} events once each in {flaky.Count} attempts");
    }

    [Fact]
    public void AReceiverThatNeverAnswersDoesNotHoldTheJob()
    {
        Assert.Equal(JobState.Completed, fixture.Final.State);
        var hang = fixture.AtCompletion["/hang"];
        output.WriteLine(hang.ToJsonString());
        Assert.Equal(0, (int)hang["delivered"]!);
        Assert.False((bool)hang["settled"]!);
        var started = fixture.Ok[0].Id;
        Assert.Equal(started, (string?)hang["nextEventId"]); // still at the first event when the job had ended
        var attempts = Attempts(hang);
        Assert.NotEmpty(attempts);
        Assert.All(attempts, a =>
        {
            Assert.Equal(0, (int)a["status"]!);
            Assert.Equal(started, (string?)a["eventId"]);
        });
        // an attempt the receiver got is held until the 2 s time-out; one that failed before it reached the receiver (the
        // connection refused or reset on a loaded machine, as /flaky's unseen attempts) failed at once, with the client's error
        var heldOpen = attempts.Where(a => (string?)a["excerpt"] == "no answer within 2 s").ToList();
        var unseen = attempts.Except(heldOpen).ToList();
        output.WriteLine($"{heldOpen.Count} of {attempts.Count} attempts held open until the time-out; failed before the receiver: "
            + string.Join("; ", unseen.Select(a => a.ToJsonString())));
        Assert.True(heldOpen.Count > attempts.Count / 2, $"only {heldOpen.Count} of {attempts.Count} attempts were held open");
        Assert.All(heldOpen, a => Assert.InRange((double)a["milliseconds"]!, 1900, 4000));
        Assert.All(unseen, a => Assert.InRange((double)a["milliseconds"]!, 0, 1900));
    }

    [Fact]
    public async Task RedeliveryReplaysEveryEventWithTheSameIds()
    {
        var before = fixture.Receiver.Requests("/ok").Count;
        var answer = await fixture.Server.Client.RedeliverWebhooksAsync(new RedeliverWebhooksRequest { JobId = fixture.Final.JobId });
        Assert.Equal(3, answer.Endpoints);
        var first = fixture.Ok;
        await Wait.Until(() => fixture.Receiver.Requests("/ok").Count >= before + first.Count, TimeSpan.FromMinutes(1));
        var again = fixture.Receiver.Requests("/ok").Skip(before).Take(first.Count).ToList();
        Assert.Equal(first.Select(r => r.Id), again.Select(r => r.Id));
        Assert.Equal(first.Select(r => r.Body), again.Select(r => r.Body));
        Assert.All(again, r => Assert.True(r.Verified));
    }

    [Fact]
    public async Task SecretsAreNeverShown()
    {
        var id = fixture.Final.JobId;
        var shown = new[]
        {
            await fixture.Server.Web.GetStringAsync($"/api/jobs/{id}"),
            await fixture.Server.Web.GetStringAsync($"/api/jobs/{id}/webhooks"),
            await fixture.Server.Web.GetStringAsync("/api/jobs"),
            (await fixture.Server.Client.GetJobAsync(new GetJobRequest { JobId = id })).ToString(),
        };
        foreach (var text in shown)
        {
            Assert.DoesNotContain(WebhookJobFixture.Secret, text);
            Assert.DoesNotContain(WebhookJobFixture.OldSecret, text);
            Assert.DoesNotContain(WebhookJobFixture.Secret["whsec_".Length..], text);
        }

        Assert.Contains(fixture.Receiver.Url("/ok"), shown[1]);
    }

    private static List<JsonObject> Attempts(JsonObject endpoint) => [.. endpoint["attempts"]!.AsArray().Select(a => a!.AsObject())];
}
