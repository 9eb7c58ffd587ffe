using Clipper.Core.Media;
using Clipper.Core.Processes;
using Clipper.Core.Storage;
using Clipper.TestSupport;

namespace Clipper.Stages.Fetch.Tests;

/// <summary>
/// A container ffmpeg cannot seek exactly (an MPEG transport stream, its clock starting at 1.4 s) is stored rewrapped
/// into Matroska, streams copied, so every later stage's seek lands on the asked frame; anything else is stored as it came.
/// </summary>
[Trait("Category", "media")]
public sealed class SourceNormaliserTests : IDisposable
{
    private readonly string _work = TestMedia.TempDir("fetch-rewrap");
    private readonly string _blobRoot = TestMedia.TempDir("fetch-rewrap-blobs");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Directory.Delete(_work, recursive: true);
        Directory.Delete(_blobRoot, recursive: true);
    }

    [Fact]
    public async Task AnMpegTransportStreamIsRewrappedSoThatSeeksLandWhereAsked()
    {
        // a keyframe every 10 s, as an encoder at its defaults writes them
        var ts = await TestMedia.FfmpegAsync(Path.Combine(_work, "capture.ts"),
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=30", "-f", "lavfi", "-i", "sine=frequency=440:duration=30",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "250", "-sc_threshold", "0", "-c:a", "aac", "-f", "mpegts");
        var original = await Probe.ProbeAsync(ts, Token);
        Assert.True(original.Timing.StartSeconds > 1.3, $"the TS starts at {original.Timing.StartSeconds} s");

        using var fetcher = new Fetcher(new FileBlobStore(_blobRoot), new FetchOptions());
        var source = await fetcher.FetchAsync(new FetchRequest(ts, Path.Combine(_work, "job"), 3), Token);

        Assert.Equal(FetchMedia.Sha256(ts), source.Sha256);
        Assert.Equal($"sources/{source.Sha256}.mkv", source.BlobKey);
        Assert.StartsWith("matroska", source.Media.FormatName);
        Assert.Equal(0, source.Media.Timing.StartSeconds, 3);
        Assert.Equal(original.DurationSeconds, source.Media.DurationSeconds, 0.1);
        Assert.Equal("capture.ts", source.DisplayName);

        // 5 s from 19.3 s is 125 frames. In the TS itself ffmpeg's seek lands on the keyframe after the asked time
        // (20 s) and the clip's first 0.7 s is that frame repeated.
        var stored = Path.Combine(_blobRoot, source.BlobKey);
        Assert.InRange(await FramesAsync(stored, 19.3, 5), 124, 126);
        Assert.NotInRange(await FramesAsync(ts, 19.3, 5), 124, 126);
    }

    [Fact]
    public async Task AnMp4ThatStartsLateIsStoredAsItCame()
    {
        var mp4 = await TestMedia.FfmpegAsync(Path.Combine(_work, "late.mp4"),
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=8", "-f", "lavfi", "-i", "sine=frequency=440:duration=8",
            "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-output_ts_offset", "10");

        using var fetcher = new Fetcher(new FileBlobStore(_blobRoot), new FetchOptions());
        var source = await fetcher.FetchAsync(new FetchRequest(mp4, Path.Combine(_work, "job"), 3), Token);

        Assert.Equal($"sources/{source.Sha256}.mp4", source.BlobKey);
        Assert.Equal(await File.ReadAllBytesAsync(mp4, Token), await File.ReadAllBytesAsync(Path.Combine(_blobRoot, source.BlobKey), Token));
        Assert.Equal(10, source.Media.Timing.StartSeconds, 1);
        // an MP4 has an index: ffmpeg's seek counts from its start and lands exactly
        Assert.InRange(await FramesAsync(mp4, 2.3, 5), 124, 126);
    }

    /// <summary>How many frames an MP4 cut from <paramref name="file"/> by an input seek holds (what encode does).</summary>
    private async Task<int> FramesAsync(string file, double start, double seconds)
    {
        var cut = Path.Combine(_work, $"cut-{Guid.NewGuid():N}.mp4");
        await TestMedia.FfmpegAsync(cut, "-ss", start.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", file, "-map", "0:v:0",
            "-c:v", "libx264", "-preset", "ultrafast", "-f", "mp4");
        var r = await ProcessRunner.RunCheckedAsync(
            ["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", cut],
            TimeSpan.FromMinutes(1), Token);
        return int.Parse(r.StdoutText.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
