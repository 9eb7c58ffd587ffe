using Clipper.Host.Cli;

return await CliApp.RunAsync(args);
