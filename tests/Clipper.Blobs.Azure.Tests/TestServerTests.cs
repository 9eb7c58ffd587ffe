using Clipper.TestSupport;

namespace Clipper.Blobs.Azure.Tests;

/// <summary>The shared fixtures' own servers: they start on free ports, answer, and die when told.</summary>
[Trait("Category", "external")]
public sealed class TestServerTests
{
    [Fact]
    public async Task Redis_answers_ping_until_killed()
    {
        await using var redis = await RedisServer.StartAsync();
        Assert.Equal($"127.0.0.1:{redis.Port}", redis.ConnectionString);
        Assert.True(await RedisServer.PingAsync(redis.Port));

        redis.Kill();
        await Wait.Until(() => redis.HasExited, TimeSpan.FromSeconds(5));
        await Assert.ThrowsAnyAsync<Exception>(() => RedisServer.PingAsync(redis.Port));
    }

    [Fact]
    public async Task Two_azurites_run_side_by_side_and_stop_on_dispose()
    {
        await using var first = await AzuriteServer.StartAsync();
        int port;
        await using (var second = await AzuriteServer.StartAsync())
        {
            Assert.NotEqual(first.Port, second.Port);
            Assert.Contains($"BlobEndpoint=http://127.0.0.1:{second.Port}/devstoreaccount1", second.ConnectionString, StringComparison.Ordinal);
            port = first.Port;
            await first.DisposeAsync();
            var store = await AzureBlobStore.OpenAsync(second.ConnectionString, "clipper", TimeSpan.FromSeconds(30));
            await store.PutBytesAsync("x/y", [1]);
            Assert.True(await store.ExistsAsync("x/y"));
        }

        using var client = new System.Net.Sockets.TcpClient();
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => client.ConnectAsync(System.Net.IPAddress.Loopback, port));
    }
}
