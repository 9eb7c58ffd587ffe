using Clipper.Core.Errors;
using Clipper.Core.Media;
using Clipper.TestSupport;

namespace Clipper.Core.Tests;

[Trait("Category", "media")]
public sealed class ProbeTests
{
    [Fact]
    public async Task ReadsDisplayedSizeFrameRateAndStreamsOfARealVideo()
    {
        var dir = TestMedia.TempDir();
        var mp4 = await TestMedia.FfmpegAsync(Path.Combine(dir, "v.mp4"), "-f", "lavfi", "-i", "testsrc=s=320x240:r=25:d=2",
            "-f", "lavfi", "-i", "sine=d=2", "-c:v", "libx264", "-c:a", "aac", "-shortest");
        var info = await Probe.ProbeAsync(mp4, TestContext.Current.CancellationToken);
        Assert.True(info.HasVideo && info.HasAudio);
        Assert.Equal((320, 240), (info.Width, info.Height));
        Assert.Equal(25, info.Fps, 1);
        Assert.InRange(info.DurationSeconds, 1.9, 2.2);
        Assert.Equal("h264", info.VideoCodec);
        Assert.Equal(new FileInfo(mp4).Length, info.SizeBytes);
    }

    [Fact]
    public async Task ARotatedPhoneVideoReportsItsDisplayedSize()
    {
        var dir = TestMedia.TempDir();
        var plain = await TestMedia.FfmpegAsync(Path.Combine(dir, "p.mp4"), "-f", "lavfi", "-i", "testsrc=s=320x240:r=25:d=1", "-c:v", "libx264");
        // a phone's portrait video: landscape pixels with a display matrix that turns them
        var mp4 = await TestMedia.FfmpegAsync(Path.Combine(dir, "r.mp4"), "-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90");
        var info = await Probe.ProbeAsync(mp4, TestContext.Current.CancellationToken);
        Assert.Equal((240, 320), (info.Width, info.Height));
    }

    [Fact]
    public async Task TextIsNotAVideo()
    {
        var file = Path.Combine(TestMedia.TempDir(), "notes.mp4");
        await File.WriteAllTextAsync(file, "these are my notes, not a video", TestContext.Current.CancellationToken);
        var e = await Assert.ThrowsAsync<ClipperException>(() => Probe.ProbeAsync(file));
        Assert.Equal(ErrorCode.NotAVideo, e.Code);
    }
}
