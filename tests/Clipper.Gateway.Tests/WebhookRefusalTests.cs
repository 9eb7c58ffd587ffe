using Clipper.Gateway.V1;
using Clipper.Stages.Fetch.Webhooks;
using Clipper.TestSupport;
using Grpc.Core;

namespace Clipper.Gateway.Tests;

/// <summary>
/// A callback URL obeys the SSRF rule: a server without <c>Clipper:Webhooks:AllowPrivateAddresses</c> refuses
/// loopback, private and metadata addresses at submit (<c>url_blocked</c>), a malformed endpoint is <c>bad_option</c>,
/// and the sender refuses them again when it connects.
/// </summary>
[Trait("Category", "cluster")]
public sealed class WebhookRefusalTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private static readonly string Secret = WebhookSigner.NewSecret();

    [Theory]
    [InlineData("http://127.0.0.1:9/hook")]
    [InlineData("http://[::1]:9/hook")]
    [InlineData("http://localhost:9/hook")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://192.168.0.10/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://metadata.google.internal/")]
    public async Task ACallbackToANonPublicAddressIsRefusedAtSubmit(string url)
    {
        var e = await SubmitAsync(new Webhook { Url = url, Secrets = { Secret } });
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.StartsWith("url_blocked: webhook: ", e.Status.Detail);
        Assert.Contains("Clipper:Webhooks:AllowPrivateAddresses", e.Status.Detail);
    }

    [Theory]
    [InlineData("ftp://example.com/hook")]
    [InlineData("example.com/hook")]
    [InlineData("file:///etc/passwd")]
    public async Task ACallbackThatIsNotAnHttpUrlIsABadOption(string url)
    {
        var e = await SubmitAsync(new Webhook { Url = url, Secrets = { Secret } });
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("bad_option: a webhook URL must be an absolute http(s) URL", e.Status.Detail);
    }

    [Fact]
    public async Task ABadSecretIsABadOptionThatDoesNotShowIt()
    {
        const string bad = "whsec_not-base64-at-all!!";
        var e = await SubmitAsync(new Webhook { Url = "https://example.com/hook", Secrets = { bad } });
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("bad_option: a secret of the webhook https://example.com/hook is not whsec_", e.Status.Detail);
        Assert.DoesNotContain("not-base64", e.Status.Detail);
        var none = await SubmitAsync(new Webhook { Url = "https://example.com/hook" });
        Assert.StartsWith("bad_option: the webhook https://example.com/hook needs a secret", none.Status.Detail);
    }

    [Fact]
    public async Task TheSenderRefusesLoopbackAtConnectTimeWithoutTheSetting()
    {
        var hits = 0;
        await using var receiver = new TestHttpServer(async x =>
        {
            Interlocked.Increment(ref hits);
            await x.SendAsync(200, "ok"u8.ToArray());
        });
        using var refusing = new WebhookSender(new WebhookOptions(), TimeProvider.System);
        foreach (var url in new[] { receiver.Url("/hook"), $"http://localhost:{receiver.Port}/hook", "http://169.254.169.254/latest" })
        {
            var refused = await refusing.SendAsync(url, [Secret], "msg_1", "{}", CancellationToken.None);
            output.WriteLine($"{url}: {refused}");
            Assert.Equal(0, refused.Status);
            Assert.StartsWith("url_blocked: ", refused.Excerpt);
        }

        Assert.Equal(0, hits);
        using var allowing = new WebhookSender(new WebhookOptions { AllowPrivateAddresses = true }, TimeProvider.System);
        var sent = await allowing.SendAsync(receiver.Url("/hook"), [Secret], "msg_1", "{}", CancellationToken.None);
        Assert.Equal(200, sent.Status);
        Assert.Equal(1, hits);
        var metadata = await allowing.SendAsync("http://169.254.169.254/latest", [Secret], "msg_1", "{}", CancellationToken.None);
        Assert.StartsWith("url_blocked: ", metadata.Excerpt); // never, whatever the setting
    }

    private async Task<RpcException> SubmitAsync(Webhook webhook)
    {
        var request = new SubmitJobRequest { SourceUrl = "https://example.com/talk.mp4" };
        request.Webhooks.Add(webhook);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Server.Client.SubmitJobAsync(request));
        output.WriteLine($"{webhook.Url}: {e.StatusCode} {e.Status.Detail}");
        return e;
    }
}
