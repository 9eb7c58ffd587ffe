using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Clipper.TestSupport;

/// <summary>
/// tests/python/webhook_receiver.py under Debian's /usr/bin/python3 (standard library only): an independent receiver
/// that verifies every signature and logs every request. <c>/ok</c> answers 200, <c>/flaky</c> 500 twice per event
/// then 200, <c>/hang</c> never answers.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _log;

    private WebhookReceiver(Process process, string log, int port)
    {
        _process = process;
        _log = log;
        Port = port;
    }

    public int Port { get; }

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    /// <summary>Starts a receiver that accepts events signed with any of <paramref name="secrets"/>, on <paramref name="port"/> (0: any free port).</summary>
    public static async Task<WebhookReceiver> StartAsync(string[] secrets, int port = 0)
    {
        var log = Path.Combine(TestMedia.TempDir("webhook-receiver"), "requests.jsonl");
        File.WriteAllText(log, "");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(RepoRoot.Dir, "tests", "python", "webhook_receiver.py"));
        psi.ArgumentList.Add("--log");
        psi.ArgumentList.Add(log);
        psi.ArgumentList.Add("--port");
        psi.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var s in secrets)
        {
            psi.ArgumentList.Add("--secret");
            psi.ArgumentList.Add(s);
        }

        var p = Process.Start(psi)!;
        var line = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the webhook receiver did not start: {line} {await p.StandardError.ReadToEndAsync()}");
        }

        return new WebhookReceiver(p, log, int.Parse(line["listening ".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Every request received so far, in order, to <paramref name="path"/>.</summary>
    public IReadOnlyList<Received> Requests(string path)
    {
        var lines = File.ReadAllLines(_log);
        return [.. lines.Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(o => (string?)o["path"] == path)
            .Select(o => new Received((string)o["id"]!, (string?)o["type"], (bool)o["verified"]!, (int)o["signatures"]!,
                (int?)o["status"], o["event"]?.ToJsonString() ?? "", o["event"] as JsonObject))];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>One request: the event's id and type, whether its signature verified, how many signatures it had, the status answered (null: none) and the body.</summary>
    public sealed record Received(string Id, string? Type, bool Verified, int Signatures, int? Status, string Body, JsonObject? Event);
}
