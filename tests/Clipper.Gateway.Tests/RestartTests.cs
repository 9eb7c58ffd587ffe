using System.Diagnostics;
using Clipper.Gateway.V1;
using Clipper.TestSupport;
using Grpc.Core;
using Grpc.Net.Client;

namespace Clipper.Gateway.Tests;

/// <summary>
/// <c>clipper serve</c> as its own process, stopped with SIGTERM mid-job and started again on the same home and
/// ports while a client watches: the client reconnects and sees the job finish.
/// </summary>
[Trait("Category", "cluster")]
[Trait("Category", "media")]
public sealed class RestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AWatchingClientReconnectsAcrossARestartAndSeesTheJobFinish()
    {
        var talk = await TestMedia.ShortTalkAsync();
        var home = TestMedia.TempDir("gateway-restart");
        int grpc = Ports.Free(), web = Ports.Free();
        var first = await ServeAsync(home, grpc, web);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpc}");
        var client = new V1.Clipper.ClipperClient(channel);
        Job job;
        using (var call = client.UploadJob())
        {
            var bytes = await File.ReadAllBytesAsync(talk.File);
            await call.RequestStream.WriteAsync(new UploadChunk { Header = new UploadHeader { FileName = "talk.mp4", Options = new ClipOptions { MaxClips = 2, Width = 270, Height = 480 }, Size = bytes.Length } });
            await call.RequestStream.WriteAsync(new UploadChunk { Data = Google.Protobuf.ByteString.CopyFrom(bytes) });
            await call.RequestStream.CompleteAsync();
            job = await call;
        }

        var stages = new List<string>();
        int reconnects = 0;
        var transcribing = new TaskCompletionSource();
        var watcher = Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow.AddMinutes(10);
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    using var call = client.WatchJob(new WatchJobRequest { JobId = job.JobId });
                    await foreach (var e in call.ResponseStream.ReadAllAsync())
                    {
                        stages.Add($"{e.Job.State}/{e.Job.Stage}");
                        if (e.Job.Stage == V1.Stage.Transcribing)
                        {
                            transcribing.TrySetResult();
                        }

                        if (e.Job.State is JobState.Completed or JobState.Failed or JobState.Cancelled)
                        {
                            return e.Job;
                        }
                    }
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Cancelled)
                {
                    Interlocked.Increment(ref reconnects);
                    await Task.Delay(500);
                }
            }

            throw new TimeoutException("the job did not finish in 10 minutes");
        });

        await transcribing.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var stop = Stopwatch.StartNew();
        Process.Start("kill", ["-TERM", first.Id.ToString()]).WaitForExit();
        // WaitForExitAsync also waits for the end of the output pipe, which a leftover child process
        // (pocketsphinx, ffmpeg) would hold open: a clean stop leaves none
        await first.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        double stopSeconds = stop.Elapsed.TotalSeconds;
        output.WriteLine($"serve stopped by SIGTERM in {stopSeconds:0.0} s, exit code {first.ExitCode}");
        Assert.Equal(0, first.ExitCode);
        Assert.True(stopSeconds < 20, $"serve took {stopSeconds:0.0} s to stop with its children");

        var second = await ServeAsync(home, grpc, web);
        try
        {
            var end = await watcher.WaitAsync(TimeSpan.FromMinutes(10));
            output.WriteLine($"{reconnects} reconnects; states seen: {string.Join(" ", stages.Distinct())}");
            Assert.Equal(JobState.Completed, end.State);
            Assert.True(reconnects >= 1, "the client never lost the server");
            Assert.All(end.Clips, c => Assert.True(c.Finished));
            Measurements.Record($"restart: serve stopped by SIGTERM mid-transcription in {stopSeconds:0.0} s, children included (exit 0), restarted; the watching client reconnected {reconnects} times and saw the job complete with {end.Clips.Count} clips");
        }
        finally
        {
            Process.Start("kill", ["-TERM", second.Id.ToString()]).WaitForExit();
            await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }

        Directory.Delete(home, recursive: true);
    }

    private async Task<Process> ServeAsync(string home, int grpc, int web)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "clipper.dll"), "serve", "--grpc", $"127.0.0.1:{grpc}", "--web", $"127.0.0.1:{web}" })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["CLIPPER_HOME"] = home;
        var p = Process.Start(psi)!;
        var ready = new TaskCompletionSource();
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.WriteLine("serve: " + e.Data);
            if (e.Data.Contains("serving gRPC", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.WriteLine("serve! " + e.Data);
            }
        };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        await Task.WhenAny(ready.Task, p.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
        Assert.True(ready.Task.IsCompleted, $"serve did not become ready (exited: {p.HasExited})");
        return p;
    }
}
