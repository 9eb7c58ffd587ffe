using System.Diagnostics;
using Clipper.Gateway.V1;
using Clipper.TestSupport;
using Grpc.Core;

namespace Clipper.Gateway.Tests;

/// <summary>
/// The CLI as a client (<c>clipper submit</c> and <c>clipper watch</c> as processes) against a real server, and the
/// upload rules: a size limit, and nothing left behind by a refused or abandoned upload.
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "media")]
public sealed class ClientCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SubmitAndWatchFollowDownloadAndExitLikeClip()
    {
        var talk = await TestMedia.ShortTalkAsync();
        await using var server = await GatewayServer.StartAsync();
        var dir = TestMedia.TempDir("gateway-cli");
        var outDir = Path.Combine(dir, "out");

        var submit = await ClipperAsync(dir, "submit", talk.File, "--server", server.GrpcAddress, "--out", outDir, "--clips", "2");
        Assert.True(submit.Code == 0, submit.Err);
        Assert.Contains("Completed", submit.Err);
        Assert.Contains("rank score", submit.Out);
        var jobId = System.Text.RegularExpressions.Regex.Match(submit.Err, @"job (job-[0-9a-f-]+) submitted").Groups[1].Value;
        Assert.NotEmpty(jobId);
        var job = await server.Client.GetJobAsync(new GetJobRequest { JobId = jobId });
        Assert.Equal(JobState.Completed, job.State);
        foreach (var c in job.Clips)
        {
            foreach (var ext in new[] { ".mp4", ".jpg", ".srt", ".vtt" })
            {
                var f = Path.Combine(outDir, $"clip-{c.Rank:00}{ext}");
                Assert.True(File.Exists(f) && new FileInfo(f).Length > 0, f);
            }
        }

        Assert.Equal(jobId, System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "job.json")))!["jobId"]!.ToString());
        Assert.Empty(Directory.GetFiles(outDir, "*.part"));
        var report = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")))!;
        Assert.Equal(job.Clips.Count, report["clips"]!.AsArray().Count);
        Assert.Equal("clip-01.mp4", report["clips"]![0]!["video"]!.ToString());
        Assert.Equal(job.Clips[0].Video.Url, report["clips"]![0]!["delivery"]!["video"]!["url"]!.ToString());

        var watch = await ClipperAsync(dir, "watch", jobId, "--server", server.GrpcAddress);
        Assert.Equal(0, watch.Code);
        Assert.Contains(job.Clips[0].Title, watch.Out);

        var unknown = await ClipperAsync(dir, "watch", "no-such-job", "--server", server.GrpcAddress);
        Assert.Equal(2, unknown.Code);
        Assert.StartsWith("error: job_not_found:", unknown.Err.Trim());
        var notes = Path.Combine(dir, "notes.mp4");
        await File.WriteAllTextAsync(notes, "not a video\n");
        var bad = await ClipperAsync(dir, "submit", notes, "--server", server.GrpcAddress);
        Assert.Equal(2, bad.Code);
        Assert.Contains("error: not_a_video:", bad.Err);
        var blocked = await ClipperAsync(dir, "submit", "http://127.0.0.1:9/talk.mp4", "--server", server.GrpcAddress);
        Assert.Equal(2, blocked.Code);
        Assert.Contains("error: url_blocked:", blocked.Err);
        var missing = await ClipperAsync(dir, "submit", Path.Combine(dir, "missing.mp4"), "--server", server.GrpcAddress);
        Assert.Equal(2, missing.Code);
        Assert.Contains("error: source_not_found:", missing.Err);
        var nobody = await ClipperAsync(dir, "watch", jobId, "--server", $"127.0.0.1:{Ports.Free()}");
        Assert.Equal(1, nobody.Code);
        Assert.Contains("error:", nobody.Err);
        Assert.DoesNotContain("   at ", nobody.Err);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task UploadsOverTheLimitOrAbandonedLeaveNothingBehind()
    {
        var talk = await TestMedia.ShortTalkAsync();
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["Clipper:Gateway:MaxUploadBytes"] = "1000000" });

        var tooLarge = await Assert.ThrowsAsync<RpcException>(() => server.UploadAsync(talk.File));
        Assert.Equal(StatusCode.ResourceExhausted, tooLarge.StatusCode);
        Assert.StartsWith("source_too_large:", tooLarge.Status.Detail);
        await Wait.Until(() => server.UploadsLeft().Length == 0, TimeSpan.FromSeconds(5));

        // a client that goes away mid-upload
        using var gone = new CancellationTokenSource();
        var call = server.Client.UploadJob(cancellationToken: gone.Token);
        await call.RequestStream.WriteAsync(new UploadChunk { Header = new UploadHeader { FileName = "talk.mp4", Size = 900_000 } });
        await call.RequestStream.WriteAsync(new UploadChunk { Data = Google.Protobuf.ByteString.CopyFrom(new byte[300_000]) });
        await Wait.Until(() => server.UploadsLeft().Any(File.Exists), TimeSpan.FromSeconds(10));
        // embedded, an upload is written straight into the blob store (committed there by a rename, never copied)
        Assert.StartsWith(Path.Combine(server.Home, "blobs", "uploads") + "/", Assert.Single(server.UploadsLeft(), File.Exists));
        await gone.CancelAsync();
        call.Dispose();
        await Wait.Until(() => server.UploadsLeft().Length == 0, TimeSpan.FromSeconds(10));
        Assert.Empty((await server.Client.ListJobsAsync(new ListJobsRequest())).Jobs);
        output.WriteLine("over-limit and abandoned uploads left nothing in " + server.Home);
    }

    private async Task<(int Code, string Out, string Err)> ClipperAsync(string workDir, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "clipper.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["CLIPPER_HOME"] = Path.Combine(workDir, "client-home");
        psi.Environment["TERM"] = "dumb";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        output.WriteLine($"clipper {string.Join(' ', args)} → exit {p.ExitCode}\n{await stdout}{await stderr}");
        return (p.ExitCode, await stdout, await stderr);
    }
}
