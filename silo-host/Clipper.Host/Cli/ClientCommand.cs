using System.Globalization;
using System.Text.Json.Nodes;
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
/// uploaded, a URL submitted; then the job is followed (reconnecting when the server restarts) and, with --out, its
/// clips downloaded. Progress and exit codes as <c>clip</c>. The server also comes from CLIPPER_SERVER, the key from CLIPPER_API_KEY.
/// </summary>
public sealed class ClientCommand(TextWriter stdout, TextWriter stderr)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public async Task<int> SubmitAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var a = ClientArgs.Parse(args, "submit");
        using var channel = Channel(a.Server);
        var client = new Gateway.V1.Clipper.ClipperClient(channel);
        var options = new ClipOptions { MaxClips = a.Clips ?? 0, MinSeconds = a.Min ?? 0, MaxSeconds = a.Max ?? 0 };
        Job job;
        try
        {
            job = Uri.TryCreate(a.Target, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https")
                ? await client.SubmitJobAsync(new SubmitJobRequest { SourceUrl = a.Target, Options = options }, Headers(a), cancellationToken: cancel)
                : await UploadAsync(client, a, options, cancel);
        }
        catch (RpcException e)
        {
            return Fail(e);
        }

        stderr.WriteLine($"clipper: job {job.JobId} submitted to {a.Server}");
        return await FollowAsync(client, a, job.JobId, cancel);
    }

    public async Task<int> WatchAsync(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var a = ClientArgs.Parse(args, "watch");
        using var channel = Channel(a.Server);
        return await FollowAsync(new Gateway.V1.Clipper.ClipperClient(channel), a, a.Target, cancel);
    }

    private async Task<Job> UploadAsync(Gateway.V1.Clipper.ClipperClient client, ClientArgs a, ClipOptions options, CancellationToken cancel)
    {
        var file = Path.GetFullPath(a.Target);
        if (!File.Exists(file))
        {
            throw new ClipperException(ErrorCode.SourceNotFound, $"no such file: {a.Target}");
        }

        var size = new FileInfo(file).Length;
        stderr.WriteLine($"clipper: uploading {Path.GetFileName(file)} ({size / 1048576.0:0.0} MiB)");
        await using var input = File.OpenRead(file);
        return await UploadClient.UploadAsync(client, input, Path.GetFileName(file), size, options, Headers(a), cancel: cancel);
    }

    /// <summary>Follows the job with WatchJob, reconnecting while the server is away, showing progress as clip does.</summary>
    private async Task<int> FollowAsync(Gateway.V1.Clipper.ClipperClient client, ClientArgs a, string jobId, CancellationToken cancel)
    {
        var watch = new WatchStream(client, jobId, Headers(a));
        var last = await new ProgressView(stderr, ProgressView.IsTerminal).FollowAsync(watch.ViewsAsync(cancel),
            j => new ProgressView.Point(StatusOf(j), j.Percent, j.StagePercent), cancel);
        if (watch.Failure is { } failure)
        {
            return Fail(failure);
        }

        if (last is null)
        {
            throw new ClipperException(ErrorCode.Internal, $"the watch of job {jobId} ended before the job did");
        }

        if (last.State != JobState.Completed)
        {
            stderr.WriteLine($"error: {last.ErrorCode}: {last.ErrorMessage}");
            return ErrorTable.Of(ErrorCodes.FromCode(last.ErrorCode)).ExitCode;
        }

        stdout.WriteLine();
        stdout.WriteLine(string.Create(Inv, $"{"rank",-4} {"score",-5} {"start–end",-17} title"));
        foreach (var c in last.Clips)
        {
            var range = $"{ClipCommand.Clock(c.Start)}–{ClipCommand.Clock(c.End)}";
            stdout.WriteLine(string.Create(Inv, $"{c.Rank,-4} {c.Score,-5} {range,-17} {c.Title}"));
        }

        if (a.Out is not null)
        {
            await DownloadAsync(last, a, cancel);
            stdout.WriteLine($"\n{last.Clips.Count} clips written to {Path.GetFullPath(a.Out)}");
        }
        else
        {
            stdout.WriteLine($"\n{last.Clips.Count} clips; open {a.WebHint(jobId)} or pass --out DIR to download them");
        }

        return ExitCodes.Done;
    }

    private static async Task DownloadAsync(Job job, ClientArgs a, CancellationToken cancel)
    {
        Directory.CreateDirectory(a.Out!);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        foreach (var c in job.Clips)
        {
            foreach (var artifact in new[] { c.Video, c.Thumbnail, c.Srt, c.Vtt })
            {
                var target = Path.Combine(a.Out!, Path.GetFileName(artifact.Blob));
                using var request = new HttpRequestMessage(HttpMethod.Get, artifact.Url);
                // the key goes to the server's own /files, never to blob storage (a SAS URL carries its own signature)
                if (a.ApiKey is not null && request.RequestUri!.AbsolutePath.StartsWith("/files/", StringComparison.Ordinal)
                    && !request.RequestUri.Query.Contains("sig=", StringComparison.Ordinal))
                {
                    request.Headers.Add(Access.Header, a.ApiKey);
                }

                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
                response.EnsureSuccessStatusCode();
                await using var body = await response.Content.ReadAsStreamAsync(cancel);
                await using var file = File.Create(target + ".part");
                await body.CopyToAsync(file, cancel);
                file.Close();
                File.Move(target + ".part", target, overwrite: true);
            }
        }

        await File.WriteAllTextAsync(Path.Combine(a.Out!, "job.json"), JsonFormatter.Default.Format(job), cancel);
        await File.WriteAllTextAsync(Path.Combine(a.Out!, "report.json"), ReportOf(job), cancel);
    }

    /// <summary>
    /// report.json as <c>clip</c> writes it (files relative to the directory), with each artifact's blob name and
    /// the URL it came from (in a cluster a read-only SAS URL, with its expiry).
    /// </summary>
    public static string ReportOf(Job job)
    {
        static JsonObject Delivery(Artifact x)
        {
            var o = new JsonObject { ["blob"] = x.Blob, ["url"] = x.Url };
            if (x.ExpiresAtUnixMs > 0)
            {
                o["expiresAt"] = DateTimeOffset.FromUnixTimeMilliseconds(x.ExpiresAtUnixMs).ToString("O");
            }

            return o;
        }

        var clips = new JsonArray();
        foreach (var c in job.Clips)
        {
            var stem = Path.GetFileNameWithoutExtension(c.Video.Blob);
            clips.Add(new JsonObject
            {
                ["rank"] = c.Rank,
                ["start"] = c.Start,
                ["end"] = c.End,
                ["score"] = c.Score,
                ["scores"] = new JsonObject { ["hook"] = c.Scores.Hook, ["completeness"] = c.Scores.Completeness, ["density"] = c.Scores.Density, ["emotion"] = c.Scores.Emotion },
                ["reason"] = c.Reason,
                ["title"] = c.Title,
                ["video"] = stem + ".mp4",
                ["thumbnail"] = stem + ".jpg",
                ["captions"] = new JsonObject { ["srt"] = stem + ".srt", ["vtt"] = stem + ".vtt" },
                ["delivery"] = new JsonObject
                {
                    ["video"] = Delivery(c.Video),
                    ["thumbnail"] = Delivery(c.Thumbnail),
                    ["srt"] = Delivery(c.Srt),
                    ["vtt"] = Delivery(c.Vtt),
                },
            });
        }

        var root = new JsonObject { ["job"] = job.JobId, ["source"] = new JsonObject { ["name"] = job.Source }, ["clips"] = clips };
        return root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    private int Fail(RpcException e)
    {
        // a status that did not come from a Clipper server (none listening, a proxy) carries no code
        var error = GrpcErrors.Read(e) ?? new ClipperException(ErrorCode.Internal, $"{e.StatusCode}: {e.Status.Detail}");
        stderr.WriteLine($"error: {error.Code.Code()}: {error.Message}");
        return ErrorTable.Of(error.Code).ExitCode;
    }

    private static bool IsTerminal(JobState s) => s is JobState.Completed or JobState.Failed or JobState.Cancelled;

    /// <summary>A stand-in job that ends the progress view when the watch failed for good.</summary>
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

    private static Metadata Headers(ClientArgs a) => a.ApiKey is null ? [] : new Metadata { { Access.Header, a.ApiKey } };

    private static GrpcChannel Channel(string server) =>
        GrpcChannel.ForAddress(server.Contains("://", StringComparison.Ordinal) ? server : "http://" + server,
            new GrpcChannelOptions { MaxReceiveMessageSize = 64 << 20 });
}

