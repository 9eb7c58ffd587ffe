using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Clipper.TestSupport;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Clipper.Gateway.Tests;

/// <summary>
/// The MCP endpoint through the SDK's own client over streamable HTTP: the tools listed, a job submitted from a
/// link to a file, its progress notified while wait_for_job runs, its clips returned; errors as stable codes; the
/// same API keys as the gRPC API.
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "media")]
public sealed class McpTests(ITestOutputHelper output)
{
    private const string Key = "mcp-key";

    [Fact]
    public async Task AnAssistantSubmitsALinkWatchesItsProgressAndGetsTheClips()
    {
        var talk = await TestMedia.ShortTalkAsync();
        var bytes = await File.ReadAllBytesAsync(talk.File);
        await using var files = new TestHttpServer(ex => ex.Path == "/talks/short-talk.mp4"
            ? ex.SendAsync(200, bytes, ("Content-Type", "video/mp4"))
            : ex.SendAsync(404, "not here"u8.ToArray()));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["Clipper:Gateway:ApiKeys:0"] = Key,
            // the test's file server is on loopback
            ["Clipper:Fetch:AllowPrivateAddresses"] = "true",
        });
        await using var mcp = await ConnectAsync(server, Key);

        var tools = await mcp.ListToolsAsync();
        Assert.Equal(["cancel_job", "get_job", "list_jobs", "submit_link", "wait_for_job"], tools.Select(t => t.Name).Order());
        Assert.All(tools, t => Assert.False(string.IsNullOrWhiteSpace(t.Description)));
        var wait = tools.Single(t => t.Name == "wait_for_job").ProtocolTool.InputSchema;
        Assert.Equal(["jobId", "timeoutSeconds"], wait.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());

        var submitted = await CallAsync(mcp, "submit_link", new() { ["url"] = files.Url("/talks/short-talk.mp4"), ["maxClips"] = 2, ["hookSeconds"] = 2 });
        var jobId = submitted.GetProperty("jobId").GetString()!;
        output.WriteLine($"submitted {jobId}: {submitted}");

        var notes = new ConcurrentQueue<ProgressNotificationValue>();
        var done = await CallAsync(mcp, "wait_for_job", new() { ["jobId"] = jobId, ["timeoutSeconds"] = 600 },
            new SyncProgress(notes.Enqueue));
        output.WriteLine(string.Join("\n", notes.Select(n => $"{n.Progress}/{n.Total} {n.Message}")));
        Assert.Equal("COMPLETED", done.GetProperty("state").GetString());
        // progress arrived while it ran, from the first stage to the end. (The server sends them in order, awaiting
        // each; the SDK's client hands incoming messages to their handlers concurrently, so two can swap here.)
        Assert.True(notes.Count >= 3, $"only {notes.Count} progress notifications");
        Assert.True(notes.Min(n => n.Progress) < 10, $"the first progress was {notes.Min(n => n.Progress)}");
        Assert.Equal(100, notes.Max(n => n.Progress));
        Assert.Contains(notes, n => n.Message!.StartsWith("fetching", StringComparison.Ordinal));
        Assert.All(notes, n => Assert.Equal(100, n.Total));
        Assert.Contains(notes, n => n.Message!.StartsWith("encoding", StringComparison.Ordinal));
        var clips = done.GetProperty("clips").EnumerateArray().ToList();
        Assert.InRange(clips.Count, 1, 2);
        foreach (var clip in clips)
        {
            Assert.True(clip.GetProperty("finished").GetBoolean());
            Assert.False(string.IsNullOrWhiteSpace(clip.GetProperty("title").GetString()));
            var url = clip.GetProperty("video").GetProperty("url").GetString()!;
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("x-api-key", Key);
            var video = await (await server.Web.SendAsync(request)).Content.ReadAsByteArrayAsync();
            Assert.Equal("ftyp"u8.ToArray(), video[4..8]);
        }

        var got = await CallAsync(mcp, "get_job", new() { ["jobId"] = jobId });
        Assert.Equal(clips.Count, got.GetProperty("clips").GetArrayLength());
        var listed = await CallAsync(mcp, "list_jobs", new() { ["state"] = "completed" });
        Assert.Contains(listed.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("jobId").GetString() == jobId);
    }

    [Fact]
    public async Task ErrorsAreStableCodesAndACallWithoutAKeyIsRefused()
    {
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["Clipper:Gateway:ApiKeys:0"] = Key });

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(server, key: null));
        output.WriteLine($"no key: {refused.GetType().Name}: {refused.Message}");
        Assert.Contains("401", refused.ToString());
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(server, "wrong-key"));

        await using var mcp = await ConnectAsync(server, Key);
        async Task Expect(string code, string tool, Dictionary<string, object?> args)
        {
            var result = await mcp.CallToolAsync(tool, args);
            var text = string.Join("", result.Content.OfType<TextContentBlock>().Select(b => b.Text));
            output.WriteLine($"{tool}: {text}");
            Assert.True(result.IsError, $"{tool} answered without an error: {text}");
            Assert.StartsWith(code + ":", text);
        }

        await Expect("url_blocked", "submit_link", new() { ["url"] = "http://127.0.0.1/talk.mp4" });
        await Expect("url_blocked", "submit_link", new() { ["url"] = "http://169.254.169.254/latest/meta-data" });
        await Expect("unsupported_url", "submit_link", new() { ["url"] = "ftp://example.com/talk.mp4" });
        await Expect("bad_option", "submit_link", new() { ["url"] = "https://example.com/a.mp4", ["minSeconds"] = 100, ["maxSeconds"] = 20 });
        await Expect("job_not_found", "get_job", new() { ["jobId"] = "no-such-job" });
        await Expect("job_not_found", "cancel_job", new() { ["jobId"] = "no-such-job" });
        await Expect("bad_option", "submit_link", new() { ["url"] = "https://example.com/a.mp4", ["hookSeconds"] = 20 });
        await Expect("bad_option", "get_job", new() { ["jobId"] = "bad id!" });
        await Expect("bad_option", "list_jobs", new() { ["state"] = "sleeping" });
        await Expect("bad_option", "wait_for_job", new() { ["jobId"] = "x", ["timeoutSeconds"] = 0 });
        var empty = await CallAsync(mcp, "list_jobs", new());
        Assert.False(empty.TryGetProperty("jobs", out _), $"a new server listed jobs: {empty}");
    }

    [Fact]
    public async Task TheMcpInspectorCliListsTheToolsAndGetsAnError()
    {
        // installed by scripts/setup.sh --tests (npm, pinned by scripts/mcp-inspector/package-lock.json)
        var cli = Path.Combine(RepoRoot.Dir, ".tools", "mcp-inspector", "node_modules", "@modelcontextprotocol", "inspector-cli", "build", "index.js");
        Assert.True(File.Exists(cli), $"{cli} is missing: run scripts/setup.sh --tests");
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["Clipper:Gateway:ApiKeys:0"] = Key });

        async Task<(int Exit, string Out, string Err)> Inspect(string? key, params string[] args)
        {
            string[] command = ["node", cli, server.WebBase + "/mcp", "--transport", "http", .. key is null ? [] : new[] { "--header", $"x-api-key: {key}" }, .. args];
            // it finds its own package.json relative to the working directory
            var r = await Clipper.Core.Processes.ProcessRunner.RunAsync(command, TimeSpan.FromSeconds(60), workingDirectory: Path.GetDirectoryName(cli));
            var stdout = System.Text.Encoding.UTF8.GetString(r.Stdout);
            output.WriteLine($"inspector {string.Join(' ', args)} (key {key is not null}): exit {r.ExitCode}\n{stdout}\n{r.StderrTail}");
            return (r.ExitCode, stdout, r.StderrTail);
        }

        var listed = await Inspect(Key, "--method", "tools/list");
        Assert.Equal(0, listed.Exit);
        var names = JsonDocument.Parse(listed.Out).RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString());
        Assert.Equal(["cancel_job", "get_job", "list_jobs", "submit_link", "wait_for_job"], names.Order());

        var missing = await Inspect(Key, "--method", "tools/call", "--tool-name", "get_job", "--tool-arg", "jobId=no-such-job");
        Assert.Equal(0, missing.Exit);
        var result = JsonDocument.Parse(missing.Out).RootElement;
        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.StartsWith("job_not_found:", result.GetProperty("content")[0].GetProperty("text").GetString());

        var refused = await Inspect(null, "--method", "tools/list");
        Assert.NotEqual(0, refused.Exit);
        Assert.Contains("unauthenticated: an x-api-key is required", refused.Out + refused.Err);
    }

    internal static async Task<McpClient> ConnectAsync(GatewayServer server, string? key)
    {
        var options = new HttpClientTransportOptions { Endpoint = new Uri(server.WebBase + "/mcp"), Name = "clipper-test" };
        if (key is not null)
        {
            options.AdditionalHeaders = new Dictionary<string, string> { ["x-api-key"] = key };
        }

        return await McpClient.CreateAsync(new HttpClientTransport(options));
    }

    internal static async Task<JsonElement> CallAsync(McpClient mcp, string tool, Dictionary<string, object?> args,
        IProgress<ProgressNotificationValue>? progress = null)
    {
        var result = await mcp.CallToolAsync(tool, args, progress);
        var text = string.Join("", result.Content.OfType<TextContentBlock>().Select(b => b.Text));
        Assert.True(result.IsError != true, $"{tool} failed: {text}");
        Assert.NotNull(result.StructuredContent);
        var json = JsonDocument.Parse(text).RootElement.Clone();
        // the structured result is the text's JSON
        Assert.Equal(JsonSerializer.Serialize(json), JsonSerializer.Serialize(result.StructuredContent.Value));
        return json;
    }

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}
