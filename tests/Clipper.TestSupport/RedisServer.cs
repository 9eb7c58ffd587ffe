using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Clipper.TestSupport;

/// <summary>
/// A throwaway redis-server (Debian's, installed by <c>scripts/setup.sh --tests</c>) on a free loopback port,
/// its data in an append-only file in a temporary directory. <see cref="Kill"/> stops it abruptly (to test a lost
/// cluster store); dispose kills it and removes the directory.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string Executable = "/usr/bin/redis-server";

    private readonly ServerProcess _process;
    private readonly string _workDir;

    private RedisServer(ServerProcess process, string workDir, int port)
    {
        _process = process;
        _workDir = workDir;
        Port = port;
    }

    public int Port { get; }

    /// <summary>"127.0.0.1:PORT", as StackExchange.Redis takes it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>The last lines redis-server printed.</summary>
    public string Output => _process.Output;

    public bool HasExited => _process.HasExited;

    /// <summary>The directory of its append-only file (to bring a killed server back with its data).</summary>
    public string WorkDir => _workDir;

    /// <summary>
    /// Starts a server on a free port and a new directory, or on <paramref name="port"/> and <paramref name="workDir"/>
    /// to bring a killed one back where it was, with what it held: every write goes to the append-only file at once,
    /// as a production Redis holding cluster membership is set up.
    /// </summary>
    public static async Task<RedisServer> StartAsync(int? port = null, string? workDir = null)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: run scripts/setup.sh --tests");
        }

        for (var attempt = 1; ; attempt++)
        {
            var chosen = port ?? Ports.Free();
            var dir = workDir ?? TestMedia.TempDir("clipper-redis");
            var process = ServerProcess.Start(Executable,
            [
                "--port", chosen.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", dir, "--daemonize", "no",
            ], dir);
            var server = new RedisServer(process, dir, chosen);
            try
            {
                await process.WaitReadyAsync($"redis-server on port {chosen}", () => PingAsync(chosen), TimeSpan.FromSeconds(30));
                return server;
            }
            catch (InvalidOperationException) when (port is null && attempt < 3 && process.Output.Contains("in use", StringComparison.OrdinalIgnoreCase))
            {
                // another process took the port between the probe and the bind: try another one
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Whether a Redis server answers PING with +PONG on the loopback port.</summary>
    public static async Task<bool> PingAsync(int port)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
        var buffer = new byte[64];
        var text = new StringBuilder();
        while (!text.ToString().Contains('\n'))
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            if (n == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return text.ToString().StartsWith("+PONG", StringComparison.Ordinal);
    }

    /// <summary>Kills the server at once (no shutdown), as a crash would.</summary>
    public void Kill() => _process.Kill();

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
            // left in /tmp
        }
    }
}
