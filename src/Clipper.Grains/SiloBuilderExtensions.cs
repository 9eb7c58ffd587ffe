using Clipper.Core.Configuration;
using Clipper.Core.Errors;
using Clipper.Core.Remote;
using Clipper.Core.Storage;
using Clipper.Grains.Cost;
using Clipper.Grains.Jobs;
using Clipper.Grains.Stages;
using Clipper.Stages.Encode;
using Clipper.Stages.Fetch;
using Clipper.Stages.Fetch.Webhooks;
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
    /// Clipper's services on a silo: options bound from configuration and checked when the host starts ("Clipper",
    /// "Clipper:Job", "Clipper:Fetch", "Clipper:Transcribe", "Clipper:Score", "Clipper:Track", "Clipper:Encode", "Clipper:Webhooks", "Clipper:OpenAI", "Clipper:Prices"), the
    /// blob store (a directory unless one is registered already), the "Clipper" meter and the stage executor.
    /// </summary>
    public static IServiceCollection AddClipperStages(this IServiceCollection services, IConfiguration config)
    {
        services.AddPlacementDirector<RoundRobinPlacement, RoundRobinPlacementDirector>();
        // the root section's children that are sections of their own: the options below, the gateway's, and the host's
        services.AddValidatedOptions<ClipperOptions>(config, ClipperOptions.Section, (o, c) => o.Check(c), ClipperOptions.Sections);
        services.AddValidatedOptions<JobOptions>(config, JobOptions.Section, (o, c) => o.Check(c));
        // the stage libraries check their own options; their messages start with the setting's name
        services.AddValidatedOptions<FetchOptions>(config, "Clipper:Fetch", (o, c) => c.Run(() => o.Validate()));
        services.AddValidatedOptions<TranscribeOptions>(config, "Clipper:Transcribe", (o, c) => c.Run(() =>
        {
            o.Validate();
            // a remote engine without a key stops the start, not the first job
            if (o.Engine == "openai" && !(config.GetSection(OpenAiOptions.Section).Get<OpenAiOptions>()?.Configured ?? false))
            {
                throw new ClipperException(ErrorCode.BadOption,
                    "Engine is 'openai' but no OpenAI API key is configured: set CLIPPER_OPENAI_API_KEY (or Clipper:OpenAI:ApiKey)");
            }
        }));
        services.AddValidatedOptions<ScoreOptions>(config, "Clipper:Score", (o, c) => c.Run(() =>
        {
            o.Validate();
            // ranking with an LLM needs a key: a start-up error, not a job that silently ranks by the heuristic
            if (o.RankWithLlm && string.IsNullOrWhiteSpace(config[$"{OpenAiOptions.Section}:ApiKey"]))
            {
                throw new ClipperException(ErrorCode.BadOption,
                    "Rank is 'llm' but no OpenAI API key is configured: set CLIPPER_OPENAI_API_KEY (or Clipper:OpenAI:ApiKey)");
            }
        }));
        services.AddValidatedOptions<TrackOptions>(config, "Clipper:Track", (o, c) => c.Run(() => o.Validate()));
        services.AddValidatedOptions<EncodeOptions>(config, "Clipper:Encode", (o, c) =>
        {
            c.Run(() => o.Validate());
            EncodeOptions.CheckRetired(config.GetSection("Clipper:Encode"), c);
        });
        services.AddValidatedOptions<WebhookOptions>(config, WebhookOptions.Section, (o, c) => o.Check(c));
        services.AddValidatedOptions<OpenAiOptions>(config, OpenAiOptions.Section, (o, c) => c.Run(() => o.Validate()));
        services.AddValidatedOptions<PriceOptions>(config, PriceOptions.Section, (o, c) => o.Check(c));
        // one price table: LLM prices set under Clipper:Prices win over the ranking's older keys, which fill what is unset
        // (each side reads the other's section as written, so a bad value is reported once, by its own section's check)
        services.AddOptions<ScoreOptions>().PostConfigure(score =>
        {
            var prices = PricesAsWritten(config);
            score.LlmInputPricePerMillion = prices.LlmInputPerMillion is >= 0 and var i ? (decimal)i : score.LlmInputPricePerMillion;
            score.LlmOutputPricePerMillion = prices.LlmOutputPerMillion is >= 0 and var o ? (decimal)o : score.LlmOutputPricePerMillion;
            score.LlmPricesAsOf = prices.LlmAsOf ?? score.LlmPricesAsOf;
        });
        services.AddOptions<PriceOptions>().PostConfigure(prices =>
        {
            var score = ScoreAsWritten(config);
            prices.LlmInputPerMillion ??= (double)score.LlmInputPricePerMillion;
            prices.LlmOutputPerMillion ??= (double)score.LlmOutputPricePerMillion;
            prices.LlmAsOf ??= score.LlmPricesAsOf;
        });
        services.TryAddSingleton(sp => new WebhookSender(sp.GetRequiredService<IOptions<WebhookOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IBlobStore>(sp => new FileBlobStore(sp.GetRequiredService<IOptions<ClipperOptions>>().Value.BlobDirectory));
        services.TryAddSingleton<JobChoiceCheck>();
        services.AddMetrics();
        services.TryAddSingleton<IClipperMetrics, ClipperMeter>();
        services.AddSingleton<StageExecutor>();
        services.TryAddSingleton<IStageRunner>(sp => sp.GetRequiredService<StageExecutor>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StageGrainServices>();
        services.AddHostedService<Jobs.DeadSiloWatcher>();
        services.AddHostedService<WorkJanitor>();
        return services;
    }

    private static PriceOptions PricesAsWritten(IConfiguration config) => AsWritten<PriceOptions>(config, PriceOptions.Section);

    private static ScoreOptions ScoreAsWritten(IConfiguration config) => AsWritten<ScoreOptions>(config, "Clipper:Score");

    /// <summary>A section bound as it is written, or the defaults when a value does not convert (its own check says so).</summary>
    private static T AsWritten<T>(IConfiguration config, string section)
        where T : class, new()
    {
        try
        {
            return config.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException)
        {
            return new T();
        }
    }
}
