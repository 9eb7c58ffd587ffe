using Clipper.Core.Storage;
using Clipper.Grains.Stages;
using Clipper.Stages.Encode;
using Clipper.Stages.Fetch;
using Clipper.Stages.Score;
using Clipper.Stages.Track;
using Clipper.Stages.Transcribe;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Clipper.Grains;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// Clipper's services on a silo: options bound from configuration ("Clipper", "Clipper:Job",
    /// "Clipper:Fetch", "Clipper:Transcribe", "Clipper:Score", "Clipper:Track", "Clipper:Encode"), the blob store
    /// (a directory unless one is registered already) and the stage executor.
    /// </summary>
    public static IServiceCollection AddClipperStages(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<ClipperOptions>(config.GetSection(ClipperOptions.Section));
        services.Configure<JobOptions>(config.GetSection(JobOptions.Section));
        services.Configure<FetchOptions>(config.GetSection("Clipper:Fetch"));
        services.Configure<TranscribeOptions>(config.GetSection("Clipper:Transcribe"));
        services.Configure<ScoreOptions>(config.GetSection("Clipper:Score"));
        services.Configure<TrackOptions>(config.GetSection("Clipper:Track"));
        services.Configure<EncodeOptions>(config.GetSection("Clipper:Encode"));
        services.TryAddSingleton<IBlobStore>(sp => new FileBlobStore(sp.GetRequiredService<IOptions<ClipperOptions>>().Value.BlobDirectory));
        services.TryAddSingleton<IClipperMetrics, NoMetrics>();
        services.AddSingleton<StageExecutor>();
        services.TryAddSingleton<IStageRunner>(sp => sp.GetRequiredService<StageExecutor>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StageGrainServices>();
        services.AddHostedService<Jobs.DeadSiloWatcher>();
        services.AddHostedService<WorkJanitor>();
        return services;
    }
}
