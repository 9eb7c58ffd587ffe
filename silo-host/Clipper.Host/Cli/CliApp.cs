using System.Text.RegularExpressions;
using Clipper.Core.Errors;
using Clipper.Gateway.Errors;
using Clipper.Host.Hosting;
using Clipper.Stages.Encode;
using Microsoft.Extensions.Configuration;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Clipper.Host.Cli;

/// <summary>
/// The command-line entry point: clip, demo, bench, serve, submit, watch, read by Spectre.Console.Cli. Every way a
/// command line can be wrong (an unknown command or option, a missing or bad value) ends as one
/// <c>error: bad_option: message</c> line naming what is wrong, exit 2; <c>clipper</c> alone prints the help, exit 2.
/// </summary>
public static partial class CliApp
{
    public const string Summary = "Clipper: turns a long talking video into short vertical clips with burned-in captions.";

    /// <summary>The help's last lines.</summary>
    public static readonly string[] ExitCodesLines =
    [
        "exit codes: 0 done; 2 the input cannot be clipped or the command line is wrong, with one line",
        "on stderr, error: CODE: message; 1 an internal failure (the log file is named)",
    ];

    public static readonly string[] Commands = ["clip", "demo", "bench", "serve", "submit", "watch"];

    public static async Task<int> RunAsync(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // the first Ctrl-C stops cleanly (processes killed, job kept for the next run); a second one kills
            e.Cancel = !cancel.IsCancellationRequested;
            cancel.Cancel();
        };
        return await RunAsync(args, Console.Out, Console.Error, cancel.Token);
    }

    /// <summary>Runs a command line, writing to <paramref name="stdout"/> and <paramref name="stderr"/>; the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        using var cli = new CliContext(stdout, stderr);
        var app = Create(cli);
        try
        {
            if (args.Count == 0)
            {
                await app.RunAsync(["--help"], cancel);
                return ExitCodes.CannotClip;
            }

            // "clipper help [COMMAND]" as "clipper [COMMAND] --help"
            return await app.RunAsync(args[0] == "help" ? [.. args.Skip(1), "--help"] : args, cancel);
        }
        catch (CommandRuntimeException e)
        {
            // CommandParseException is one too: the command line is wrong, not clipper
            stderr.WriteLine($"error: {ErrorCode.BadOption.Code()}: {Describe(e, args)}");
            return ErrorTable.Of(ErrorCode.BadOption).ExitCode;
        }
        catch (ClipperException e)
        {
            stderr.WriteLine($"error: {e.Code.Code()}: {e.Message}");
            return ErrorTable.Of(e.Code).ExitCode;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            stderr.WriteLine("error: cancelled: stopped by the user; the job resumes the next time clipper runs on this home");
            return ErrorTable.Of(ErrorCode.Cancelled).ExitCode;
        }
        catch (Exception e)
        {
            var log = cli.Logs.CreateLogger("Clipper.Cli");
            log.Log(Microsoft.Extensions.Logging.LogLevel.Error, 0, "internal failure", e, (s, _) => s + Environment.NewLine + e);
            stderr.WriteLine($"error: internal: {e.Message}");
            stderr.WriteLine($"clipper: internal failure; details in {cli.LogFile}");
            return ErrorTable.Of(ErrorCode.Internal).ExitCode;
        }
    }

    /// <summary>
    /// A command line (<c>clip talk.mp4 --clips 3</c>) read as its command's <typeparamref name="TLine"/> by the same
    /// parser with the same checks, and nothing run: what the command would run with (bad_option otherwise).
    /// </summary>
    public static TLine Parse<TLine>(IReadOnlyList<string> args) where TLine : CommandSettings
    {
        if (args.Count == 0)
        {
            throw new ArgumentException("a command line starts with its command", nameof(args));
        }

        TLine? read = null;
        var app = new CommandApp();
        app.Configure(config =>
        {
            Configure(config, TextWriter.Null);
            config.AddDelegate<TLine>(args[0], (_, line, _) =>
            {
                read = line;
                return 0;
            });
        });
        try
        {
            app.Run(args);
        }
        catch (CommandRuntimeException e)
        {
            throw new ClipperException(ErrorCode.BadOption, Describe(e, args));
        }

        return read ?? throw new InvalidOperationException("the command line was not read");
    }

    private static CommandApp Create(CliContext cli)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            Configure(config, cli.Out);
            config.Settings.Registrar.RegisterInstance(cli);
            config.AddCommand<ClipVerb>("clip")
                .WithDescription("clip a video file or an http(s) URL: runs an embedded silo, shows progress, and writes the clips, "
                    + "report.json and report.html into --out")
                .WithExample("clip", "talk.mp4")
                .WithExample("clip", "https://example.com/talk.mp4", "--out", "out", "--clips", "8", "--min", "20", "--max", "60");
            config.AddCommand<DemoVerb>("demo")
                .WithDescription("build a sample talking video from bundled public media and clip it (clip's options apply)")
                .WithExample("demo")
                .WithExample("demo", "--clips", "3");
            config.AddCommand<BenchVerb>("bench")
                .WithDescription("measure a ~MINUTES-minute job (default 10; --long: a 60-minute source) against an ffmpeg-only floor; bench "
                    + string.Join(" | ", BenchCommand.Names) + ": one stage's cost as a ratio to a baseline run in the same process")
                .WithExample("bench")
                .WithExample("bench", "--long")
                .WithExample("bench", "track");
            config.AddCommand<SamplesVerb>("samples")
                .WithDescription("write one generated frame of each caption preset (" + string.Join(", ", CaptionPresets.Names)
                    + ") as DIR/<preset>.jpg (default docs/captions), or of each aspect ratio and of the fit, split and screen layouts (default docs/layouts)")
                .WithExample("samples", "captions")
                .WithExample("samples", "layouts")
                .WithExample("samples", "captions", "out/frames");
            config.AddCommand<ServeVerb>("serve")
                .WithDescription("run a silo with the gRPC gateway (default 127.0.0.1:7070) and the web pages, Orleans dashboard, "
                    + "/metrics and /health (default 127.0.0.1:8080); CLIPPER_API_KEYS=k1,k2 sets API keys")
                .WithExample("serve")
                .WithExample("serve", "--grpc", "127.0.0.1:7071", "--web", "127.0.0.1:8081", "--silo-port", "11111", "--gateway-port", "30001");
            config.AddCommand<SubmitVerb>("submit")
                .WithDescription("upload a file (or submit an http(s) URL) to a running serve and follow the job; --out downloads its clips")
                .WithExample("submit", "talk.mp4", "--out", "out")
                .WithExample("submit", "https://example.com/talk.mp4", "--server", "127.0.0.1:7070");
            config.AddCommand<WatchVerb>("watch")
                .WithDescription("follow a job on a running serve (reconnecting while it restarts); --out downloads its clips")
                .WithExample("watch", "job-20261128-104902-d5e051", "--out", "out");
        });
        return app;
    }

    private static void Configure(IConfigurator config, TextWriter stdout)
    {
        config.SetApplicationName("clipper");
        config.PropagateExceptions();
        // not strict: a strict parse that fails retries with a default command's name inserted, which a trailing
        // "--out" then takes as its value; options the command does not have are refused by RejectUnknown instead
        config.Settings.Registrar.RegisterInstance<ICommandInterceptor>(new RejectUnknown());
        var terminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.Detect,
        });
        if (!terminal)
        {
            // a pipe or a file has no width: wide enough for the examples
            console.Profile.Width = 100;
        }

        config.ConfigureConsole(console);
        config.SetHelpProvider(new Help(config.Settings));
    }

    /// <summary>Spectre's message about a command line, said as clipper says the others (naming the option as typed).</summary>
    public static string Describe(CommandRuntimeException e, IReadOnlyList<string> args)
    {
        string Typed(string name) => args.FirstOrDefault(a => a == "--" + name || a.StartsWith("--" + name + "=", StringComparison.Ordinal)) is not null
            ? "--" + name : "-" + name;
        var m = e.Message;
        if (UnknownOption().Match(m) is { Success: true } unknown)
        {
            return $"unknown option {Typed(unknown.Groups[1].Value)}";
        }

        if (NoValue().Match(m) is { Success: true } noValue)
        {
            return $"{Typed(noValue.Groups[1].Value)} needs a value";
        }

        if (m == "Expected an option value." && args.FirstOrDefault(a => a.StartsWith('-') && a.EndsWith('=')) is { } empty)
        {
            return $"{empty.TrimEnd('=')} needs a value";
        }

        if (UnknownCommand().Match(m) is { Success: true } command)
        {
            if (args.Count > 0 && Commands.Contains(args[0]))
            {
                // a word after a command that takes none
                return $"unexpected argument '{command.Groups[1].Value}'";
            }

            return $"unknown command '{command.Groups[1].Value}' ({string.Join(", ", Commands)})";
        }

        if (MissingArgument().Match(m) is { Success: true } missing)
        {
            return $"{missing.Groups[1].Value} needs {missing.Groups[2].Value}";
        }

        if (Unmatched().Match(m) is { Success: true } unmatched)
        {
            return $"unexpected argument '{unmatched.Groups[1].Value}'";
        }

        return m.TrimEnd('.');
    }

    [GeneratedRegex(@"^(?:Unknown|Unexpected) option '([^']+)'\.$")]
    private static partial Regex UnknownOption();

    [GeneratedRegex(@"^Option '([^']+)' is defined but no value has been provided\.$")]
    private static partial Regex NoValue();

    [GeneratedRegex(@"^Unknown command '([^']+)'\.$")]
    private static partial Regex UnknownCommand();

    [GeneratedRegex(@"^Command '([^']+)' is missing required argument '([^']+)'\.$")]
    private static partial Regex MissingArgument();

    [GeneratedRegex(@"^Could not match '([^']+)' with an argument\.$")]
    private static partial Regex Unmatched();

    /// <summary>Refuses what the parser left over (options the command does not have, anything after "--").</summary>
    private sealed class RejectUnknown : ICommandInterceptor
    {
        public void Intercept(CommandContext context, CommandSettings settings)
        {
            if (context.Remaining.Parsed.Count > 0)
            {
                throw new ClipperException(ErrorCode.BadOption, $"unknown option {context.Remaining.Parsed.First().Key}");
            }

            if (context.Remaining.Raw.Count > 0)
            {
                throw new ClipperException(ErrorCode.BadOption, $"unexpected argument '{context.Remaining.Raw[0]}'");
            }
        }
    }

    /// <summary>Spectre's help with what clipper is at the top and the exit codes at the end.</summary>
    private sealed class Help(ICommandAppSettings settings) : HelpProvider(settings)
    {
        public override IEnumerable<IRenderable> GetHeader(ICommandModel model, ICommandInfo? command) =>
            command is null ? [new Text(Summary + "\n\n")] : [];

        public override IEnumerable<IRenderable> GetFooter(ICommandModel model, ICommandInfo? command) =>
            [new Text("\n" + string.Join('\n', ExitCodesLines) + "\n")];
    }
}

/// <summary>
/// What every command gets: the output writers, and the configuration and the log file, loaded when a command first
/// asks (a command line that is wrong, or help, touches neither).
/// </summary>
public sealed class CliContext(TextWriter stdout, TextWriter stderr) : IDisposable
{
    private IConfiguration? _config;
    private FileLoggerProvider? _logs;

    public TextWriter Out => stdout;

    public TextWriter Err => stderr;

    public IConfiguration Config => _config ??= SiloHost.LoadConfiguration();

    public string LogFile => SiloHost.LogFile(Config);

    public FileLoggerProvider Logs => _logs ??= new FileLoggerProvider(LogFile);

    public void Dispose() => _logs?.Dispose();
}