/// <summary>The client commands' arguments.</summary>
public sealed record ClientArgs(string Target, string Server, string? Out, int? Clips, double? Min, double? Max, string? ApiKey)
{
    public string WebHint(string jobId) => $"the server's web port at /jobs/{jobId}";

    public static ClientArgs Parse(IReadOnlyList<string> args, string command)
    {
        string? target = null, server = Environment.GetEnvironmentVariable("CLIPPER_SERVER"), output = null;
        string? key = Environment.GetEnvironmentVariable("CLIPPER_API_KEY");
        int? clips = null;
        double? min = null, max = null;
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ClipperException(ErrorCode.BadOption, $"{args[i]} needs a value");
            switch (args[i])
            {
                case "--server": server = Value(); break;
                case "--out": output = Value(); break;
                case "--api-key": key = Value(); break;
                case "--clips" when command == "submit": clips = int.TryParse(Value(), NumberStyles.Integer, Inv, out var c) ? c : throw Bad("--clips"); break;
                case "--min" when command == "submit": min = double.TryParse(Value(), NumberStyles.Float, Inv, out var m) ? m : throw Bad("--min"); break;
                case "--max" when command == "submit": max = double.TryParse(Value(), NumberStyles.Float, Inv, out var x) ? x : throw Bad("--max"); break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal) || target is not null)
                    {
                        throw new ClipperException(ErrorCode.BadOption, $"unexpected argument {args[i]}");
                    }

                    target = args[i];
                    break;
            }
        }

        if (target is null)
        {
            throw new ClipperException(ErrorCode.BadOption, command == "submit" ? "submit needs an INPUT (a file or an http(s) URL)" : "watch needs a JOB id");
        }

        return new ClientArgs(target, string.IsNullOrWhiteSpace(server) ? "127.0.0.1:7070" : server, output, clips, min, max, key);
    }

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static ClipperException Bad(string option) => new(ErrorCode.BadOption, $"{option} needs a number");
}
