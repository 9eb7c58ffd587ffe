using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Clipper.Core.Errors;
using Clipper.TestSupport;

namespace Clipper.Blobs.Azure.Tests;

/// <summary>Endpoints that are down or silent, and bad configuration: clear errors, quickly, and no secrets in them.</summary>
[Trait("Category", "external")]
public sealed class AzureBlobStoreFailureTests
{
    private const string Key = AzuriteServer.AccountKey;

    private static string ConnectionTo(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={Key};BlobEndpoint=http://127.0.0.1:{port}/{AzuriteServer.AccountName};";

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void AssertNoSecret(Exception e)
    {
        var everything = e.ToString();
        for (var x = e.InnerException; x is not null; x = x.InnerException)
        {
            everything += "\n" + x.Message;
        }

        Assert.DoesNotContain(Key, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..20], everything, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey=E", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opening_a_closed_port_fails_fast_with_StorageFailed_and_no_key()
    {
        var port = ClosedPort();
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ClipperException>(() => AzureBlobStore.OpenAsync(ConnectionTo(port), "clipper", TimeSpan.FromSeconds(10)));
        clock.Stop();
        Assert.Equal(ErrorCode.StorageFailed, e.Code);
        Assert.StartsWith($"blob storage at 127.0.0.1:{port} is unreachable: ", e.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        AssertNoSecret(e);
        TestContext.Current.TestOutputHelper?.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {e.Message}");
    }

    [Fact]
    public async Task Opening_an_endpoint_that_never_answers_fails_within_the_timeout()
    {
        // accepts connections (the kernel backlog does) but never says a word
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ClipperException>(() => AzureBlobStore.OpenAsync(ConnectionTo(port), "clipper", TimeSpan.FromSeconds(3)));
        clock.Stop();
        Assert.Equal(ErrorCode.StorageFailed, e.Code);
        Assert.Equal($"blob storage at 127.0.0.1:{port} is unreachable: no answer within 3 s", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        AssertNoSecret(e);
    }

    [Fact]
    public async Task Cancelling_an_open_is_a_cancellation_not_a_storage_failure()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => AzureBlobStore.OpenAsync(ConnectionTo(port), "clipper", TimeSpan.FromSeconds(20), cancel.Token));
    }

    [Fact]
    public async Task Operations_on_a_closed_port_fail_with_StorageFailed_naming_the_key()
    {
        var port = ClosedPort();
        var store = new AzureBlobStore(ConnectionTo(port));
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ClipperException>(() => store.GetBytesAsync("jobs/j1/clip-01.mp4"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        TestContext.Current.TestOutputHelper?.WriteLine(e.Message);
        Assert.Equal(ErrorCode.StorageFailed, e.Code);
        Assert.StartsWith($"cannot read jobs/j1/clip-01.mp4 at 127.0.0.1:{port}: ", e.Message, StringComparison.Ordinal);
        AssertNoSecret(e);

        e = await Assert.ThrowsAsync<ClipperException>(() => store.PutBytesAsync("a/b", [1, 2]));
        Assert.Equal(ErrorCode.StorageFailed, e.Code);
        Assert.Contains("a/b", e.Message, StringComparison.Ordinal);
        AssertNoSecret(e);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not a connection string")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=%%%not*base64%%%;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1")]
    [InlineData("AccountName=devstoreaccount1;Foo=bar")]
    public async Task A_bad_connection_string_is_BadOption_without_quoting_it(string connectionString)
    {
        var e = Assert.Throws<ClipperException>(() => new AzureBlobStore(connectionString));
        TestContext.Current.TestOutputHelper?.WriteLine(e.Message);
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.Contains("connection string", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("%%%not*base64%%%", e.ToString(), StringComparison.Ordinal);

        e = await Assert.ThrowsAsync<ClipperException>(() => AzureBlobStore.OpenAsync(connectionString, "clipper", TimeSpan.FromSeconds(5)));
        Assert.Equal(ErrorCode.BadOption, e.Code);
    }

    [Theory]
    [InlineData("Clipper")]
    [InlineData("ab")]
    [InlineData("bad_name")]
    [InlineData("-clipper")]
    [InlineData("a--b")]
    public void A_bad_container_name_is_BadOption(string container)
    {
        var e = Assert.Throws<ClipperException>(() => new AzureBlobStore(ConnectionTo(1), container));
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.Contains(container, e.Message, StringComparison.Ordinal);
        AssertNoSecret(e);
    }

    [Fact]
    public void A_store_without_an_account_key_cannot_sign_urls()
    {
        const string sig = "sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";
        var store = new AzureBlobStore($"BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;SharedAccessSignature=sv=2021-08-06&ss=b&srt=sco&sp=rwdlac&se=2099-01-01T00:00:00Z&{sig}");
        var e = Assert.Throws<ClipperException>(() => store.Url("jobs/j/clip-01.mp4", TimeSpan.FromMinutes(5)));
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.Contains("account key", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(sig, e.ToString(), StringComparison.Ordinal);
        Assert.Equal("127.0.0.1:1", store.Endpoint);
    }

    [Fact]
    public void A_url_needs_a_positive_ttl()
    {
        var store = new AzureBlobStore(ConnectionTo(1));
        Assert.Equal(ErrorCode.BadOption, Assert.Throws<ClipperException>(() => store.Url("a/b", TimeSpan.Zero)).Code);
    }
}
