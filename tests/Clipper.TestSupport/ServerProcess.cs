using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Clipper.TestSupport;

/// <summary>
/// A server child process for one test fixture: started with captured output (the last lines are kept for error
/// messages), waited for until it answers, killed with its whole process tree.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const int KeepLines = 200;

    /// <summary>Servers still running, killed when the test process exits without disposing them.</summary>
    private static readonly HashSet<ServerProcess> Running = [];
    private readonly Queue<string> _lines = new();
    private static bool _hooked;
    private readonly Process _process;
    private bool _disposed;

    private ServerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote to stdout and stderr.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    public static ServerProcess Start(string file, IEnumerable<string> args, string workDir)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Add(e.Data);
        process.ErrorDataReceived += (_, e) => server.Add(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {file}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (Running)
        {
            if (Running.Count == 0 && !_hooked)
            {
                _hooked = true;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
            }

            Running.Add(server);
        }

        return server;
    }

    /// <summary>
    /// Waits until <paramref name="ready"/> says yes, failing with the process's output if it exits first or
    /// <paramref name="timeout"/> passes.
    /// </summary>
    public async Task WaitReadyAsync(string what, Func<Task<bool>> ready, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                // let the output readers drain
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"{what} exited with code {_process.ExitCode} before answering:\n{Output}");
            }

            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or TimeoutException or OperationCanceledException)
            {
                // not listening yet
            }

            if (clock.Elapsed > timeout)
            {
                Kill();
                throw new TimeoutException($"{what} did not answer within {timeout.TotalSeconds:0} s:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    public void Kill()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        Kill();
        _disposed = true;
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            // a zombie is not worth failing a test run for
        }

        _process.Dispose();
        lock (Running)
        {
            Running.Remove(this);
        }
    }

    /// <summary>Whether something accepts TCP connections on the loopback port.</summary>
    public static async Task<bool> AnswersAsync(int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        return true;
    }

    private static void KillAll()
    {
        ServerProcess[] left;
        lock (Running)
        {
            left = [.. Running];
        }

        foreach (var server in left)
        {
            server.Kill();
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > KeepLines)
            {
                _lines.Dequeue();
            }
        }
    }
}
