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
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public static bool IsTerminal =>
        !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "" or "dumb");

    public string Elapsed => $"{(int)_clock.Elapsed.TotalMinutes:00}:{_clock.Elapsed.Seconds:00}";

    /// <summary>What the view shows of a job: its status and progress, the status's units done and in all, the seconds left.</summary>
    public readonly record struct Point(JobStatus Status, double Percent, double StagePercent, int UnitsDone = 0, int UnitsTotal = 0,
        double? SecondsLeft = null, string Downloads = "")
    {
        public static Point Of(JobView v) =>
            new(v.Status, v.Percent, v.StagePercent, v.Work?.UnitsDone ?? 0, v.Work?.UnitsTotal ?? 0, v.Work?.SecondsLeft, DownloadsOf(v.Running));

        /// <summary>"  video 40%, audio 100%" while a link's video and its audio (fetched ahead) download; "" otherwise.</summary>
        public static string DownloadsOf(IEnumerable<KeyValuePair<string, double>>? running)
        {
            var r = running?.ToDictionary() ?? [];
            var parts = new List<string>();
            if (r.TryGetValue("fetch", out var video))
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"video {100 * video:0}%"));
            }

            if (r.TryGetValue("fetch-audio", out var audio))
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"audio {100 * audio:0}%"));
            }

            int chunks = r.Keys.Count(k => k.StartsWith("transcribe-", StringComparison.Ordinal));
            if (parts.Count > 0 && chunks > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{chunks} audio chunks in recognition"));
            }

            return parts.Count == 0 ? "" : "  " + string.Join(", ", parts);
        }

        /// <summary>" 3/12 units, about 2 min left", or less of it when not known.</summary>
        public string Detail
        {
            get
            {
                var units = UnitsTotal > 1 ? string.Create(CultureInfo.InvariantCulture, $"  {UnitsDone}/{UnitsTotal} units") : "";
                var left = SecondsLeft switch
                {
                    null => "",
                    < 90 => string.Create(CultureInfo.InvariantCulture, $", about {SecondsLeft:0} s left"),
                    _ => string.Create(CultureInfo.InvariantCulture, $", about {SecondsLeft / 60:0} min left"),
                };
                return Downloads + units + left;
            }
        }
    }

    public Task<JobView> FollowAsync(IAsyncEnumerable<JobView> views, CancellationToken cancel) =>
        FollowAsync(views, Point.Of, cancel);

    /// <summary>
    /// Shows each view of a job as it comes (a grain's or the API's, pushed as the job changes) until one is terminal,
    /// and returns that one; views that stop before the end return the last seen (default when none came).
    /// </summary>
    public Task<T> FollowAsync<T>(IAsyncEnumerable<T> views, Func<T, Point> read, CancellationToken cancel) =>
        terminal ? BarAsync(views, read, cancel) : LinesAsync(views, read, cancel);

    private async Task<T> BarAsync<T>(IAsyncEnumerable<T> views, Func<T, Point> read, CancellationToken cancel)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(err) });
        await using var next = views.GetAsyncEnumerator(cancel);
        if (!await next.MoveNextAsync())
        {
            return default!;
        }

        var view = next.Current;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Describe(read(view)), maxValue: 100);
                while (true)
                {
                    var p = read(view);
                    task.Description = Describe(p);
                    task.Value = p.Percent;
                    if (p.Status.IsTerminal() || !await next.MoveNextAsync())
                    {
                        break;
                    }

                    view = next.Current;
                }

                task.StopTask();
            });
        return view;
    }

    private async Task<T> LinesAsync<T>(IAsyncEnumerable<T> views, Func<T, Point> read, CancellationToken cancel)
    {
        JobStatus last = JobStatus.None;
        int lastDecile = -1;
        T view = default!;
        await foreach (var each in views.WithCancellation(cancel))
        {
            view = each;
            var v = read(view);
            int decile = (int)(v.Percent / 10);
            if (v.Status != last || decile != lastDecile)
            {
                err.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Elapsed}  {v.Status.Label(),-12} {v.Percent,3:0}%  (stage {v.StagePercent,3:0}%){v.Detail}"));
                last = v.Status;
                lastDecile = decile;
            }

            if (v.Status.IsTerminal())
            {
                break;
            }
        }

        return view;
    }

    private static string Describe(Point v) =>
        string.Create(CultureInfo.InvariantCulture, $"{v.Status.Label(),-12} (stage {v.StagePercent,3:0}%){v.Detail}");
}
