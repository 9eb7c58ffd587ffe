using Clipper.Abstractions.Jobs;
using Clipper.Core.Errors;
using Clipper.Stages.Fetch.Webhooks;
using ErrorCode = Clipper.Core.Errors.ErrorCode;

namespace Clipper.Gateway.Tests;

/// <summary>
/// The endpoints a new job takes, for the API and <c>clip</c> alike: the ones given, checked; none given, the
/// operator's default (CLIPPER_WEBHOOK_URL / CLIPPER_WEBHOOK_SECRET).
/// </summary>
[Trait("Category", "unit")]
public sealed class JobEndpointsTests
{
    private static readonly string Secret = WebhookSigner.NewSecret();

    [Fact]
    public async Task AJobThatNamesNoEndpointGetsTheOperatorsDefault()
    {
        var options = new WebhookOptions { DefaultUrl = "https://hooks.example.com/clipper", DefaultSecret = Secret };

        var list = await JobEndpoints.ForJobAsync(options, [], CancellationToken.None);

        var only = Assert.Single(list!.Endpoints);
        Assert.Equal(new Webhook("https://hooks.example.com/clipper", [Secret]), only);
        Assert.Null(await JobEndpoints.ForJobAsync(new WebhookOptions(), [], CancellationToken.None));
    }

    [Fact]
    public async Task AJobThatNamesEndpointsGetsThoseNotTheDefault()
    {
        var options = new WebhookOptions { DefaultUrl = "https://hooks.example.com/clipper", DefaultSecret = Secret, AllowPrivateAddresses = true };

        var list = await JobEndpoints.ForJobAsync(options, [("http://127.0.0.1:9/mine", [Secret])], CancellationToken.None);

        Assert.Equal("http://127.0.0.1:9/mine", Assert.Single(list!.Endpoints).Url);
    }

    [Fact]
    public async Task TooManyOrBlockedEndpointsAreRefusedWithTheirCodes()
    {
        var many = Enumerable.Range(0, WebhookEndpoints.MaxPerJob + 1).Select(i => ($"https://h{i}.example.com/", (IReadOnlyList<string>)[Secret]));
        var e = await Assert.ThrowsAsync<ClipperException>(() => JobEndpoints.ForJobAsync(new WebhookOptions(), many, CancellationToken.None));
        Assert.Equal(ErrorCode.BadOption, e.Code);

        e = await Assert.ThrowsAsync<ClipperException>(() => JobEndpoints.ForJobAsync(new WebhookOptions(), [("http://127.0.0.1:9/x", [Secret])],
            CancellationToken.None));
        Assert.Equal(ErrorCode.UrlBlocked, e.Code);
    }
}
