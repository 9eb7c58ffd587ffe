using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Clipper.TestSupport;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using V1 = Clipper.Gateway.V1;

namespace Clipper.Cluster.Tests;

/// <summary>
/// One <c>clipper serve</c> process of the cluster profile on its own home and ports. Its output goes to
/// {home}/serve-N.out (N counts restarts). Kill is SIGKILL of the process tree (a container dying); Terminate is SIGTERM.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _env;
    private Process? _process;
    private StreamWriter? _out;
    private int _starts;
    private readonly object _lock = new();
    private readonly List<string> _lines = [];

    private readonly string[]? _command;

    public SiloProcess(string name, string home, IReadOnlyDictionary<string, string> env)
        : this(name, home, env, null, IPAddress.Loopback, Ports.Free(), Ports.Free(), null)
    {
    }

    private SiloProcess(string name, string home, IReadOnlyDictionary<string, string> env, string[]? command, IPAddress address,
        int grpcPort, int webPort, string? apiKey)
    {
        Name = name;
        Home = home;
        Directory.CreateDirectory(home);
        _command = command;
        Address = address;
        GrpcPort = grpcPort;
        WebPort = webPort;
        SiloPort = command is null ? Ports.Free() : 0;
        GatewayPort = command is null ? Ports.Free() : 0;
        _env = new Dictionary<string, string>(env);
        Channel = GrpcChannel.ForAddress($"http://{address}:{GrpcPort}", new GrpcChannelOptions { MaxReceiveMessageSize = 64 << 20 });
        var invoker = apiKey is null ? Channel.CreateCallInvoker()
            : Channel.Intercept(headers =>
            {
                headers.Add("x-api-key", apiKey);
                return headers;
            });
        Client = new V1.Clipper.ClipperClient(invoker);
        Web = new HttpClient { BaseAddress = new Uri($"http://{address}:{WebPort}"), Timeout = TimeSpan.FromSeconds(10) };
        if (apiKey is not null)
        {
            Web.DefaultRequestHeaders.Add("x-api-key", apiKey);
        }
    }

    /// <summary>
    /// A silo started exactly as a pod's container: this command line (its program mapped to a local one by the
    /// caller) and this environment only (nothing of the test's own Clipper settings), at the pod's address, on the
    /// ports its environment sets. Clients send <paramref name="apiKey"/> (a pod always has keys).
    /// </summary>
    public static SiloProcess Pod(string name, string home, IReadOnlyDictionary<string, string> env, string[] command, IPAddress address,
        int grpcPort, int webPort, string apiKey) => new(name, home, env, command, address, grpcPort, webPort, apiKey);

    /// <summary>The address the silo's servers are reached at (127.0.0.1, or a pod's own).</summary>
    public IPAddress Address { get; }

    public string Name { get; }

    public string Home { get; }

    public int GrpcPort { get; }

    public int WebPort { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public GrpcChannel Channel { get; }

    public V1.Clipper.ClipperClient Client { get; }

    public HttpClient Web { get; }

    public bool Running => _process is { HasExited: false };

    /// <summary>The process id of the silo's current run (null before its first start).</summary>
    public int? Pid => _process?.Id;

    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>Everything this silo printed, over all its runs.</summary>
    public string Output
    {
        get
        {
            lock (_lock)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "clipper.dll");

    /// <summary>Starts the silo and waits for its "serving" line.</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        var command = _command ?? ["dotnet", Dll, "serve", "--grpc", $"127.0.0.1:{GrpcPort}", "--web", $"127.0.0.1:{WebPort}",
            "--silo-port", SiloPort.ToString(), "--gateway-port", GatewayPort.ToString()];
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        if (_command is not null)
        {
            // a pod's environment is its image's and its own: none of the Clipper settings this test process may carry
            foreach (var inherited in psi.Environment.Keys.Where(k => k.StartsWith("CLIPPER_", StringComparison.Ordinal)
                || k.StartsWith("Clipper__", StringComparison.Ordinal) || k.StartsWith("ORLEANS_", StringComparison.Ordinal)).ToList())
            {
                psi.Environment.Remove(inherited);
            }
        }

        foreach (var (k, v) in _env)
        {
            psi.Environment[k] = v;
        }

        psi.Environment["CLIPPER_HOME"] = Home;
        _starts++;
        _out = new StreamWriter(Path.Combine(Home, $"serve-{_starts}.out")) { AutoFlush = true };
        var serving = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var writer = _out;
        void Line(string? s)
        {
            if (s is null)
            {
                return;
            }

            lock (_lock)
            {
                _lines.Add(s);
                writer.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {s}");
            }

            if (s.StartsWith("clipper: serving", StringComparison.Ordinal))
            {
                serving.TrySetResult();
            }
        }

        p.OutputDataReceived += (_, e) => Line(e.Data);
        p.ErrorDataReceived += (_, e) => Line(e.Data);
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;
        var exited = p.WaitForExitAsync();
        var limit = Task.Delay(timeout ?? TimeSpan.FromSeconds(90));
        var first = await Task.WhenAny(serving.Task, exited, limit);
        if (first != serving.Task)
        {
            Kill();
            throw new InvalidOperationException($"silo {Name} did not start ({(first == exited ? $"exit {p.ExitCode}" : "timeout")}):\n{Output}");
        }
    }

    /// <summary>SIGKILL to the silo and every process it started, like a container dying.</summary>
    public void Kill()
    {
        try
        {
            if (_process is { HasExited: false } p)
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // gone already
        }
    }

    /// <summary>SIGTERM; returns the exit code and how long the silo took to exit (null: still running after the limit).</summary>
    public async Task<(int? Code, TimeSpan Took)> TerminateAsync(TimeSpan limit)
    {
        var p = _process ?? throw new InvalidOperationException("not started");
        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(limit);
        try
        {
            await p.WaitForExitAsync(wait.Token);
            return (p.ExitCode, clock.Elapsed);
        }
        catch (OperationCanceledException)
        {
            return (null, clock.Elapsed);
        }
    }

    /// <summary>
    /// SIGSTOP (or SIGCONT) to the silo and every process it started: a node that hangs without closing its sockets,
    /// which only missed probes, or Kubernetes, can tell from a slow one.
    /// </summary>
    public async Task FreezeAsync(bool frozen = true)
    {
        var p = _process ?? throw new InvalidOperationException("not started");
        var signal = frozen ? "-STOP" : "-CONT";
        // the silo itself must take it
        Assert.Equal(0, await KillAsync(signal, [p.Id]));
        // a child (an ffprobe, say) may end between listing and signalling: kill then fails for it alone, which is fine
        // only when a listed child is indeed gone
        var children = ProcessTable.Descendants(p.Id).Select(e => e.Pid).ToList();
        if (children.Count > 0 && await KillAsync(signal, children) != 0)
        {
            Assert.Contains(children, c => !Directory.Exists($"/proc/{c}"));
        }
    }

    private static async Task<int> KillAsync(string signal, IEnumerable<int> pids)
    {
        using var kill = Process.Start("kill", [signal, .. pids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        await kill.WaitForExitAsync();
        return kill.ExitCode;
    }

    /// <summary>This silo's log file (all runs), as written so far.</summary>
    public string LogText()
    {
        var file = Path.Combine(Home, "logs", "clipper.log");
        if (!File.Exists(file))
        {
            return "";
        }

        using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd();
    }

    /// <summary>Uploads a file through this silo's gateway; returns the job's id.</summary>
    public async Task<string> UploadAsync(string file, V1.ClipOptions options)
    {
        await using var stream = File.OpenRead(file);
        return (await Clipper.Gateway.UploadClient.UploadAsync(Client, stream, Path.GetFileName(file), stream.Length, options)).JobId;
    }

    /// <summary>The job as this silo sees it once it ended; past <paramref name="timeout"/> fails with the job as it stands.</summary>
    public Task<V1.Job> WaitFinishedAsync(string jobId, TimeSpan timeout) =>
        Wait.For(async () => await Client.GetJobAsync(new V1.GetJobRequest { JobId = jobId }),
            job => job.State is not (V1.JobState.Submitted or V1.JobState.Running), timeout, TimeSpan.FromMilliseconds(500));

    /// <summary>The names of the processes this silo started that still run (children, grandchildren…).</summary>
    public List<string> Descendants() =>
        _process is { HasExited: false } p ? Clipper.TestSupport.ProcessTable.Descendants(p.Id).Select(e => e.Name).ToList() : [];

    /// <summary>This silo's /metrics, or null when it does not answer.</summary>
    public async Task<string?> MetricsAsync()
    {
        try
        {
            return await Web.GetStringAsync("/metrics");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        Channel.Dispose();
        Web.Dispose();
        if (_out is not null)
        {
            await _out.DisposeAsync();
        }
    }
}
