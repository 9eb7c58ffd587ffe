using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Clipper.TestSupport;

/// <summary>
/// A small real HTTP/1.1 server on 127.0.0.1 (a raw TCP listener, so a test can declare any length, stall, or
/// send more than it declared). Every response closes its connection. It counts the requests per path.
/// </summary>
public sealed class TestHttpServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Func<Exchange, Task> handler;
    private readonly CancellationTokenSource stop = new();
    private readonly Task acceptLoop;

    public TestHttpServer(Func<Exchange, Task> handler)
    {
        this.handler = handler;
        listener.Start();
        acceptLoop = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Requests per path since the last <see cref="ResetHits"/>.</summary>
    public ConcurrentDictionary<string, int> Hits { get; } = new();

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public void ResetHits() => Hits.Clear();

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        try
        {
            await acceptLoop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }

        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                if (head is null)
                {
                    return;
                }

                var parts = head.Split("\r\n")[0].Split(' ');
                var path = parts.Length > 1 ? parts[1].Split('?')[0] : "/";
                Hits.AddOrUpdate(path, 1, (_, n) => n + 1);
                await handler(new Exchange(path, stream, stop.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // the client hung up, which several tests expect it to
            }
        }
    }

    private static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 16384)
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            bytes.Add(one[0]);
            int n = bytes.Count;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n')
            {
                return Encoding.ASCII.GetString(bytes.ToArray());
            }
        }

        return null;
    }

    /// <summary>One request: its path, and the connection to answer on.</summary>
    public sealed class Exchange(string path, NetworkStream stream, CancellationToken stopping)
    {
        public string Path { get; } = path;

        public CancellationToken Stopping { get; } = stopping;

        /// <summary>Sends the status line and headers; a null length means the body ends when the connection closes.</summary>
        public async Task HeadAsync(int status, long? contentLength, params (string Name, string Value)[] headers)
        {
            var sb = new StringBuilder($"HTTP/1.1 {status} {Reason(status)}\r\nConnection: close\r\n");
            if (contentLength is { } length)
            {
                sb.Append($"Content-Length: {length}\r\n");
            }

            foreach (var (name, value) in headers)
            {
                sb.Append($"{name}: {value}\r\n");
            }

            sb.Append("\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(sb.ToString()), Stopping);
        }

        /// <summary>Writes body bytes; false once the client has hung up.</summary>
        public async Task<bool> WriteAsync(byte[] bytes)
        {
            try
            {
                await stream.WriteAsync(bytes, Stopping);
                await stream.FlushAsync(Stopping);
                return true;
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                return false;
            }
        }

        public async Task SendAsync(int status, byte[] body, params (string Name, string Value)[] headers)
        {
            await HeadAsync(status, body.Length, headers);
            await WriteAsync(body);
        }

        public Task RedirectAsync(string location) => HeadAsync(302, 0, ("Location", location));

        private static string Reason(int status) => status switch
        {
            200 => "OK",
            302 => "Found",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            410 => "Gone",
            503 => "Service Unavailable",
            _ => "Status",
        };
    }
}
