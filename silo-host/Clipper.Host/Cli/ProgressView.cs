using System.Diagnostics;
using System.Globalization;
using Clipper.Abstractions.Jobs;
using Spectre.Console;

namespace Clipper.Host.Cli;

/// <summary>
/// Follows a job until it ends, showing progress on stderr: a Spectre.Console bar on a terminal, plain lines
/// (one per stage change or 10 % step) otherwise, so logs and CI output stay readable.
/// </summary>
public sealed class ProgressView(TextWriter err, bool terminal)
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(300);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public static bool IsTerminal =>
        !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "" or "dumb");

    public string Elapsed => $"{(int)_clock.Elapsed.TotalMinutes:00}:{_clock.Elapsed.Seconds:00}";

    public Task<JobView> FollowAsync(Func<Task<JobView>> poll, CancellationToken cancel) =>
        terminal ? BarAsync(poll, cancel) : LinesAsync(poll, cancel);

    private async Task<JobView> BarAsync(Func<Task<JobView>> poll, CancellationToken cancel)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(err) });
        JobView view = await poll();
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Describe(view), maxValue: 100);
                while (true)
                {
                    task.Description = Describe(view);
                    task.Value = view.Percent;
                    if (view.Status.IsTerminal())
                    {
                        break;
                    }

                    await Task.Delay(PollEvery, cancel);
                    view = await poll();
                }

                task.StopTask();
            });
        return view;
    }

    private async Task<JobView> LinesAsync(Func<Task<JobView>> poll, CancellationToken cancel)
    {
        JobStatus last = JobStatus.None;
        int lastDecile = -1;
        while (true)
        {
            var v = await poll();
            int decile = (int)(v.Percent / 10);
            if (v.Status != last || decile != lastDecile)
            {
                err.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Elapsed}  {v.Status.Label(),-12} {v.Percent,3:0}%  (stage {v.StagePercent,3:0}%)"));
                last = v.Status;
                lastDecile = decile;
            }

            if (v.Status.IsTerminal())
            {
                return v;
            }

            await Task.Delay(PollEvery, cancel);
        }
    }

    private static string Describe(JobView v) =>
        string.Create(CultureInfo.InvariantCulture, $"{v.Status.Label(),-12} (stage {v.StagePercent,3:0}%)");
}
