using Clipper.Core.Errors;
using Clipper.Gateway.Errors;
using Clipper.Host.Hosting;

namespace Clipper.Host.Cli;

/// <summary>The command-line entry point: clip, demo, bench.</summary>
public static class CliApp
{
    public const string Usage = """
        Clipper: turns a long talking video into short vertical clips with burned-in captions.

        usage:
          clipper clip INPUT [--out DIR] [--clips N] [--min S] [--max S]
              INPUT    a video file or an http(s) URL
              --out    output directory (default ./clips/<job-id>)
              --clips  at most N clips (default 10)
              --min    shortest clip in seconds (default 15)
              --max    longest clip in seconds (default 90)
          clipper demo     build a sample talking video from bundled public media and clip it
          clipper bench [MINUTES]  measure a ~10-minute job against an ffmpeg-only floor
          clipper bench encode-overhead | track
              one stage's cost as a ratio to a baseline run in the same process
          clipper serve [--grpc HOST:PORT] [--web HOST:PORT]
              run a silo with the gRPC gateway (default 127.0.0.1:7070) and the web pages, Orleans
              dashboard, /metrics and /health (default 127.0.0.1:8080); CLIPPER_API_KEYS=k1,k2 sets API keys
          clipper submit INPUT [--server HOST:PORT] [--out DIR] [--clips N] [--min S] [--max S] [--api-key K]
              upload a file (or submit an http(s) URL) to a running serve and follow the job
          clipper watch JOB [--server HOST:PORT] [--out DIR] [--api-key K]
              follow a job on a running serve; --out downloads its clips

        exit codes: 0 done, 2 the input cannot be clipped (error: CODE: message), 1 internal failure
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args.Contains("-h") || args.Contains("--help") || args[0] == "help")
        {
            Console.Out.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var config = SiloHost.LoadConfiguration();
        var logFile = SiloHost.LogFile(config);
        using var logs = new FileLoggerProvider(logFile);
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // the first Ctrl-C stops cleanly (processes killed, job kept for the next run); a second one kills
            e.Cancel = !cancel.IsCancellationRequested;
            cancel.Cancel();
        };
        var log = logs.CreateLogger("Clipper.Cli");
        try
        {
            var rest = args.Skip(1).ToList();
            return args[0] switch
            {
                "clip" => (await new ClipCommand(Console.Out, Console.Error, logFile, logs)
                    .RunAsync(config, ClipArgs.Parse(rest), cancel.Token)).ExitCode,
                "demo" => await new DemoCommand(Console.Out, Console.Error, logFile, logs).RunAsync(config, rest, cancel.Token),
                "bench" => await new BenchCommand(Console.Out, Console.Error, logFile, logs).RunAsync(config, rest, cancel.Token),
                "serve" => await new ServeCommand(Console.Out, logs).RunAsync(config, rest, cancel.Token),
                "submit" => await new ClientCommand(Console.Out, Console.Error).SubmitAsync(rest, cancel.Token),
                "watch" => await new ClientCommand(Console.Out, Console.Error).WatchAsync(rest, cancel.Token),
                _ => throw new ClipperException(ErrorCode.BadOption, $"unknown command '{args[0]}' (clip, demo, bench, serve, submit, watch)"),
            };
        }
        catch (ClipperException e)
        {
            Console.Error.WriteLine($"error: {e.Code.Code()}: {e.Message}");
            return ErrorTable.Of(e.Code).ExitCode;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("error: cancelled: stopped by the user; the job resumes the next time clipper runs on this home");
            return ErrorTable.Of(ErrorCode.Cancelled).ExitCode;
        }
        catch (Exception e)
        {
            log.Log(Microsoft.Extensions.Logging.LogLevel.Error, 0, "internal failure", e, (s, _) => s + Environment.NewLine + e);
            Console.Error.WriteLine($"error: internal: {e.Message}");
            Console.Error.WriteLine($"clipper: internal failure; details in {logFile}");
            return ErrorTable.Of(ErrorCode.Internal).ExitCode;
        }
    }
}
