using Clipper.Abstractions.Jobs;
using Clipper.Core.Errors;
using Clipper.Core.Remote;
using Clipper.Stages.Transcribe;
using Microsoft.Extensions.Options;

namespace Clipper.Grains.Jobs;

/// <summary>
/// Whether this cluster can run a job's own choices (<see cref="ClipSettings.Asr"/>, <see cref="ClipSettings.Rank"/>):
/// checked when the job is submitted, so a job that asks for an engine without its key or model is refused at once
/// (<see cref="ErrorCode.BadOption"/>), not after its download. The silos of one cluster share their configuration.
/// </summary>
public sealed class JobChoiceCheck(IOptions<TranscribeOptions> transcribe, IOptions<OpenAiOptions> openAi)
{
    /// <summary>Throws <see cref="ErrorCode.BadOption"/> naming what is missing when a choice cannot run here.</summary>
    public void Check(ClipSettings settings)
    {
        JobChoices.Check(settings);
        if (settings.Asr is { } asr && Transcriber.Unavailable(asr, transcribe.Value, openAi.Value) is { } why)
        {
            throw new ClipperException(ErrorCode.BadOption, why);
        }

        if (settings.Rank == "llm" && !openAi.Value.Configured)
        {
            throw new ClipperException(ErrorCode.BadOption,
                "ranking with an LLM needs an OpenAI API key, and none is configured: set CLIPPER_OPENAI_API_KEY (or Clipper:OpenAI:ApiKey)");
        }
    }
}
