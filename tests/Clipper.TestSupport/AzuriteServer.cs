namespace Clipper.TestSupport;

/// <summary>
/// Azurite's blob service (the Azure Storage emulator installed by <c>scripts/setup.sh --tests</c> into
/// <c>.tools/azurite</c>) on a free loopback port, in memory, for one fixture. Missing Azurite is an error that names
/// the setup command, never a silent skip. Dispose kills it.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account (public, documented; not a secret).</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly ServerProcess _process;
    private readonly string _workDir;

    private AzuriteServer(ServerProcess process, string workDir, int port)
    {
        _process = process;
        _workDir = workDir;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The blob endpoint, http://127.0.0.1:PORT/devstoreaccount1.</summary>
    public string BlobEndpoint => $"http://127.0.0.1:{Port}/{AccountName}";

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    /// <summary>The last lines Azurite printed.</summary>
    public string Output => _process.Output;

    /// <summary>The azurite-blob launcher, or an exception saying how to install it.</summary>
    public static string Executable()
    {
        var bin = Path.Combine(RepoRoot.Dir, ".tools", "azurite", "node_modules", ".bin", "azurite-blob");
        return File.Exists(bin) ? bin
            : throw new InvalidOperationException($"Azurite is not installed ({bin} is missing): run scripts/setup.sh --tests");
    }

    public static async Task<AzuriteServer> StartAsync()
    {
        var bin = Executable();
        for (var attempt = 1; ; attempt++)
        {
            var port = Ports.Free();
            var workDir = TestMedia.TempDir("clipper-azurite");
            var process = ServerProcess.Start(bin,
            [
                "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent",
            ], workDir);
            var server = new AzuriteServer(process, workDir, port);
            try
            {
                // the banner names the port, so a different server that happens to hold it is not mistaken for ours
                await process.WaitReadyAsync($"azurite-blob on port {port}",
                    async () => process.Output.Contains($"127.0.0.1:{port}", StringComparison.Ordinal) && await ServerProcess.AnswersAsync(port),
                    TimeSpan.FromSeconds(30));
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && process.Output.Contains("EADDRINUSE", StringComparison.Ordinal))
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
