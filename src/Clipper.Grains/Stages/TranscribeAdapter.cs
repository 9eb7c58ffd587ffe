using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core.Storage;
using Clipper.Core.Transcripts;
using Clipper.Stages.Transcribe;
using Microsoft.Extensions.Logging;

namespace Clipper.Grains.Stages;

/// <summary>Transcribe: the source's transcript (<see cref="Transcribed"/>), cached by source identity.</summary>
internal sealed class TranscribeAdapter(IBlobStore blobs, Transcriber transcriber, ILogger log) : IStageAdapter
{
    public async Task<StageOutput> RunAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel)
    {
        var source = work.Source!;
        var key = BlobLayout.Transcript(source.Sha256, fromCaptions: source.CaptionsKey is not null);
        if (await blobs.ExistsAsync(key, cancel))
        {
            var cached = await blobs.ReadJsonAsync<Transcript>(key, cancel);
            log.LogInformation("transcript of {Source} from the cache ({Words} words)", source.Sha256, cached.Words.Count);
            progress.Report(1);
            return new Transcribed(new TranscriptResult(key, cached.Words.Count, cached.Provider));
        }

        string? captions = null;
        if (source.CaptionsKey is not null)
        {
            captions = Path.Combine(unit.Directory, Path.GetFileName(source.CaptionsKey));
            await blobs.DownloadAsync(source.CaptionsKey, captions, cancel);
        }

        var media = await unit.Sources.FileAsync(source.SourceKey, cancel);
        var t = await transcriber.TranscribeAsync(new TranscribeRequest(media, captions, unit.Directory), progress, cancel);
        await blobs.WriteJsonAsync(key, t, cancel);
        return new Transcribed(new TranscriptResult(key, t.Words.Count, t.Provider));
    }
}
