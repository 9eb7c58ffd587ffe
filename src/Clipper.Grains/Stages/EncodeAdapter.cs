using Clipper.Abstractions.Stages;
using Clipper.Abstractions.Work;
using Clipper.Core.Crop;
using Clipper.Core.Storage;
using Clipper.Core.Transcripts;
using Clipper.Stages.Encode;

namespace Clipper.Grains.Stages;

/// <summary>
/// Encode: one clip's video, captions and thumbnail (<see cref="Encoded"/>), then each extra rendition the job asked for
/// (its own crop path and size, the same captions preset in that size's safe area; the SRT and VTT are the clip's).
/// </summary>
internal sealed class EncodeAdapter(IBlobStore blobs, ClipEncoder encoder) : IStageAdapter
{
    public async Task<StageOutput> RunAsync(StageWork work, UnitWorkspace unit, IProgress<double> progress, CancellationToken cancel)
    {
        var clip = work.Clip!;
        var transcript = await blobs.ReadJsonAsync<Transcript>(work.Transcript!.TranscriptKey, cancel);
        var crop = await blobs.ReadJsonAsync<CropPath>(work.Crop!.CropKey, cancel);
        var source = await unit.Sources.FileAsync(work.Source!.SourceKey, cancel);
        var o = work.Spec.Options;
        var words = transcript.Between(clip.Start - 1, clip.End + 1);
        var extras = work.Crop.Renditions ?? [];
        int parts = 1 + extras.Length;
        // every rendition of the clip: the same words, preset and hook, its own crop path, size and file stem
        EncodeRequest Request(CropPath path, int width, int height, string stem) =>
            new(source, clip.ToScoredClip(), words, path, width, height, unit.Directory, stem) { CaptionPreset = o.Captions, HookSeconds = o.HookTitle ?? 0 };
        var output = await encoder.EncodeAsync(Request(crop, o.Width, o.Height, clip.Stem), Part(progress, 0, parts), cancel);
        List<EncodedRendition>? renditions = null;
        for (int i = 0; i < extras.Length; i++)
        {
            var r = extras[i];
            var ratio = Clipper.Core.Clips.AspectRatio.NameOf(r.Width, r.Height);
            var extraCrop = await blobs.ReadJsonAsync<CropPath>(r.CropKey, cancel);
            var encoded = await encoder.EncodeAsync(Request(extraCrop, r.Width, r.Height, clip.Stem + "-" + BlobLayout.RatioName(ratio)),
                Part(progress, i + 1, parts), cancel);
            var extraKeys = BlobLayout.Rendition(work.JobId, clip.Index, ratio);
            await blobs.PutFileAsync(extraKeys.Thumbnail, encoded.Thumbnail, cancel);
            await blobs.PutFileAsync(extraKeys.Video, encoded.Video, cancel);
            (renditions ??= []).Add(new EncodedRendition(r.Width, r.Height, extraKeys.Video, extraKeys.Thumbnail, extraCrop.Layout));
        }

        var keys = BlobLayout.Clip(work.JobId, clip.Index);
        // the video last: its key existing means the clip is complete, its renditions included
        await blobs.PutFileAsync(keys.Srt, output.Srt, cancel);
        await blobs.PutFileAsync(keys.Vtt, output.Vtt, cancel);
        await blobs.PutFileAsync(keys.Thumbnail, output.Thumbnail, cancel);
        await blobs.PutFileAsync(keys.Video, output.Video, cancel);
        return new Encoded(new EncodeResult(clip.Index, keys.Video, keys.Srt, keys.Vtt, keys.Thumbnail, output.Media.DurationSeconds,
            output.CaptionPreset, renditions?.ToArray()));
    }

    /// <summary>Progress of part <paramref name="index"/> of <paramref name="count"/> equal parts, as a fraction of the whole.</summary>
    private static IProgress<double> Part(IProgress<double> whole, int index, int count) =>
        count == 1 ? whole : new PartProgress(whole, index, count);

    private sealed class PartProgress(IProgress<double> whole, int index, int count) : IProgress<double>
    {
        public void Report(double value) => whole.Report((index + Math.Clamp(value, 0, 1)) / count);
    }
}
