using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core.Crop;
using Clipper.Core.Storage;
using Clipper.Core.Transcripts;
using Clipper.Stages.Encode;

namespace Clipper.Grains.Stages;

/// <summary>Encode: one clip's video, captions and thumbnail (<see cref="Encoded"/>).</summary>
internal sealed class EncodeAdapter(IBlobStore blobs, ClipEncoder encoder) : IStageAdapter
{
    public async Task<StageOutput> RunAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel)
    {
        var clip = work.Clip!;
        var transcript = await blobs.ReadJsonAsync<Transcript>(work.Transcript!.TranscriptKey, cancel);
        var crop = await blobs.ReadJsonAsync<CropPath>(work.Crop!.CropKey, cancel);
        var source = await unit.Sources.FileAsync(work.Source!.SourceKey, cancel);
        var o = work.Spec.Options;
        var output = await encoder.EncodeAsync(new EncodeRequest(source, clip.ToScoredClip(),
            transcript.Between(clip.Start - 1, clip.End + 1), crop, o.Width, o.Height, unit.Directory, clip.Stem)
        { CaptionPreset = o.Captions, HookSeconds = o.HookTitle ?? 0 }, progress, cancel);
        var keys = BlobLayout.Clip(work.JobId, clip.Index);
        // the video last: its key existing means the clip is complete
        await blobs.PutFileAsync(keys.Srt, output.Srt, cancel);
        await blobs.PutFileAsync(keys.Vtt, output.Vtt, cancel);
        await blobs.PutFileAsync(keys.Thumbnail, output.Thumbnail, cancel);
        await blobs.PutFileAsync(keys.Video, output.Video, cancel);
        return new Encoded(new EncodeResult(clip.Index, keys.Video, keys.Srt, keys.Vtt, keys.Thumbnail, output.Media.DurationSeconds,
            output.CaptionPreset));
    }
}
