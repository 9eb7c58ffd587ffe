using System.Text.Json.Nodes;
using Clipper.Stages.Fetch.Webhooks;
using Clipper.TestSupport;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Cluster.Tests;

/// <summary>
/// The outbox is durable: a silo SIGKILLed after a job made an event and before the event reached its receiver (the
/// receiver was down) delivers it, with the same id, once it is started again and the receiver is back.
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "external")]
[Trait("Category", "media")]
public sealed class WebhookKillTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AnEventNotDeliveredWhenItsSiloWasKilledIsDeliveredAfterTheRestart()
    {
        var secret = WebhookSigner.NewSecret();
        var talk = await TestMedia.ShortTalkAsync();
        await using var services = await ClusterServices.StartAsync("webhooks");
        var env = services.Environment("webhooks");
        env["Clipper__Webhooks__AllowPrivateAddresses"] = "true";
        env["Clipper__Webhooks__FirstRetryDelay"] = "00:00:01";
        env["Clipper__Webhooks__MaxRetryDelay"] = "00:00:02";
        await using var silo = new SiloProcess("silo1", TestMedia.TempDir("clipper-webhook-silo"), env);
        await silo.StartAsync();

        // the receiver's port, with nothing listening on it yet: every attempt is refused
        int port = Ports.Free();
        var hook = new V1.Webhook { Url = $"http://127.0.0.1:{port}/ok", Secrets = { secret } };
        string jobId;
        await using (var file = File.OpenRead(talk.File))
        {
            jobId = (await Clipper.Gateway.UploadClient.UploadAsync(silo.Client, file, Path.GetFileName(talk.File), file.Length,
                new V1.ClipOptions { MaxClips = 1, Width = 270, Height = 480 }, webhooks: [hook])).JobId;
        }

        async Task<JsonObject> DeliveriesAsync() =>
            JsonNode.Parse(await silo.Web.GetStringAsync($"/api/jobs/{jobId}/webhooks"))!["endpoints"]![0]!.AsObject();

        var failing = await Wait.For(DeliveriesAsync, d => d["attempts"]!.AsArray().Count >= 2, TimeSpan.FromMinutes(2));
        output.WriteLine($"before the kill: {failing.ToJsonString()}");
        var pending = (string)failing["nextEventId"]!;
        Assert.Equal(0, (int)failing["delivered"]!);
        Assert.All(failing["attempts"]!.AsArray(), a => Assert.Equal(0, (int)a!["status"]!));

        silo.Kill();
        Assert.False(silo.Running);
        await using var receiver = await WebhookReceiver.StartAsync([secret], port);
        await silo.StartAsync();

        // the outbox comes back with the silo (the job's activation or the outbox's reminder) and delivers
        IReadOnlyList<WebhookReceiver.Received> got;
        try
        {
            got = await Wait.For(() => Task.FromResult(receiver.Requests("/ok")), r => r.Any(x => x.Id == pending && x.Status == 200),
                TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException)
        {
            output.WriteLine($"after the restart: {(await DeliveriesAsync()).ToJsonString()}\n{silo.Output}");
            throw;
        }

        output.WriteLine(string.Join("\n", got.Select(r => $"{r.Id} {r.Type} verified={r.Verified} {r.Status}")));
        var first = got.First(r => r.Id == pending);
        Assert.Equal("job.started", first.Type);
        Assert.True(first.Verified);
        Assert.Equal(jobId, (string?)first.Event!["data"]!["job_id"]);
        Assert.Equal(pending, got[0].Id); // in order: the event that waited goes first

        // the job goes on to the end; clip.ready carries signed links (Azurite's SAS) that fetch the clip's files
        var all = await Wait.For(() => Task.FromResult(receiver.Requests("/ok")), r => r.Any(x => x.Type == "job.completed" && x.Status == 200),
            TimeSpan.FromMinutes(4));
        var ready = all.First(r => r.Type == "clip.ready" && r.Status == 200);
        Assert.True(ready.Verified);
        var video = ready.Event!["data"]!["clip"]!["video"]!;
        var url = new Uri((string)video["url"]!);
        Assert.Contains("sig=", url.Query); // signed, not a public container
        using var http = new HttpClient();
        var bytes = await http.GetByteArrayAsync(url);
        Assert.True(bytes.Length > 10_000, $"{bytes.Length} bytes");
        Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString(bytes, 4, 4)); // an MP4
        using (var unsigned = await http.GetAsync(url.GetLeftPart(UriPartial.Path)))
        {
            Assert.False(unsigned.IsSuccessStatusCode, $"the blob without its signature answered {(int)unsigned.StatusCode}");
        }

        Measurements.Record($"webhooks: an event whose silo was SIGKILLed before delivery (receiver down) was delivered after the restart, same id");
    }
}
