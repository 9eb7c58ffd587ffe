using Clipper.Core.Errors;

namespace Clipper.Stages.Fetch.Platform;

/// <summary>
/// Segments of one stream (HLS's MPEG-TS segments, or an fMP4 init segment and its fragments, as HLS and DASH serve
/// them) fetched one by one through the guarded client, so the address rule holds at connect time for each, and laid
/// end to end into one file, which is the stream.
/// </summary>
internal static class SegmentJoin
{
    /// <param name="what">how the stream is named in errors ("the HLS stream at …")</param>
    public static async Task JoinAsync(HttpDownloader http, FetchOptions options, IReadOnlyList<Uri> parts,
        IReadOnlyDictionary<string, string> headers, string target, string workDir, string what, Action<double> progress,
        CancellationToken cancel)
    {
        long total = 0;
        var segment = Path.Combine(workDir, $"segment-{Guid.NewGuid():N}.part");
        try
        {
            await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            for (int i = 0; i < parts.Count; i++)
            {
                var got = await http.DownloadAsync(parts[i], segment, _ => { }, cancel, headers).ConfigureAwait(false);
                total += got.Bytes;
                if (total > options.MaxSourceBytes)
                {
                    throw new ClipperException(ErrorCode.SourceTooLarge, $"{what} is over the limit of {options.MaxSourceBytes} bytes");
                }

                await using (var input = new FileStream(segment, FileMode.Open, FileAccess.Read, FileShare.None, 1 << 16, useAsync: true))
                {
                    await input.CopyToAsync(output, cancel).ConfigureAwait(false);
                }

                progress((i + 1) / (double)parts.Count);
            }
        }
        finally
        {
            File.Delete(segment);
        }
    }
}
