using Clipper.Abstractions.Jobs;
using Clipper.Core.Errors;
using Clipper.Gateway;
using Clipper.Gateway.Errors;
using Clipper.Gateway.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using JobState = Clipper.Gateway.V1.JobState;

namespace Clipper.Host.Cli;

/// <summary>
/// <c>clipper submit INPUT --server HOST:PORT [--out DIR] [--clips N] [--min S] [--max S]</c> and
/// <c>clipper watch JOB --server HOST:PORT [--out DIR]</c>: the CLI as a client of a running <c>serve</c>. A file is
/// uploaded, a URL submitted; then the job is followed (reconnecting when the server restarts) and ended as <c>clip</c>
/// ends it (<see cref="JobFollow"/>): with --out, its clips downloaded and the report written. The server also comes
/// from CLIPPER_SERVER, the key from CLIPPER_API_KEY.
/// </summary>
public sealed class ClientCommand(TextWriter stdout, TextWriter stderr)
{
    public async Task<int> SubmitAsync(SubmitLine a, CancellationToken cancel)
    {
        using var channel = Channel(a.Address());
        var client = new Gateway.V1.Clipper.ClipperClient(channel);
        var options = a.ToRequestOptions();
        Job job;
        try
        {
            job = Uri.TryCreate(a.Input, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https")
                ? await client.SubmitJobAsync(new SubmitJobRequest { SourceUrl = a.Input, Options = options, Webhooks = { Hooks(a) } }, Headers(a), cancellationToken: cancel)
                : await UploadAsync(client, a, options, cancel);
        }
        catch (RpcException e)
        {
            return Fail(e);
        }

        stderr.WriteLine($"clipper: job {job.JobId} submitted to {a.Address()}");
        return await FollowAsync(client, a, job.JobId, a.Out, cancel);
    }

    public async Task<int> WatchAsync(WatchLine a, CancellationToken cancel)
    {
        using var channel = Channel(a.Address());
        return await FollowAsync(new Gateway.V1.Clipper.ClipperClient(channel), a, a.Job, a.Out, cancel);
    }

    private async Task<Job> UploadAsync(Gateway.V1.Clipper.ClipperClient client, SubmitLine a, ClipOptions options, CancellationToken cancel)
    {
        var file = Path.GetFullPath(a.Input);
        if (!File.Exists(file))
        {
            throw new ClipperException(ErrorCode.SourceNotFound, $"no such file: {a.Input}");
        }

        var size = new FileInfo(file).Length;
        stderr.WriteLine($"clipper: uploading {Path.GetFileName(file)} ({size / 1048576.0:0.0} MiB)");
        await using var input = File.OpenRead(file);
        return await UploadClient.UploadAsync(client, input, Path.GetFileName(file), size, options, Headers(a), cancel: cancel, webhooks: Hooks(a));
    }

    /// <summary>Follows the job with WatchJob, reconnecting while the server is away, and ends it as clip does.</summary>
    private async Task<int> FollowAsync(Gateway.V1.Clipper.ClipperClient client, IServerLine a, string jobId, string? outDir, CancellationToken cancel)
    {
        var watch = new WatchStream(client, jobId, Headers(a));
        var follow = new JobFollow(stdout, stderr, "the server's log");
        Job last;
        try
        {
            last = await follow.FollowAsync(jobId, watch.ViewsAsync(cancel), j => new ProgressView.Point(StatusOf(j), j.Percent, j.StagePercent, j.UnitsDone, j.UnitsTotal,
                j.SecondsLeft > 0 ? j.SecondsLeft : null, ProgressView.Point.DownloadsOf(j.Running)), cancel);
        }
        catch (ClipperException) when (watch.Failure is not null)
        {
            // the watch was refused (or the server never came back): no view at all
            return Fail(watch.Failure);
        }

        if (watch.Failure is { } failure)
        {
            return Fail(failure);
        }

        using var files = new HttpArtifacts(a.Key(), last);
        var end = await follow.FinishAsync(JobEnding.Of(last), files, outDir is null ? null : Path.GetFullPath(outDir),
            $"open the server's web port at /jobs/{jobId} or pass --out DIR to download them", cancel);
        return end.ExitCode;
    }

    /// <summary>A finished job's files from the URLs the server gave, and the job as the API returned it (job.json).</summary>
    private sealed class HttpArtifacts(string? apiKey, Job job) : IArtifactSource, IDisposable
    {
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(10) };

        public async Task CopyAsync(Delivered file, string target, CancellationToken cancel)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, file.Url);
            // the key goes to the server's own /files, never to blob storage (a SAS URL carries its own signature)
            if (apiKey is not null && request.RequestUri!.AbsolutePath.StartsWith("/files/", StringComparison.Ordinal)
                && !request.RequestUri.Query.Contains("sig=", StringComparison.Ordinal))
            {
                request.Headers.Add(Access.Header, apiKey);
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(cancel);
            await using (var part = File.Create(target + ".part"))
            {
                await body.CopyToAsync(part, cancel);
            }

            File.Move(target + ".part", target, overwrite: true);
        }

