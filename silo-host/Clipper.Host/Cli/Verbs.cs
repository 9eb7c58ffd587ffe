using Spectre.Console.Cli;

namespace Clipper.Host.Cli;

// The commands as Spectre.Console.Cli runs them: each hands its checked command line to the command's own class.
// The configuration and the log file are loaded only here, once a command runs (CliContext).

public sealed class ClipVerb(CliContext cli) : AsyncCommand<ClipLine>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ClipLine line, CancellationToken cancel) =>
        (await new ClipCommand(cli.Out, cli.Err, cli.LogFile, cli.Logs).RunAsync(cli.Config, line.ToArgs(), cancel)).ExitCode;
}

public sealed class DemoVerb(CliContext cli) : AsyncCommand<DemoLine>
{
    public override Task<int> ExecuteAsync(CommandContext context, DemoLine line, CancellationToken cancel) =>
        new DemoCommand(cli.Out, cli.Err, cli.LogFile, cli.Logs).RunAsync(cli.Config, line, cancel);
}

public sealed class BenchVerb(CliContext cli) : AsyncCommand<BenchLine>
{
    public override Task<int> ExecuteAsync(CommandContext context, BenchLine line, CancellationToken cancel) =>
        new BenchCommand(cli.Out, cli.Err, cli.LogFile, cli.Logs).RunAsync(cli.Config, line, cancel);
}

public sealed class SamplesVerb(CliContext cli) : AsyncCommand<SamplesLine>
{
    public override Task<int> ExecuteAsync(CommandContext context, SamplesLine line, CancellationToken cancel) =>
        new SamplesCommand(cli.Out).RunAsync(line, cancel);
}

public sealed class ServeVerb(CliContext cli) : AsyncCommand<ServeLine>
{
    public override Task<int> ExecuteAsync(CommandContext context, ServeLine line, CancellationToken cancel) =>
        new ServeCommand(cli.Out, cli.Logs).RunAsync(cli.Config, line, cancel);
}

public sealed class SubmitVerb(CliContext cli) : AsyncCommand<SubmitLine>
{
    public override Task<int> ExecuteAsync(CommandContext context, SubmitLine line, CancellationToken cancel) =>
        new ClientCommand(cli.Out, cli.Err).SubmitAsync(line, cancel);
}

public sealed class WatchVerb(CliContext cli) : AsyncCommand<WatchLine>
{
    public override Task<int> ExecuteAsync(CommandContext context, WatchLine line, CancellationToken cancel) =>
        new ClientCommand(cli.Out, cli.Err).WatchAsync(line, cancel);
}
