using System.Globalization;
using Clipper.Core.Errors;
using Clipper.Gateway;
using Clipper.Gateway.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Clipper.Host.Cli;

/// <summary>
/// <c>clipper submit INPUT --server HOST:PORT [--out DIR] [--clips N] [--min S] [--max S]</c> and
/// <c>clipper watch JOB --server HOST:PORT [--out DIR]</c>: the CLI as a client of a running <c>serve</c>. A file is
/// uploaded, a URL submitted; then the job is followed (reconnecting when the server restarts) and, with --out, its
/// clips downloaded. Exit codes as <c>clip</c>. The server also comes from CLIPPER_SERVER, the key from CLIPPER_API_KEY.
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
        using var call = client.UploadJob(Headers(a), cancellationToken: cancel);
        await call.RequestStream.WriteAsync(new UploadChunk { Header = new UploadHeader { FileName = Path.GetFileName(file), Options = options, Size = size } }, cancel);
        await using var input = File.OpenRead(file);
        var buffer = new byte[1 << 20];
        int n;
        while ((n = await input.ReadAsync(buffer, cancel)) > 0)
        {
            await call.RequestStream.WriteAsync(new UploadChunk { Data = ByteString.CopyFrom(buffer, 0, n) }, cancel);
        }

        await call.RequestStream.CompleteAsync();
        return await call;
    }

    /// <summary>Follows the job with WatchJob, reconnecting (with the job's state so far) while the server is away.</summary>
    private async Task<int> FollowAsync(Gateway.V1.Clipper.ClipperClient client, ClientArgs a, string jobId, CancellationToken cancel)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Job? last = null;
        string lastLine = "";
        var unavailableSince = DateTime.UtcNow;
        while (true)
        {
            try
            {
                using var call = client.WatchJob(new WatchJobRequest { JobId = jobId }, Headers(a), cancellationToken: cancel);
                await foreach (var e in call.ResponseStream.ReadAllAsync(cancel))
                {
                    last = e.Job;
                    unavailableSince = DateTime.UtcNow;
                    // like clip's plain progress: a line when the stage changes or another tenth is done
                    var line = string.Create(Inv, $"{StageLabel(last),-13} {Math.Floor(last.Percent / 10) * 10,3:0}%");
                    if (line != lastLine)
                    {
                        stderr.WriteLine(string.Create(Inv, $"{(int)clock.Elapsed.TotalMinutes:00}:{clock.Elapsed.Seconds:00}  {line}"));
                        lastLine = line;
                    }
                }

                if (last is not null && IsTerminal(last.State))
                {
                    break;
                }
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Internal && !cancel.IsCancellationRequested
                && DateTime.UtcNow - unavailableSince < TimeSpan.FromMinutes(5))
            {
                // the server restarts: try again; the job carries on with it
                stderr.WriteLine($"clipper: the server is unavailable ({e.Status.Detail}); reconnecting…");
                await Task.Delay(TimeSpan.FromSeconds(1), cancel);
            }
            catch (RpcException e)
            {
                return Fail(e);
            }
        }

        if (last.State != JobState.Completed)
        {
            stderr.WriteLine($"error: {last.ErrorCode}: {last.ErrorMessage}");
            return ClipCommand.InputErrors.Contains(ErrorCodes.FromCode(last.ErrorCode)) ? 2 : 1;
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

        return 0;
    }

    private static async Task DownloadAsync(Job job, ClientArgs a, CancellationToken cancel)
    {
        Directory.CreateDirectory(a.Out!);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        if (a.ApiKey is not null)
        {
            http.DefaultRequestHeaders.Add(Access.Header, a.ApiKey);
        }

        foreach (var c in job.Clips)
        {
            foreach (var artifact in new[] { c.Video, c.Thumbnail, c.Srt, c.Vtt })
            {
                var target = Path.Combine(a.Out!, Path.GetFileName(artifact.Blob));
                await using var body = await http.GetStreamAsync(artifact.Url, cancel);
                await using var file = File.Create(target + ".part");
                await body.CopyToAsync(file, cancel);
                file.Close();
                File.Move(target + ".part", target, overwrite: true);
            }
        }

        await File.WriteAllTextAsync(Path.Combine(a.Out!, "job.json"), JsonFormatter.Default.Format(job), cancel);
    }

    private int Fail(RpcException e)
    {
        var message = e.Status.Detail;
        stderr.WriteLine(message.Contains(':') ? $"error: {message}" : $"error: internal: {e.StatusCode}: {message}");
        var code = ErrorCodes.FromCode(message.Contains(':') ? message[..message.IndexOf(':')] : "");
        return ClipCommand.InputErrors.Contains(code) || e.StatusCode is StatusCode.NotFound or StatusCode.Unauthenticated ? 2 : 1;
    }

    private static bool IsTerminal(JobState s) => s is JobState.Completed or JobState.Failed or JobState.Cancelled;

    private static string StageLabel(Job j) => j.State == JobState.Running ? Title(j.Stage.ToString()) : Title(j.State.ToString());

    private static string Title(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

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
