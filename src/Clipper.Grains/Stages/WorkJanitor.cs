using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Clipper.Grains.Stages;

/// <summary>
/// Every <see cref="ClipperOptions.JanitorInterval"/> (and at start), removes this silo's work directories that no
/// running unit uses once they are <see cref="ClipperOptions.WorkMaxAge"/> old, and keeps the source cache in its
/// disk budget.
/// </summary>
public sealed class WorkJanitor(StageExecutor executor, IOptions<ClipperOptions> options, ILogger<WorkJanitor> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var interval = options.Value.JanitorInterval;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var removed = executor.Work.Sweep(DateTime.UtcNow);
                if (removed.Count > 0)
                {
                    log.LogInformation("janitor: removed {Count} abandoned work director{Ies}: {Dirs}", removed.Count,
                        removed.Count == 1 ? "y" : "ies", string.Join(", ", removed.Select(Path.GetFileName)));
                }

                executor.Sources.Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.LogWarning("janitor: {Message}", e.Message);
            }

            try
            {
                await Task.Delay(interval, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