        public Task WriteExtrasAsync(string dir, CancellationToken cancel) =>
            File.WriteAllTextAsync(Path.Combine(dir, "job.json"), JsonFormatter.Default.Format(job), cancel);

        public void Dispose() => _http.Dispose();
    }

    private int Fail(RpcException e)
    {
        // a status that did not come from a Clipper server (none listening, a proxy) carries no code
        var error = GrpcErrors.Read(e) ?? new ClipperException(ErrorCode.Internal, $"{e.StatusCode}: {e.Status.Detail}");
        stderr.WriteLine($"error: {error.Code.Code()}: {error.Message}");
        return ErrorTable.Of(error.Code).ExitCode;
    }

    private static bool IsTerminal(JobState s) => s is JobState.Completed or JobState.Failed or JobState.Cancelled;

    /// <summary>
    /// The job's views as the server pushes them (WatchJob), watched again while the server restarts (up to 5 minutes
    /// without an answer); a refusal ends the views, with the refusal in <see cref="Failure"/>.
    /// </summary>
    private sealed class WatchStream(Gateway.V1.Clipper.ClipperClient client, string jobId, Metadata headers)
    {
        public RpcException? Failure { get; private set; }

        public async IAsyncEnumerable<Job> ViewsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
        {
            var lostAt = DateTime.UtcNow;
            while (!cancel.IsCancellationRequested)
            {
                using var call = client.WatchJob(new WatchJobRequest { JobId = jobId }, headers, cancellationToken: cancel);
                var events = call.ResponseStream.ReadAllAsync(cancel).GetAsyncEnumerator(cancel);
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await events.MoveNextAsync();
                    }
                    catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Internal
                        && DateTime.UtcNow - lostAt < TimeSpan.FromMinutes(5) && !cancel.IsCancellationRequested)
                    {
                        // the server restarts: watch again; the job carries on with it
                        break;
                    }
                    catch (RpcException e)
                    {
                        Failure = e;
                        yield break;
                    }

                    if (!more)
                    {
                        break;
                    }

                    lostAt = DateTime.UtcNow;
                    yield return events.Current.Job;
                    if (IsTerminal(events.Current.Job.State))
                    {
                        yield break;
                    }
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancel);
            }
        }
    }

    /// <summary>The API's state and stage as the grains' status (what the progress view shows).</summary>
    private static JobStatus StatusOf(Job j) => j.State switch
    {
        JobState.Submitted => JobStatus.Submitted,
        JobState.Completed => JobStatus.Completed,
        JobState.Failed => JobStatus.Failed,
        JobState.Cancelled => JobStatus.Cancelled,
        _ => j.Stage switch
        {
            Gateway.V1.Stage.Fetching => JobStatus.Fetching,
            Gateway.V1.Stage.Transcribing => JobStatus.Transcribing,
            Gateway.V1.Stage.Scoring => JobStatus.Scoring,
            Gateway.V1.Stage.Tracking => JobStatus.Tracking,
            _ => JobStatus.Encoding,
        },
    };

    private static Metadata Headers(IServerLine a) => a.Key() is { } key ? new Metadata { { Access.Header, key } } : [];

    private static GrpcChannel Channel(string server) =>
        GrpcChannel.ForAddress(server.Contains("://", StringComparison.Ordinal) ? server : "http://" + server,
            new GrpcChannelOptions { MaxReceiveMessageSize = 64 << 20 });

    private static IEnumerable<Gateway.V1.Webhook> Hooks(SubmitLine a) =>
        a.ReadWebhooks().Select(w => new Gateway.V1.Webhook { Url = w.Url, Secrets = { w.Secrets } });
}
